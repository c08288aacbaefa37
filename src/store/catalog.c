/* catalog: build a new catalog file beside the live one, then swap it in atomically. */
#include "store/catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CATALOG_NEW DB_CATALOG ".new"
#define CATALOG_CACHE_BUCKETS 4096
#define CATALOG_CHUNK 64	/* listing positions per index record */
#define CATALOG_FORMAT 2	/* 2: listings in chunks of CATALOG_CHUNK */

static void key_item(struct buf *k, const char *id)
{
	buf_reset(k);
	buf_adds(k, "i:");
	buf_adds(k, id);
}

int catalog_begin(struct catalog_writer *w, const char *home,
		  long long min_inventory, struct buf *err)
{
	struct buf path = BUF_INIT;
	int rc = -1;

	memset(w, 0, sizeof(*w));
	w->lock.lockfd = w->out.lockfd = w->old.lockfd = -1;
	w->home = xstrdup(home);
	w->now = (long long)time(NULL);
	w->min_inventory = min_inventory;
	buf_init(&w->fields);
	buf_init(&w->list);

	/* one sync at a time: the writer of sync.gdbm is the sync lock */
	if (db_open(&w->lock, home, "sync.gdbm", DB_WRITE, err) < 0)
		goto out;
	db_home_path(&path, home, CATALOG_NEW);
	unlink(path.ptr);	/* a leftover of a killed sync */
	w->new_started = 1;
	if (db_open_path(&w->out, path.ptr, DB_WRITE, GDBM_NEWDB, err) < 0)
		goto out;
	{
		int cache = CATALOG_CACHE_BUCKETS;
		gdbm_setopt(w->out.f, GDBM_SETCACHESIZE, &cache, sizeof(cache));
	}
	db_home_path(&path, home, DB_CATALOG);
	if (access(path.ptr, F_OK) == 0) {
		if (db_open_path(&w->old, path.ptr, DB_READ, 0, err) < 0)
			goto out;
		w->have_old = 1;
	}
	rc = 0;
out:
	buf_release(&path);
	if (rc < 0)
		catalog_abort(w);
	return rc;
}

/* cat_slot: the in-memory counter of category name (added at 0). */
static struct cat_count *cat_slot(struct catalog_writer *w, const char *name)
{
	size_t h = 5381, i;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = h * 33 + *p;
	if (w->ncats * 2 >= w->cats_alloc) {
		/* grow and rehash: the table stays at most half full */
		size_t nalloc = w->cats_alloc ? w->cats_alloc * 2 : 256;
		struct cat_count *nt = xcalloc(nalloc, sizeof(*nt));
		for (i = 0; i < w->cats_alloc; i++) {
			if (!w->cats[i].name)
				continue;
			size_t hh = w->cats[i].hash & (nalloc - 1);
			while (nt[hh].name)
				hh = (hh + 1) & (nalloc - 1);
			nt[hh] = w->cats[i];
		}
		free(w->cats);
		w->cats = nt;
		w->cats_alloc = nalloc;
	}
	for (i = h & (w->cats_alloc - 1); w->cats[i].name; i = (i + 1) & (w->cats_alloc - 1))
		if (w->cats[i].hash == h && !strcmp(w->cats[i].name, name))
			return &w->cats[i];
	w->cats[i].name = xstrdup(name);
	w->cats[i].hash = h;
	w->cats[i].count = 0;
	buf_init(&w->cats[i].ids);
	w->ncats++;
	return &w->cats[i];
}

/* history: carry prev quantity and first_seen over from the live catalog. */
static void history(struct catalog_writer *w, struct item *it, struct buf *key,
		    struct buf *val)
{
	struct item prev;
	item_init(&prev);
	if (w->have_old && db_get(&w->old, key->ptr, key->len, val) == 1 &&
	    item_decode(&prev, val->ptr, val->len) == 0) {
		it->has_prev = prev.has_quantity;
		it->prev_quantity = prev.quantity;
		it->first_seen = prev.first_seen;
	} else {
		it->has_prev = 0;
		it->first_seen = w->now;
	}
	item_release(&prev);
}

