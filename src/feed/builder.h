/* builder: the one item builder both feed parsers emit into (begin_item / field / end_item). */
#ifndef RESTOCK_FEED_BUILDER_H
#define RESTOCK_FEED_BUILDER_H

#include <stddef.h>

#include "core/buf.h"
#include "feed/map.h"
#include "store/item.h"

/* Where finished items go. Every callback may be NULL. */
struct feed_sink {
	/* item: an accepted item (the sink may modify it; the builder releases it). <0 aborts. */
	int (*item)(void *ctx, struct item *it, long long itemno);
	/* reject: a skipped item; id may be NULL, field may be "". */
	void (*reject)(void *ctx, long long itemno, const char *id,
		       const char *field, const char *reason);
	/* field_seen: a feed field name, once per name per sync (capped). */
	void (*field_seen)(void *ctx, const char *name);
	void *ctx;
};

struct feed_builder {
	const struct feed_mapping *map;
	struct feed_sink sink;
	enum feed_preset preset;	/* resolved at the first item of a source */
	int preset_known;
	struct feed_field *fields;	/* reused from item to item */
	size_t nfields, alloc;
	int in_item;
	long long itemno;		/* items begun in the current source */
	long long accepted, rejected;	/* over all sources */
	int bad;			/* the current item is rejected */
	struct feed_problem problem;
	char **seen;			/* hash set of noted field names */
	size_t nseen;
};

/* feed_builder_init: map and sink are borrowed. Release with feed_builder_release. */
void feed_builder_init(struct feed_builder *b, const struct feed_mapping *map,
		       const struct feed_sink *sink);
void feed_builder_release(struct feed_builder *b);
/* feed_builder_source: start a new source (item numbers restart at 1). */
void feed_builder_source(struct feed_builder *b);
void feed_builder_begin_item(struct feed_builder *b);
/*
 * feed_builder_field: one value of a field of the current item. A list
 * element, or a name seen again in the same item, makes the field a list.
 * Limits (field count, name and value size) mark the item rejected.
 */
void feed_builder_field(struct feed_builder *b, const char *name, size_t nlen,
			const char *val, size_t vlen, int list_elem);
/* feed_builder_forget: drop an earlier value of the field (a repeated JSON key: the last wins). */
void feed_builder_forget(struct feed_builder *b, const char *name, size_t nlen);
/* feed_builder_reject: mark the current item rejected (the first reason is kept). */
void feed_builder_reject(struct feed_builder *b, const char *field,
			 const char *reason);
/* feed_builder_end_item: map, validate and hand to the sink. 0, or -1 when the sink aborted. */
int feed_builder_end_item(struct feed_builder *b);

#endif
