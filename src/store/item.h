/* item: a catalog item (Klaviyo fields, custom metadata, stock history) and its record codec. */
#ifndef RESTOCK_ITEM_H
#define RESTOCK_ITEM_H

#include <stddef.h>

#include "core/buf.h"

/* Field types of the mapping (SPEC 2). */
enum field_type {
	FT_STRING = 'S',
	FT_NUMBER = 'N',
	FT_BOOLEAN = 'B',
	FT_DATE = 'D',
	FT_LIST = 'L',
};

struct item_meta {
	char *name;	/* feed field name, e.g. "color" or "g:brand" */
	char *value;	/* normalised value as text (List: JSON array) */
	char type;	/* enum field_type */
};

struct item {
	char *id, *title, *link, *description, *image_link;
	double price;
	int has_price;
	long long quantity;	/* $inventory_quantity */
	int has_quantity;
	int policy;		/* $inventory_policy: 0 absent, 1 or 2 */
	char **categories;
	size_t ncategories;
	struct item_meta *meta;
	size_t nmeta, meta_alloc;

	/* kept by the store across syncs */
	long long seq;		/* position in the catalog's listing order */
	long long prev_quantity;	/* quantity in the previous sync */
	int has_prev;
	long long first_seen;	/* unix time of the first sync that had it */
	long long last_seen;	/* unix time of the last sync that had it */
};

void item_init(struct item *it);
void item_release(struct item *it);	/* frees all strings, re-inits */
void item_add_category(struct item *it, const char *s, size_t len);
void item_add_meta(struct item *it, const char *name, const char *value,
		   size_t vlen, char type);
const char *item_meta_get(const struct item *it, const char *name);

/* item_encode: the versioned record for the catalog (replaces out). */
void item_encode(const struct item *it, struct buf *out);
/* item_decode: 0, or -1 on a corrupt record. it must be init'ed; released first. */
int item_decode(struct item *it, const char *data, size_t len);

/* item_visible: shown in recommendation feeds (SPEC 7: policy 1 hides it below min). */
int item_visible(const struct item *it, long long min_inventory);
/* item_in_stock: has a quantity and it is >= min_inventory. */
int item_in_stock(const struct item *it, long long min_inventory);

#endif