/* replace_duplicate: the id was seen earlier in this feed; the last wins. 0 or -1. */
static int replace_duplicate(struct catalog_writer *w, struct item *it,
			     struct buf *key, struct buf *val)
{
	struct item prev;
	int rc = -1;
	item_init(&prev);
	if (db_get(&w->out, key->ptr, key->len, val) != 1 ||
	    item_decode(&prev, val->ptr, val->len) < 0)
		goto out;
	it->has_prev = prev.has_prev;
	it->prev_quantity = prev.prev_quantity;
	it->first_seen = prev.first_seen;
	if (item_in_stock(&prev, w->min_inventory))
		w->ninstock--;
	if (prev.policy == 1)
		w->npolicy1--;
	item_encode(it, val);
	rc = db_put(&w->out, key->ptr, key->len, val->ptr, val->len);
out:
	item_release(&prev);
	return rc;
}

/* chunk_key: "n:<chunk>" for the listing, "c:<cat>\n<chunk>" for a category. */
static void chunk_key(struct buf *k, const char *cat, long long chunk)
{
	buf_reset(k);
	if (cat)
		buf_addf(k, "c:%s\n%lld", cat, chunk);
	else
		buf_addf(k, "n:%lld", chunk);
}

/* chunk_flush: store the buffered ids of the chunk holding position count-1. */
static int chunk_flush(struct catalog_writer *w, const char *cat, struct buf *ids,
		       long long count)
{
	struct buf k = BUF_INIT;
	int rc = 0;
	if (ids->len) {
		chunk_key(&k, cat, (count - 1) / CATALOG_CHUNK);
		rc = db_put(&w->out, k.ptr, k.len, ids->ptr, ids->len);
		buf_reset(ids);
	}
	buf_release(&k);
	return rc;
}

/*
 * chunk_add: append id at position *count of a listing (the catalog's or a
 * category's). Positions are stored CATALOG_CHUNK to a record, ids
 * NUL-separated: one store per chunk instead of one per item.
 */
static int chunk_add(struct catalog_writer *w, const char *cat, struct buf *ids,
		     long long *count, const char *id)
{
	buf_add(ids, id, strlen(id) + 1);
	(*count)++;
	return *count % CATALOG_CHUNK ? 0 : chunk_flush(w, cat, ids, *count);
}

int catalog_put(struct catalog_writer *w, struct item *it)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	int dup = 0, rc = -1;
	key_item(&key, it->id);
	history(w, it, &key, &val);
	it->last_seen = w->now;
	it->seq = w->nseq++;
	item_encode(it, &val);
	/* GDBM_INSERT refuses an existing key: that is how duplicates show */
	datum k = { key.ptr, (int)key.len }, v = { val.ptr, (int)val.len };
	int st = gdbm_store(w->out.f, k, v, GDBM_INSERT);
	if (st < 0)
		goto out;
	if (st == 1) {
		dup = 1;
		if (replace_duplicate(w, it, &key, &val) < 0)
			goto out;
	}
	if (chunk_add(w, NULL, &w->list, &w->nlist, it->id) < 0)
		goto out;
	for (size_t i = 0; i < it->ncategories; i++) {
		struct cat_count *cc = cat_slot(w, it->categories[i]);
		if (chunk_add(w, cc->name, &cc->ids, &cc->count, it->id) < 0)
			goto out;
	}
	if (!dup)
		w->nitems++;
	else
		w->nduplicates++;
	if (item_in_stock(it, w->min_inventory))
		w->ninstock++;
	if (it->policy == 1)
		w->npolicy1++;
	rc = dup;
out:
	buf_release(&key);
	buf_release(&val);
	return rc;
}

