/* subs: FIFO queues of waiting subscriptions per variant, dedupe index and counters. */
#include "store/subs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rec.h"

enum {
	SUB_REC_VERSION = 1,
	T_EMAIL = 'e', T_VARIANT = 'v', T_PHONE = 'p', T_EXTID = 'x',
	T_PLATFORM = 'f', T_PRODUCT = 'r', T_STORE = 's', T_G = 'g',
	T_CHANNELS = 'c', T_NEWS = 'n', T_CREATED = 't', T_SEQ = 'q',
	T_ITITLE = 'i', T_IPRICE = 'P',
	HEAD_REC_VERSION = 1,
	H_HEAD = 'h', H_NEXT = 'n', H_WAITING = 'w', H_UNTIL = 'u', H_RELEASED = 'r',
};

void sub_init(struct sub *s)
{
	memset(s, 0, sizeof(*s));
}

void sub_release(struct sub *s)
{
	free(s->email);
	free(s->email_key);
	free(s->variant);
	free(s->phone);
	free(s->external_id);
	free(s->platform);
	free(s->product);
	free(s->store);
	free(s->g);
	free(s->item_title);
	sub_init(s);
}

char *email_key(const char *email)
{
	char *k = xstrdup(email);
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

char *sub_identity(const char *email, const char *phone, const char *external_id)
{
	struct buf k = BUF_INIT;
	if (email)
		return email_key(email);
	buf_adds(&k, phone ? "tel:" : "ext:");
	buf_adds(&k, phone ? phone : external_id ? external_id : "");
	return buf_detach(&k, NULL);
}

void sub_encode(const struct sub *s, struct buf *out)
{
	rec_begin(out, SUB_REC_VERSION);
	rec_put_str(out, T_EMAIL, s->email);
	rec_put_str(out, T_VARIANT, s->variant);
	rec_put_str(out, T_PHONE, s->phone);
	rec_put_str(out, T_EXTID, s->external_id);
	rec_put_str(out, T_PLATFORM, s->platform);
	rec_put_str(out, T_PRODUCT, s->product);
	rec_put_str(out, T_STORE, s->store);
	rec_put_str(out, T_G, s->g);
	rec_put_ll(out, T_CHANNELS, s->channels);
	rec_put_ll(out, T_NEWS, s->newsletter);
	rec_put_ll(out, T_CREATED, s->created_us);
	rec_put_ll(out, T_SEQ, s->seq);
	rec_put_str(out, T_ITITLE, s->item_title);
	rec_put_dbl(out, T_IPRICE, s->item_price);
}

static char **sub_str_slot(struct sub *s, unsigned char tag)
{
	switch (tag) {
	case T_EMAIL: return &s->email;
	case T_VARIANT: return &s->variant;
	case T_PHONE: return &s->phone;
	case T_EXTID: return &s->external_id;
	case T_PLATFORM: return &s->platform;
	case T_PRODUCT: return &s->product;
	case T_STORE: return &s->store;
	case T_G: return &s->g;
	case T_ITITLE: return &s->item_title;
	}
	return NULL;
}

int sub_decode(struct sub *s, const char *data, size_t len)
{
	struct rec_reader r;
	unsigned char tag;
	const char *d;
	size_t n;
	int rc;

	sub_release(s);
	if (rec_reader_init(&r, data, len) < 0 || r.version != SUB_REC_VERSION)
		return -1;
	while ((rc = rec_next(&r, &tag, &d, &n)) == 1) {
		char **slot = sub_str_slot(s, tag);
		if (slot) {
			free(*slot);
			*slot = xstrndup(d, n);
			continue;
		}
		switch (tag) {
		case T_CHANNELS: s->channels = (unsigned)rec_ll(d, n); break;
		case T_NEWS: s->newsletter = (int)rec_ll(d, n); break;
		case T_CREATED: s->created_us = rec_ll(d, n); break;
		case T_SEQ: s->seq = rec_ll(d, n); break;
		case T_IPRICE: s->item_price = rec_dbl(d, n); break;
		default: break;
		}
	}
	if (rc < 0 || !s->variant || (!s->email && !s->phone && !s->external_id))
		return -1;
	s->email_key = sub_identity(s->email, s->phone, s->external_id);
	return 0;
}

static void key_head(struct buf *k, const char *variant)
{
	buf_reset(k);
	buf_addf(k, "v:%s", variant);
}

static void key_queue(struct buf *k, const char *variant, long long seq)
{
	buf_reset(k);
	buf_addf(k, "q:%s\n%lld", variant, seq);
}

static void key_dedupe(struct buf *k, const char *ekey, const char *variant)
{
	buf_reset(k);
	buf_addf(k, "d:%s\n%s", ekey, variant);
}

int variant_head_get(struct db *db, const char *variant, struct variant_head *h)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	struct rec_reader r;
	unsigned char tag;
	const char *d;
	size_t n;
	int rc;

	memset(h, 0, sizeof(*h));
	key_head(&k, variant);
	rc = db_get(db, k.ptr, k.len, &v);
	if (rc == 1) {
		if (rec_reader_init(&r, v.ptr, v.len) < 0) {
			rc = -1;
			goto out;
		}
		int more;
		while ((more = rec_next(&r, &tag, &d, &n)) == 1) {
			long long x = rec_ll(d, n);
			switch (tag) {
			case H_HEAD: h->head = x; break;
			case H_NEXT: h->next = x; break;
			case H_WAITING: h->waiting = x; break;
			case H_UNTIL: h->wait_until = x; break;
			case H_RELEASED: h->released = x; break;
			}
		}
		if (more < 0)
			rc = -1;
	}
out:
	buf_release(&k);
	buf_release(&v);
	return rc;
}

