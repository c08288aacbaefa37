/* map: feed field -> Klaviyo field mapping (default, Google preset, overrides) and the typed value parsers. */
#ifndef RESTOCK_FEED_MAP_H
#define RESTOCK_FEED_MAP_H

#include <stddef.h>

#include "core/buf.h"
#include "store/item.h"

/* One field of one feed item as the parsers deliver it. */
struct feed_field {
	struct buf name;
	struct buf val;		/* elements, each followed by a NUL */
	size_t nelem;		/* 1 for a scalar */
	int is_list;		/* a JSON array, nested or repeated XML elements */
	int too_long;		/* the value passed FEED_MAX_FIELD_BYTES */
	int forgot;		/* emptied by feed_builder_forget */
};

/* Why an item was rejected: the feed field (may be empty) and a reason. */
struct feed_problem {
	struct buf field;
	struct buf reason;
};
void feed_problem_init(struct feed_problem *p);
void feed_problem_release(struct feed_problem *p);
/* feed_problem_set: record field and a printf-style reason; returns -1. */
int feed_problem_set(struct feed_problem *p, const char *field,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

enum feed_preset {
	FEED_PRESET_AUTO,	/* google when an item has g: fields */
	FEED_PRESET_DEFAULT,
	FEED_PRESET_GOOGLE,
};

struct feed_map_rule {
	char *from;	/* feed field name */
	char *to;	/* "$title" etc, a custom name, or "" to drop the field */
	char type;	/* enum field_type, 0 for the target's own */
};

struct feed_mapping {
	enum feed_preset preset;
	struct feed_map_rule *rules;
	size_t nrules;
};

/*
 * feed_mapping_init: from the settings feed_preset ("auto|default|google")
 * and feed_mapping (lines "feed_field=target[:Type]"). 0, or -1 with a
 * one-line reason in err. Release with feed_mapping_release.
 */
int feed_mapping_init(struct feed_mapping *m, const char *preset,
		      const char *text, struct buf *err);
void feed_mapping_release(struct feed_mapping *m);

/* feed_map_preset: the preset for a source, given its first item's fields. */
enum feed_preset feed_map_preset(const struct feed_mapping *m,
				 const struct feed_field *f, size_t n);
/* feed_map_is_id: 1 when the feed field name maps to $id under the preset. */
int feed_map_is_id(const struct feed_mapping *m, enum feed_preset preset,
		   const char *name);

/*
 * feed_map_item: fill it (init'ed, empty) from the fields. Unmapped fields
 * become metadata. Returns 0, or -1 with p set (the item is to be rejected;
 * the caller releases it).
 */
int feed_map_item(const struct feed_mapping *m, enum feed_preset preset,
		  const struct feed_field *f, size_t n, struct item *it,
		  struct feed_problem *p);

/* Value parsers (leading/trailing ASCII whitespace ignored). 0 or -1. */
int feed_parse_number(const char *s, size_t n, double *out);
/* feed_parse_price: a number, optionally followed by a currency code ("12.99 USD"). */
int feed_parse_price(const char *s, size_t n, double *out);
/* feed_parse_quantity: an integer ("5", "5.0"), |v| <= FEED_MAX_QUANTITY; -2 when out of range. */
int feed_parse_quantity(const char *s, size_t n, long long *out);
/* feed_parse_bool: true/false/1/0/yes/no/on/off, any case. */
int feed_parse_bool(const char *s, size_t n, int *out);
/* feed_parse_date: ISO 8601 / RFC 3339 date or date-time, into out as "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
int feed_parse_date(const char *s, size_t n, struct buf *out);
/* feed_split_list: a comma-separated string into NUL-terminated trimmed elements (empty ones dropped); returns the count. */
size_t feed_split_list(const char *s, size_t n, struct buf *out);
/* feed_json_string: append s as a JSON string literal (escaped). */
void feed_json_string(struct buf *out, const char *s, size_t n);

#endif