/* write_cat_counts: the C:<cat> counters, once, at commit. 0 or -1. */
static int write_cat_counts(struct catalog_writer *w)
{
	struct buf k = BUF_INIT;
	int rc = chunk_flush(w, NULL, &w->list, w->nlist);
	for (size_t i = 0; i < w->cats_alloc && rc == 0; i++) {
		if (!w->cats[i].name)
			continue;
		if (chunk_flush(w, w->cats[i].name, &w->cats[i].ids, w->cats[i].count) < 0) {
			rc = -1;
			break;
		}
		buf_reset(&k);
		buf_addf(&k, "C:%s", w->cats[i].name);
		rc = db_put_ll(&w->out, k.ptr, w->cats[i].count);
	}
	buf_release(&k);
	return rc;
}

void catalog_note_field(struct catalog_writer *w, const char *name)
{
	/* fields are few; a linear search keeps this simple */
	size_t n = strlen(name);
	const char *p = w->fields.ptr;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == n && !memcmp(p, name, n))
			return;
		if (!nl)
			break;
		p = nl + 1;
	}
	if (w->fields.len > 64 * 1024)
		return;
	if (w->fields.len)
		buf_addch(&w->fields, '\n');
	buf_adds(&w->fields, name);
}

int catalog_commit(struct catalog_writer *w, struct buf *err)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	int rc = -1;

	if (write_cat_counts(w) < 0 ||
	    db_put_ll(&w->out, "#items", w->nitems) < 0 ||
	    db_put_ll(&w->out, "#instock", w->ninstock) < 0 ||
	    db_put_ll(&w->out, "#min", w->min_inventory) < 0 ||
	    db_put_ll(&w->out, "#nseq", w->nseq) < 0 ||
	    db_put_ll(&w->out, "#format", CATALOG_FORMAT) < 0 ||
	    db_put_ll(&w->out, "#policy1", w->npolicy1) < 0 ||
	    db_put_ll(&w->out, "#built", w->now) < 0 ||
	    db_puts(&w->out, "#fields", w->fields.ptr) < 0) {
		buf_addf(err, "writing the catalog: %s", db_error(&w->out));
		goto out;
	}
	if (db_sync(&w->out) < 0) {
		buf_addf(err, "syncing the catalog: %s", db_error(&w->out));
		goto out;
	}
	db_close(&w->out);
	db_close(&w->old);
	db_home_path(&from, w->home, CATALOG_NEW);
	db_home_path(&to, w->home, DB_CATALOG);
	if (rename(from.ptr, to.ptr) < 0) {
		buf_addf(err, "installing the catalog: %s", strerror(errno));
		goto out;
	}
	w->new_started = 0;	/* it is the live catalog now */
	/* make the rename durable */
	{
		int dfd = open(w->home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	rc = 0;
out:
	buf_release(&from);
	buf_release(&to);
	catalog_abort(w);
	return rc;
}

void catalog_abort(struct catalog_writer *w)
{
	if (w->new_started && w->home) {
		/* also when creating it failed half-way (a full disk) */
		struct buf path = BUF_INIT;
		db_close(&w->out);
		db_home_path(&path, w->home, CATALOG_NEW);
		unlink(path.ptr);
		buf_release(&path);
		w->new_started = 0;
	}
	db_close(&w->out);
	db_close(&w->old);
	db_close(&w->lock);
	buf_release(&w->fields);
	for (size_t i = 0; i < w->cats_alloc; i++) {
		free(w->cats[i].name);
		buf_release(&w->cats[i].ids);
	}
	buf_release(&w->list);
	w->nlist = 0;
	free(w->cats);
	w->cats = NULL;
	w->cats_alloc = w->ncats = 0;
	free(w->home);
	w->home = NULL;
}

int catalog_open(struct catalog *c, const char *home, struct buf *err)
{
	struct buf path = BUF_INIT;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	c->db.lockfd = -1;
	buf_init(&c->chunk);
	db_home_path(&path, home, DB_CATALOG);
	if (access(path.ptr, F_OK) == 0) {
		/* never written in place: open without the shared lock */
		c->db.f = gdbm_open(path.ptr, 0, GDBM_READER | GDBM_NOLOCK |
				    GDBM_NOMMAP | GDBM_CLOEXEC, 0, NULL);
		if (!c->db.f) {
			buf_addf(err, "%s: %s", path.ptr, gdbm_strerror(gdbm_errno));
			rc = -1;
		} else {
			c->open = 1;
		}
	}
	buf_release(&path);
	return rc;
}

void catalog_close(struct catalog *c)
{
	db_close(&c->db);
	c->open = 0;
	buf_release(&c->chunk);
	free(c->chunk_cat);
	c->chunk_cat = NULL;
	c->chunk_valid = 0;
}

int catalog_get(struct catalog *c, const char *id, struct item *it)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	int rc = 0;
	if (!c->open)
		return 0;
	key_item(&key, id);
	rc = db_get(&c->db, key.ptr, key.len, &val);
	if (rc == 1 && item_decode(it, val.ptr, val.len) < 0)
		rc = -1;
	buf_release(&key);
	buf_release(&val);
	return rc;
}