int variant_head_put(struct db *db, const char *variant, const struct variant_head *h)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	int rc;
	key_head(&k, variant);
	rec_begin(&v, HEAD_REC_VERSION);
	rec_put_ll(&v, H_HEAD, h->head);
	rec_put_ll(&v, H_NEXT, h->next);
	rec_put_ll(&v, H_WAITING, h->waiting);
	rec_put_ll(&v, H_UNTIL, h->wait_until);
	rec_put_ll(&v, H_RELEASED, h->released);
	rc = db_put(db, k.ptr, k.len, v.ptr, v.len);
	buf_release(&k);
	buf_release(&v);
	return rc;
}

int subs_find(struct db *db, const char *ekey, const char *variant,
	      long long *seq)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	int rc;
	key_dedupe(&k, ekey, variant);
	rc = db_get(db, k.ptr, k.len, &v);
	if (rc == 1)
		*seq = strtoll(v.ptr, NULL, 10);
	buf_release(&k);
	buf_release(&v);
	return rc;
}

/* email_list: add (delta > 0) or remove variant in the email's "M:" list. */
static int email_list(struct db *db, const char *ekey, const char *variant,
		      int add)
{
	struct buf k = BUF_INIT, v = BUF_INIT, nv = BUF_INIT;
	size_t vlen = strlen(variant);
	int rc;

	buf_addf(&k, "M:%s", ekey);
	rc = db_get(db, k.ptr, k.len, &v);
	if (rc < 0)
		goto out;
	/* rebuild without variant, then append it when adding */
	for (const char *p = v.ptr; rc == 1 && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (!(len == vlen && !memcmp(p, variant, len))) {
			if (nv.len)
				buf_addch(&nv, '\n');
			buf_add(&nv, p, len);
		}
		p += len + (nl ? 1 : 0);
	}
	if (add) {
		if (nv.len)
			buf_addch(&nv, '\n');
		buf_add(&nv, variant, vlen);
	}
	rc = nv.len ? db_put(db, k.ptr, k.len, nv.ptr, nv.len) :
		      db_del(db, k.ptr, k.len);
out:
	buf_release(&k);
	buf_release(&v);
	buf_release(&nv);
	return rc;
}

