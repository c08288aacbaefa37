/* journal: append-only subscription journal with group commit into subs.gdbm. */
#include "store/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/rec.h"
#include "store/events.h"
#include "store/outbox.h"
#include "store/ratemap.h"

#define J_MAGIC "RSJ1"
#define J_HEADER 16
#define J_REC_VERSION 1
#define J_WATERMARK "#jwm"

enum { JT_ID = 'i', JT_FLAGS = 'f', JT_CAP = 'c', JT_SUB = 's' };

enum apply_result { AR_ACCEPTED, AR_PENDING, AR_DUPLICATE, AR_SUPPRESSED, AR_CAP };

static long long now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static uint64_t fnv64(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void journal_entry_init(struct journal_entry *e)
{
	memset(e, 0, sizeof(*e));
	sub_init(&e->sub);
}

void journal_entry_release(struct journal_entry *e)
{
	sub_release(&e->sub);
	journal_entry_init(e);
}

void journal_encode(const struct journal_entry *e, struct buf *out)
{
	struct buf p = BUF_INIT, s = BUF_INIT;
	unsigned char h[J_HEADER];

	rec_begin(&p, J_REC_VERSION);
	rec_put(&p, JT_ID, e->id, JOURNAL_ID_BYTES);
	rec_put_ll(&p, JT_FLAGS, e->flags);
	rec_put_ll(&p, JT_CAP, e->cap);
	sub_encode(&e->sub, &s);
	rec_put(&p, JT_SUB, s.ptr, s.len);
	memcpy(h, J_MAGIC, 4);
	put_le(h + 4, p.len, 4);
	put_le(h + 8, fnv64(p.ptr, p.len), 8);
	buf_add(out, h, J_HEADER);
	buf_add(out, p.ptr, p.len);
	buf_release(&p);
	buf_release(&s);
}

long journal_decode(struct journal_entry *e, const char *data, size_t len)
{
	const unsigned char *h = (const unsigned char *)data;
	struct rec_reader r;
	unsigned char tag;
	const char *d;
	size_t n, plen;
	int rc, have_id = 0, have_sub = 0;

	journal_entry_release(e);
	if (len < J_HEADER)
		return len >= 4 && memcmp(data, J_MAGIC, 4) ? -1 : 0;
	if (memcmp(data, J_MAGIC, 4))
		return -1;
	plen = (size_t)get_le(h + 4, 4);
	if (plen == 0 || plen > JOURNAL_MAX_RECORD)
		return -1;
	if (len - J_HEADER < plen)
		return 0;
	if (fnv64(data + J_HEADER, plen) != get_le(h + 8, 8))
		return -1;
	if (rec_reader_init(&r, data + J_HEADER, plen) < 0 || r.version != J_REC_VERSION)
		return -1;
	while ((rc = rec_next(&r, &tag, &d, &n)) == 1) {
		switch (tag) {
		case JT_ID:
			if (n != JOURNAL_ID_BYTES)
				return -1;
			memcpy(e->id, d, n);
			have_id = 1;
			break;
		case JT_FLAGS: e->flags = (unsigned)rec_ll(d, n); break;
		case JT_CAP: e->cap = rec_ll(d, n); break;
		case JT_SUB:
			if (sub_decode(&e->sub, d, n) < 0)
				return -1;
			have_sub = 1;
			break;
		default: break;
		}
	}
	if (rc < 0 || !have_id || !have_sub)
		return -1;
	return (long)(J_HEADER + plen);
}

static void home_file(char *out, size_t cap, const char *home, const char *name)
{
	snprintf(out, cap, "%s/%s", home, name);
}

int journal_append(const char *home, struct journal_entry *e, struct buf *err)
{
	char lpath[4200], jpath[4200];
	struct buf rec = BUF_INIT;
	int lfd = -1, fd = -1, rc = -1;
	ssize_t n;
	off_t off;

	home_file(lpath, sizeof(lpath), home, JOURNAL_LOCK);
	home_file(jpath, sizeof(jpath), home, JOURNAL_FILE);
	if (random_bytes(e->id, JOURNAL_ID_BYTES) < 0) {
		buf_addf(err, "journal: no random bytes");
		return -1;
	}
	lfd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lfd < 0 || db_lock_wait(lfd, LOCK_EX, STORE_LOCK_WAIT_MS) < 0) {
		buf_addf(err, "%s: %s", lpath, strerror(errno));
		goto out;
	}
	/* stamped under the lock: journal order is subscription-time order */
	e->sub.created_us = now_us();
	journal_encode(e, &rec);
	fd = open(jpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		buf_addf(err, "%s: %s", jpath, strerror(errno));
		goto out;
	}
	off = lseek(fd, 0, SEEK_END);
	n = write(fd, rec.ptr, rec.len);
	if (n != (ssize_t)rec.len) {
		buf_addf(err, "%s: %s", jpath, n < 0 ? strerror(errno) : "short write");
		if (n > 0 && off >= 0 && ftruncate(fd, off) < 0)
			log_error("journal: %s: cannot drop a short write", jpath);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (lfd >= 0)
		close(lfd);	/* releases the journal lock */
	buf_release(&rec);
	return rc;
}

int journal_pending(const char *home)
{
	char path[4200];
	struct stat st;
	home_file(path, sizeof(path), home, JOURNAL_APPLYING);
	if (stat(path, &st) == 0)
		return 1;
	home_file(path, sizeof(path), home, JOURNAL_FILE);
	return stat(path, &st) == 0 && st.st_size > 0;
}

/* ---- applying records: the subscribe rules */

struct apply {
	const char *home;
	struct db *subs;
	struct db waiting, ob;
	int waiting_open, ob_open;
	struct ratemap rm;
	int rm_open;
};

static void apply_init(struct apply *a, const char *home, struct db *subs)
{
	memset(a, 0, sizeof(*a));
	a->home = home;
	a->subs = subs;
	ratemap_init(&a->rm);
}

/* apply_finish: close the side files; waiting.gdbm before subs.gdbm is closed. */
static void apply_finish(struct apply *a)
{
	if (a->waiting_open)
		db_close(&a->waiting);
	if (a->ob_open)
		db_close(&a->ob);
	a->waiting_open = a->ob_open = 0;
	ratemap_close(&a->rm);
}

/* waiting_index: add variant to waiting.gdbm (kept open for the batch). */
static int waiting_index(struct apply *a, const char *variant)
{
	struct buf err = BUF_INIT;
	size_t n = strlen(variant);
	if (!a->waiting_open) {
		if (db_open(&a->waiting, a->home, DB_WAITING, DB_WRITE, &err) < 0) {
			log_error("journal: %s", err.ptr);
			buf_release(&err);
			return -1;
		}
		a->waiting_open = 1;
	}
	buf_release(&err);
	if (db_exists(&a->waiting, variant, n))
		return 0;
	return db_put(&a->waiting, variant, n, "", 0);
}

/* sub_event: an event about subscription sb (type, reason may be NULL). 0 or -1. */
static int sub_event(struct db *db, const struct sub *sb, const char *type,
		     const char *reason)
{
	struct event e;
	int rc;
	event_init(&e);
	e.time_us = sb->created_us;
	e.type = xstrdup(type);
	e.email = xstrdup(sb->email ? sb->email : sb->email_key);
	e.variant = xstrdup(sb->variant);
	e.platform = xstrdup(sb->platform ? sb->platform : "api");
	e.channels = sb->channels;
	e.item_title = xstrdup(sb->item_title ? sb->item_title : "");
	e.item_price = sb->item_price;
	e.has_price = 1;
	e.reason = reason ? xstrdup(reason) : NULL;
	rc = events_append(db, &e);
	event_release(&e);
	return rc;
}

/* record_subscribed: the "Subscribed to Back in Stock" event and day counter. */
static int record_subscribed(struct db *db, const struct sub *sb, long long now)
{
	int rc = sub_event(db, sb, EV_SUBSCRIBED, NULL);
	if (rc == 0)
		rc = day_count(db, now, "s", 1);
	if (rc == 0 && db_add_ll(db, "#subscribed", 1) < 0)
		rc = -1;
	return rc;
}

static int accept_sub(struct apply *a, struct sub *sb, long long now)
{
	struct variant_head h;
	if (variant_head_get(a->subs, sb->variant, &h) < 0)
		return -1;
	/* the index first: it may list a variant without waiters, never miss one */
	if (h.waiting == 0 && waiting_index(a, sb->variant) < 0)
		return -1;
	if (subs_enqueue(a->subs, sb) < 0)
		return -1;
	return record_subscribed(a->subs, sb, now);
}

int subs_accept(const char *home, struct db *subs, struct sub *sb, long long now)
{
	struct apply a;
	int rc;
	apply_init(&a, home, subs);
	rc = accept_sub(&a, sb, now);
	apply_finish(&a);
	return rc;
}

void subs_pending_key(struct buf *k, const char *ekey, const char *variant)
{
	buf_reset(k);
	buf_addf(k, "u:%s\n%s", ekey, variant);
}

/* store_pending: keep sb until its confirmation link is followed; queue the email. */
static int store_pending(struct apply *a, struct sub *sb)
{
	struct buf id = BUF_INIT, k = BUF_INIT, v = BUF_INIT, err = BUF_INIT;
	struct db *db = a->subs;
	struct notif n;
	int rc = -1;

	subs_pending_key(&k, sb->email_key, sb->variant);
	if (db_exists(db, k.ptr, k.len)) {
		rc = AR_DUPLICATE;
		goto out;
	}
	if (!a->ob_open) {
		if (db_open(&a->ob, a->home, DB_OUTBOX, DB_WRITE, &err) < 0) {
			log_error("journal: %s", err.ptr);
			goto out;
		}
		a->ob_open = 1;
	}
	if (random_hex(&id, JOURNAL_ID_BYTES) < 0)
		goto out;
	sub_encode(sb, &v);
	if (db_puts(db, k.ptr, id.ptr) < 0)
		goto out;
	buf_reset(&k);
	buf_addf(&k, "p:%s", id.ptr);
	if (db_put(db, k.ptr, k.len, v.ptr, v.len) < 0)
		goto out;
	buf_reset(&k);
	buf_addf(&k, "P:%lld", db_add_ll(db, "#pn", 1) - 1);
	if (db_puts(db, k.ptr, id.ptr) < 0)
		goto out;
	notif_init(&n);
	n.kind = NK_CONFIRM;
	n.email = xstrdup(sb->email);
	n.variant = xstrdup(sb->variant);
	n.token = xstrdup(id.ptr);
	n.channels = CH_EMAIL;
	rc = outbox_add(&a->ob, &n, NULL) < 0 ? -1 : AR_PENDING;
	notif_release(&n);
out:
	buf_release(&id);
	buf_release(&k);
	buf_release(&v);
	buf_release(&err);
	return rc;
}

/* cap_mark: remember (as a hint for the request path) how many the email waits for. */
static void cap_mark(struct apply *a, const char *ekey, long long have, long long now)
{
	struct buf k = BUF_INIT;
	if (!a->rm_open) {
		if (ratemap_open(&a->rm, a->home, NULL) < 0)
			return;	/* only a hint: apply time enforces the cap */
		a->rm_open = 1;
	}
	buf_addf(&k, "c:%s", ekey);
	ratemap_mark(&a->rm, k.ptr, have, now, JOURNAL_CAP_MARK_TTL);
	buf_release(&k);
}

static int dropped_event(struct db *db, const struct sub *sb, const char *reason)
{
	return sub_event(db, sb, EV_DROPPED, reason);
}

/* apply_one: the rules of one journalled subscription. enum apply_result, or -1. */
static int apply_one(struct apply *a, struct journal_entry *e)
{
	struct sub *sb = &e->sub;
	long long now = sb->created_us / 1000000, seq, have = 0;
	int rc;

	if (subs_suppressed(a->subs, sb->email_key))
		return AR_SUPPRESSED;
	rc = subs_find(a->subs, sb->email_key, sb->variant, &seq);
	if (rc != 0)
		return rc > 0 ? AR_DUPLICATE : -1;
	if (e->cap > 0) {
		struct buf k = BUF_INIT;
		buf_addf(&k, "m:%s", sb->email_key);
		have = db_get_ll(a->subs, k.ptr, 0);
		buf_release(&k);
		if (have >= e->cap) {
			cap_mark(a, sb->email_key, have, now);
			return dropped_event(a->subs, sb, "max_waiting_per_email reached") < 0 ?
				-1 : AR_CAP;
		}
	}
	if ((e->flags & JF_DOUBLE_OPT_IN) && sb->email)
		return store_pending(a, sb);
	if (accept_sub(a, sb, now) < 0)
		return -1;
	if (e->cap > 0 && have + 1 >= e->cap)
		cap_mark(a, sb->email_key, have + 1, now);
	return AR_ACCEPTED;
}

static int read_all(const char *path, struct buf *out, struct buf *err)
{
	char tmp[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		buf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			buf_addf(err, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		buf_add(out, tmp, (size_t)n);
	}
	close(fd);
	return 0;
}

/*
 * apply_file: apply the batch at apath to subs.gdbm (locked in db, opened
 * and closed here: one fsync). 0 or -1 (the batch stays for a replay).
 */
static int apply_file(const char *home, struct db *db, const char *apath,
		      struct buf *err)
{
	struct buf data = BUF_INIT, wm = BUF_INIT, first = BUF_INIT, v = BUF_INIT;
	struct journal_entry e;
	struct apply a;
	long long skip_upto = -1, idx = 0;
	size_t off = 0;
	int rc = -1;

	journal_entry_init(&e);
	if (read_all(apath, &data, err) < 0)
		return -1;
	if (db_attach(db, 0, err) < 0)
		goto out_nodb;
	apply_init(&a, home, db);
	if (db_gets(db, J_WATERMARK, &wm) == 1 && wm.len > 2 * JOURNAL_ID_BYTES)
		skip_upto = -2;	/* decided at the first record */
	while (off < data.len) {
		long n = journal_decode(&e, data.ptr + off, data.len - off);
		if (n == 0) {
			if (data.len - off)
				log_warn("journal: %zu bytes of a torn record at the end of %s dropped",
					 data.len - off, apath);
			break;
		}
		if (n < 0) {
			/* damaged: resynchronise on the next record header */
			const char *p = memmem(data.ptr + off + 1, data.len - off - 1, J_MAGIC, 4);
			size_t next = p ? (size_t)(p - data.ptr) : data.len;
			log_warn("journal: %zu damaged bytes in %s skipped", next - off, apath);
			off = next;
			continue;
		}
		off += (size_t)n;
		if (idx == 0) {
			for (int i = 0; i < JOURNAL_ID_BYTES; i++)
				buf_addf(&first, "%02x", e.id[i]);
			if (skip_upto == -2) {
				skip_upto = -1;
				if (!strncmp(wm.ptr, first.ptr, first.len) && wm.ptr[first.len] == ' ')
					skip_upto = strtoll(wm.ptr + first.len + 1, NULL, 10);
			}
		}
		if (idx > skip_upto) {
			if (apply_one(&a, &e) < 0) {
				buf_addf(err, "journal: applying %s failed: %s", apath, db_error(db));
				apply_finish(&a);
				goto out;
			}
			buf_reset(&v);
			buf_addf(&v, "%s %lld", first.ptr, idx);
			if (db_put(db, J_WATERMARK, strlen(J_WATERMARK), v.ptr, v.len) < 0) {
				buf_addf(err, "journal: %s", db_error(db));
				apply_finish(&a);
				goto out;
			}
		}
		idx++;
	}
	apply_finish(&a);	/* waiting.gdbm is written before subs.gdbm */
	rc = 0;
out:
	gdbm_close(db->f);	/* GDBM fsyncs a writer here: one per batch */
	db->f = NULL;
out_nodb:
	journal_entry_release(&e);
	buf_release(&data);
	buf_release(&wm);
	buf_release(&first);
	buf_release(&v);
	return rc;
}

/*
 * drain: with subs.gdbm's write lock (timeout_ms 0: only if free now),
 * apply batches until the journal is empty (or max_rounds, 0 = no limit).
 * 1 done, 0 lock busy, -1 error.
 */
static int drain(const char *home, int timeout_ms, int max_rounds, struct buf *err)
{
	char spath[4200], jpath[4200], apath[4200], lpath[4200];
	struct db db;
	struct stat st;
	int rounds = 0;

	home_file(spath, sizeof(spath), home, DB_SUBS);
	home_file(jpath, sizeof(jpath), home, JOURNAL_FILE);
	home_file(apath, sizeof(apath), home, JOURNAL_APPLYING);
	home_file(lpath, sizeof(lpath), home, JOURNAL_LOCK);
	if (db_lock_path(&db, spath, DB_WRITE, timeout_ms, err) < 0) {
		if (timeout_ms == 0 && errno == EWOULDBLOCK) {
			buf_reset(err);
			return 0;
		}
		return -1;
	}
	for (;;) {
		if (stat(apath, &st) != 0) {
			int jfd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
			if (jfd < 0 || db_lock_wait(jfd, LOCK_EX, STORE_LOCK_WAIT_MS) < 0) {
				buf_addf(err, "%s: %s", lpath, strerror(errno));
				if (jfd >= 0)
					close(jfd);
				db_close(&db);
				return -1;
			}
			if (stat(jpath, &st) != 0 || st.st_size == 0 ||
			    (max_rounds && rounds >= max_rounds)) {
				/*
				 * Release subs.gdbm while still holding the journal
				 * lock: whoever appends after this finds subs.gdbm
				 * free and applies its own record.
				 */
				db_close(&db);
				close(jfd);
				return 1;
			}
			if (rename(jpath, apath) < 0) {
				buf_addf(err, "%s: %s", jpath, strerror(errno));
				close(jfd);
				db_close(&db);
				return -1;
			}
			close(jfd);
		}
		if (apply_file(home, &db, apath, err) < 0) {
			db_close(&db);
			return -1;
		}
		if (unlink(apath) < 0 && errno != ENOENT) {
			buf_addf(err, "%s: %s", apath, strerror(errno));
			db_close(&db);
			return -1;
		}
		rounds++;
	}
}

int journal_try_drain(const char *home, struct buf *err)
{
	return drain(home, 0, JOURNAL_TRY_ROUNDS, err);
}

int journal_drain(const char *home, struct buf *err)
{
	if (!journal_pending(home))
		return 0;
	return drain(home, STORE_LOCK_WAIT_MS, 0, err) < 0 ? -1 : 0;
}