/*
 * id_at: the id at position k of a listing (cat NULL: the catalog's) into
 * id. The chunk last read is kept in c, so walking a page reads it once.
 * 1, 0 past the end, -1 error.
 */
static int id_at(struct catalog *c, const char *cat, long long k, struct buf *id)
{
	long long chunk = k / CATALOG_CHUNK;
	int same = c->chunk_no == chunk && c->chunk_valid &&
		   ((!cat && !c->chunk_cat) ||
		    (cat && c->chunk_cat && !strcmp(cat, c->chunk_cat)));
	if (!same) {
		struct buf key = BUF_INIT;
		chunk_key(&key, cat, chunk);
		int rc = db_get(&c->db, key.ptr, key.len, &c->chunk);
		buf_release(&key);
		c->chunk_valid = 0;
		if (rc != 1)
			return rc;
		free(c->chunk_cat);
		c->chunk_cat = cat ? xstrdup(cat) : NULL;
		c->chunk_no = chunk;
		c->chunk_valid = 1;
	}
	const char *p = c->chunk.ptr, *end = p + c->chunk.len;
	for (long long i = k % CATALOG_CHUNK; i > 0 && p < end; i--)
		p += strnlen(p, (size_t)(end - p)) + 1;
	if (p >= end)
		return 0;
	buf_reset(id);
	buf_add(id, p, strnlen(p, (size_t)(end - p)));
	return 1;
}

static int get_at(struct catalog *c, const char *cat, long long k, struct item *it)
{
	struct buf id = BUF_INIT;
	int rc = id_at(c, cat, k, &id);
	if (rc == 1)
		rc = catalog_get(c, id.ptr, it);
	buf_release(&id);
	return rc;
}

int catalog_at(struct catalog *c, long long seq, struct item *it)
{
	int rc;
	if (!c->open || seq < 0)
		return 0;
	rc = get_at(c, NULL, seq, it);
	/* a duplicate id later in the feed moved the item: this slot is a gap */
	if (rc == 1 && it->seq != seq)
		rc = 0;
	return rc;
}

int catalog_cat_at(struct catalog *c, const char *cat, long long k,
		   struct item *it)
{
	if (!c->open || k < 0)
		return 0;
	return get_at(c, cat, k, it);
}

long long catalog_count(struct catalog *c, const char *counter)
{
	return c->open ? db_get_ll(&c->db, counter, 0) : 0;
}

long long catalog_cat_count(struct catalog *c, const char *cat)
{
	struct buf key = BUF_INIT;
	long long n;
	if (!c->open)
		return 0;
	buf_addf(&key, "C:%s", cat);
	n = db_get_ll(&c->db, key.ptr, 0);
	buf_release(&key);
	return n;
}

void catalog_fields(struct catalog *c, struct buf *out)
{
	buf_reset(out);
	if (c->open)
		db_gets(&c->db, "#fields", out);
}