static int email_count(struct db *db, const char *ekey, long long delta)
{
	struct buf k = BUF_INIT;
	long long n;
	int rc = 0;
	buf_addf(&k, "m:%s", ekey);
	n = db_get_ll(db, k.ptr, 0) + delta;
	if (n <= 0)
		rc = db_del(db, k.ptr, k.len);
	else
		rc = db_put_ll(db, k.ptr, n);
	buf_release(&k);
	return rc;
}

int subs_of_email(struct db *db, const char *ekey, struct buf *variants)
{
	struct buf k = BUF_INIT;
	int rc;
	buf_addf(&k, "M:%s", ekey);
	rc = db_get(db, k.ptr, k.len, variants);
	if (rc == 0)
		buf_reset(variants);
	buf_release(&k);
	return rc < 0 ? -1 : 0;
}

static int write_entry(struct db *db, const struct sub *s)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	char seq[32];
	int rc;

	key_queue(&k, s->variant, s->seq);
	sub_encode(s, &v);
	rc = db_put(db, k.ptr, k.len, v.ptr, v.len);
	if (rc == 0) {
		key_dedupe(&k, s->email_key, s->variant);
		snprintf(seq, sizeof(seq), "%lld", s->seq);
		rc = db_put(db, k.ptr, k.len, seq, strlen(seq));
	}
	if (rc == 0)
		rc = email_count(db, s->email_key, 1);
	if (rc == 0)
		rc = email_list(db, s->email_key, s->variant, 1);
	buf_release(&k);
	buf_release(&v);
	return rc;
}

int subs_enqueue(struct db *db, struct sub *s)
{
	struct variant_head h;
	if (variant_head_get(db, s->variant, &h) < 0)
		return -1;
	if (h.waiting == 0)
		h.head = h.next;
	s->seq = h.next++;
	h.waiting++;
	if (write_entry(db, s) < 0 || variant_head_put(db, s->variant, &h) < 0)
		return -1;
	if (h.waiting == 1 && db_add_ll(db, "#variants", 1) < 0)
		return -1;
	return db_add_ll(db, "#waiting", 1) < 0 ? -1 : 0;
}

int subs_get(struct db *db, const char *variant, long long seq, struct sub *s)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	int rc;
	key_queue(&k, variant, seq);
	rc = db_get(db, k.ptr, k.len, &v);
	if (rc == 1 && sub_decode(s, v.ptr, v.len) < 0)
		rc = -1;
	buf_release(&k);
	buf_release(&v);
	return rc;
}

int subs_next(struct db *db, const char *variant, long long from,
	      long long *seq)
{
	struct variant_head h;
	struct buf k = BUF_INIT;
	int rc = 0;
	if (variant_head_get(db, variant, &h) < 0)
		return -1;
	if (h.waiting <= 0)
		return 0;
	if (from < h.head)
		from = h.head;
	for (long long q = from; q < h.next; q++) {
		key_queue(&k, variant, q);
		if (db_exists(db, k.ptr, k.len)) {
			*seq = q;
			rc = 1;
			break;
		}
	}
	buf_release(&k);
	return rc;
}

