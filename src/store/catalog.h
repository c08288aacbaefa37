/* catalog: the item store, rebuilt beside the live one by each sync and swapped in with rename(). */
#ifndef RESTOCK_CATALOG_H
#define RESTOCK_CATALOG_H

#include "core/buf.h"
#include "store/db.h"
#include "store/item.h"

/*
 * Keys of catalog.gdbm (all values rec-encoded or decimal text):
 *   i:<id>        item record (store/item.h)
 *   n:<chunk>     ids of listing positions chunk*64 .. chunk*64+63, NUL-separated
 *   c:<cat>\n<chunk>  the same for the items of category <cat>
 *   C:<cat>       number of items in category <cat>
 *   #items        number of distinct items
 *   #instock      items with quantity >= #min (at build time)
 *   #min          min_inventory used for #instock
 *   #nseq         listing positions (duplicates leave gaps: see catalog_at)
 *   #format       2 (listings in chunks)
 *   #policy1      items with $inventory_policy 1 (hidden when out of stock)
 *   #built        unix time the catalog was built
 *   #fields       the feed fields seen, one per line (for the mapping page)
 */

struct cat_count {
	char *name;
	size_t hash;
	long long count;
	struct buf ids;		/* ids of its current listing chunk */
};

struct catalog_writer {
	struct db lock;		/* sync.lock: one sync at a time */
	struct db out;		/* catalog.gdbm.new */
	struct db old;		/* the live catalog, read for history */
	int have_old;
	int new_started;	/* catalog.gdbm.new may exist: abort removes it */
	char *home;
	long long now;
	long long min_inventory;
	long long nseq, nitems, ninstock, nduplicates, npolicy1;
	struct buf fields;	/* seen feed fields, "\n"-separated */
	struct buf list;	/* ids of the current listing chunk */
	long long nlist;
	struct cat_count *cats;	/* items per category, written at commit */
	size_t ncats, cats_alloc;
};

/* catalog_begin: start a rebuild. 0, or -1 with err set. */
int catalog_begin(struct catalog_writer *w, const char *home,
		  long long min_inventory, struct buf *err);
/*
 * catalog_put: add an item (seq, history filled in here).
 * Returns 0 new, 1 replaced a duplicate id (last wins), -1 on error.
 */
int catalog_put(struct catalog_writer *w, struct item *it);
/* catalog_note_field: remember a feed field name for the mapping page. */
void catalog_note_field(struct catalog_writer *w, const char *name);
/* catalog_commit: write the counters, fsync and rename into place. 0 or -1. */
int catalog_commit(struct catalog_writer *w, struct buf *err);
/* catalog_abort: drop the half-built catalog; the live one is untouched. */
void catalog_abort(struct catalog_writer *w);

/* Readers: the catalog file is never modified in place, so no lock is needed. */
struct catalog {
	struct db db;
	int open;		/* 0 when there is no catalog yet (empty) */
	struct buf chunk;	/* the listing chunk read last */
	char *chunk_cat;	/* its category, NULL for the catalog's listing */
	long long chunk_no;
	int chunk_valid;
};
/* catalog_open: 0 (also when no catalog exists: then every lookup misses), -1 error. */
int catalog_open(struct catalog *c, const char *home, struct buf *err);
void catalog_close(struct catalog *c);
/* catalog_get: 1 found (it filled), 0 unknown id, -1 error. */
int catalog_get(struct catalog *c, const char *id, struct item *it);
/* catalog_at: the item at listing position seq: 1, 0 (gap or past end), -1. */
int catalog_at(struct catalog *c, long long seq, struct item *it);
/* catalog_cat_at: the k-th item of a category: 1, 0, -1. */
int catalog_cat_at(struct catalog *c, const char *cat, long long k,
		   struct item *it);
long long catalog_count(struct catalog *c, const char *counter);
long long catalog_cat_count(struct catalog *c, const char *cat);
/* catalog_fields: the feed fields seen in the last sync, "\n"-separated. */
void catalog_fields(struct catalog *c, struct buf *out);

#endif