int subs_remove(struct db *db, const char *variant, long long seq)
{
	struct sub s;
	struct variant_head h;
	struct buf k = BUF_INIT;
	int rc;

	sub_init(&s);
	rc = subs_get(db, variant, seq, &s);
	if (rc != 1)
		goto out;
	rc = -1;
	key_queue(&k, variant, seq);
	if (db_del(db, k.ptr, k.len) < 0)
		goto out;
	key_dedupe(&k, s.email_key, variant);
	if (db_del(db, k.ptr, k.len) < 0 || email_count(db, s.email_key, -1) < 0 ||
	    email_list(db, s.email_key, variant, 0) < 0)
		goto out;
	if (variant_head_get(db, variant, &h) < 0)
		goto out;
	h.waiting--;
	if (h.waiting <= 0) {
		h.waiting = 0;
		h.head = h.next;
		if (db_add_ll(db, "#variants", -1) < 0)
			goto out;
	} else if (seq == h.head) {
		long long nx = h.next;
		if (variant_head_put(db, variant, &h) < 0 ||
		    subs_next(db, variant, seq + 1, &nx) < 0)
			goto out;
		h.head = nx;
	}
	if (variant_head_put(db, variant, &h) < 0 ||
	    db_add_ll(db, "#waiting", -1) < 0)
		goto out;
	rc = 1;
out:
	sub_release(&s);
	buf_release(&k);
	return rc;
}

int subs_put_back(struct db *db, struct sub *s)
{
	struct variant_head h;
	long long other;
	int rc = subs_find(db, s->email_key, s->variant, &other);
	if (rc < 0)
		return -1;
	if (rc == 1 && subs_remove(db, s->variant, other) < 0)
		return -1;
	if (variant_head_get(db, s->variant, &h) < 0)
		return -1;
	if (h.waiting == 0) {
		h.head = s->seq;
		if (h.next <= s->seq)
			h.next = s->seq + 1;
		if (db_add_ll(db, "#variants", 1) < 0)
			return -1;
	} else if (s->seq < h.head) {
		h.head = s->seq;
	}
	h.waiting++;
	if (write_entry(db, s) < 0 || variant_head_put(db, s->variant, &h) < 0)
		return -1;
	return db_add_ll(db, "#waiting", 1) < 0 ? -1 : 0;
}

static void key_suppress(struct buf *k, const char *ekey)
{
	buf_reset(k);
	buf_addf(k, "x:%s", ekey);
}

int subs_suppressed(struct db *db, const char *ekey)
{
	struct buf k = BUF_INIT;
	int rc;
	key_suppress(&k, ekey);
	rc = db_exists(db, k.ptr, k.len);
	buf_release(&k);
	return rc;
}

int subs_suppress(struct db *db, const char *ekey, long long now)
{
	struct buf k = BUF_INIT;
	int rc;
	key_suppress(&k, ekey);
	rc = db_exists(db, k.ptr, k.len) ? 0 : db_put_ll(db, k.ptr, now);
	buf_release(&k);
	return rc;
}

int subs_unsuppress(struct db *db, const char *ekey)
{
	struct buf k = BUF_INIT;
	int rc;
	key_suppress(&k, ekey);
	rc = db_del(db, k.ptr, k.len);
	buf_release(&k);
	return rc;
}

int waiting_add(const char *home, const char *variant, struct buf *err)
{
	struct db db;
	int rc;
	if (db_open(&db, home, DB_WAITING, DB_WRITE, err) < 0)
		return -1;
	rc = db_exists(&db, variant, strlen(variant)) ? 0 :
		db_put(&db, variant, strlen(variant), "", 0);
	db_close(&db);
	return rc;
}

int waiting_remove(const char *home, const char *variant, struct buf *err)
{
	struct db db;
	int rc;
	if (db_open(&db, home, DB_WAITING, DB_WRITE, err) < 0)
		return -1;
	rc = db_del(&db, variant, strlen(variant));
	db_close(&db);
	return rc;
}

void day_key(struct buf *out, long long t, const char *what)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char d[16];
	gmtime_r(&tt, &tm);
	strftime(d, sizeof(d), "%Y-%m-%d", &tm);
	buf_reset(out);
	buf_addf(out, "D:%s:%s", d, what);
}

int day_count(struct db *db, long long t, const char *what, long long delta)
{
	struct buf k = BUF_INIT;
	long long v;
	day_key(&k, t, what);
	v = db_add_ll(db, k.ptr, delta);
	buf_release(&k);
	return v < 0 ? -1 : 0;
}
