/* check: full verification and repair of a home's GDBM files (a deliberate full scan). */
#include "bis/check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "store/item.h"
#include "store/journal.h"
#include "store/outbox.h"
#include "store/subs.h"

#define RATE_RECORD_MAX_AGE_S (2 * 3600)

static const char *const all_files[] = {
	DB_SETTINGS, DB_CATALOG, DB_SUBS, DB_WAITING, DB_OUTBOX, DB_ADMIN, NULL,
};

void check_report_init(struct check_report *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text);
}

void check_report_release(struct check_report *r)
{
	buf_release(&r->text);
}

static void finding(struct check_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void finding(struct check_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&r->text, fmt, ap);
	va_end(ap);
	buf_addch(&r->text, '\n');
}

/* Counters recomputed from subs.gdbm's records. */
struct subs_tally {
	long long waiting, variants;
	struct buf variants_list;	/* "\n"-separated variants with waiters */
};

static int key_has(const datum *k, const char *prefix)
{
	size_t n = strlen(prefix);
	return (size_t)k->dsize >= n && !memcmp(k->dptr, prefix, n);
}

/* check_record: decode records of known shapes. 0 ok, -1 corrupt. */
static int check_record(const char *name, const datum *k, const struct buf *v,
			struct subs_tally *t)
{
	if (!strcmp(name, DB_CATALOG) && key_has(k, "i:")) {
		struct item it;
		item_init(&it);
		int rc = item_decode(&it, v->ptr, v->len);
		item_release(&it);
		return rc;
	}
	if (!strcmp(name, DB_SUBS) && key_has(k, "q:")) {
		struct sub s;
		sub_init(&s);
		int rc = sub_decode(&s, v->ptr, v->len);
		sub_release(&s);
		if (rc == 0)
			t->waiting++;
		return rc;
	}
	if (!strcmp(name, DB_SUBS) && key_has(k, "v:")) {
		/* heads are compared with the waiting index in check_counters */
		if (t->variants_list.len)
			buf_addch(&t->variants_list, '\n');
		buf_add(&t->variants_list, k->dptr + 2, (size_t)k->dsize - 2);
	}
	return 0;
}

/* scan_file: read every record of one file. 0, or -1 when it cannot be read. */
static int scan_file(const char *home, const char *name, struct check_report *r,
		     struct subs_tally *t, int repair)
{
	struct db db;
	struct db_iter it;
	struct buf err = BUF_INIT, v = BUF_INIT, path = BUF_INIT;
	long long n = 0, bad = 0;

	db_home_path(&path, home, name);
	if (access(path.ptr, F_OK) != 0) {
		buf_release(&path);
		return 0;
	}
	r->files++;
	if (db_open(&db, home, name, repair ? DB_WRITE : DB_READ, &err) < 0) {
		r->problems++;
		finding(r, "%s: cannot be opened: %s", name, err.ptr);
		if (repair) {
			GDBM_FILE f = gdbm_open(path.ptr, 0, GDBM_WRITER | GDBM_NOLOCK, 0600, NULL);
			gdbm_recovery rcv;
			memset(&rcv, 0, sizeof(rcv));
			if (f && gdbm_recover(f, &rcv, GDBM_RCVR_BACKUP | GDBM_RCVR_FORCE) == 0) {
				r->repaired++;
				r->lost += (long long)rcv.failed_keys;
				finding(r, "%s: recovered, %zu records lost, backup %s", name,
					rcv.failed_keys, rcv.backup_name ? rcv.backup_name : "-");
			} else {
				finding(r, "%s: recovery failed", name);
			}
			if (f)
				gdbm_close(f);
			free(rcv.backup_name);
		}
		buf_release(&err);
		buf_release(&path);
		return -1;
	}
	for (int more = db_iter_first(&db, &it); more; more = db_iter_next(&db, &it)) {
		n++;
		if (db_get(&db, it.key.dptr, (size_t)it.key.dsize, &v) != 1 ||
		    check_record(name, &it.key, &v, t) < 0) {
			bad++;
			finding(r, "%s: record %.*s is unreadable", name,
				it.key.dsize > 80 ? 80 : it.key.dsize, it.key.dptr);
		}
	}
	db_iter_release(&it);
	int damaged = gdbm_errno != GDBM_ITEM_NOT_FOUND && gdbm_errno != GDBM_NO_ERROR;
	if (damaged) {
		r->problems++;
		finding(r, "%s: damaged: reading stopped after %lld records (%s)", name, n,
			gdbm_strerror(gdbm_errno));
	}
	if (repair && (damaged || bad)) {
		gdbm_recovery rcv;
		memset(&rcv, 0, sizeof(rcv));
		if (gdbm_recover(db.f, &rcv, GDBM_RCVR_BACKUP | GDBM_RCVR_FORCE) == 0) {
			r->repaired++;
			r->lost += (long long)rcv.failed_keys;
			finding(r, "%s: rebuilt from what was readable, %zu unreadable records dropped, backup %s",
				name, rcv.failed_keys, rcv.backup_name ? rcv.backup_name : "-");
		} else {
			finding(r, "%s: recovery failed: %s", name, gdbm_strerror(gdbm_errno));
		}
		free(rcv.backup_name);
	}
	db_close(&db);
	r->records += n;
	r->problems += bad;
	buf_release(&err);
	buf_release(&v);
	buf_release(&path);
	return 0;
}

/* lost_subscriptions: after a recovery, the kept total says how many waiters were lost. */
static void lost_subscriptions(const char *home, struct check_report *r,
			       const struct subs_tally *t)
{
	struct db db;
	struct buf err = BUF_INIT;
	if (db_open(&db, home, DB_SUBS, DB_READ, &err) == 0) {
		long long kept = db_get_ll(&db, "#waiting", 0);
		if (kept > t->waiting) {
			r->lost += kept - t->waiting;
			finding(r, "%s: %lld waiting subscriptions were lost (%lld kept of %lld)",
				DB_SUBS, kept - t->waiting, t->waiting, kept);
		}
		db_close(&db);
	}
	buf_release(&err);
}

/* check_counters: compare subs.gdbm's kept totals and the waiting index. */
static void check_counters(const char *home, struct check_report *r,
			   struct subs_tally *t, int repair)
{
	struct db db;
	struct buf err = BUF_INIT;
	if (db_open(&db, home, DB_SUBS, repair ? DB_WRITE : DB_READ, &err) < 0) {
		buf_release(&err);
		return;
	}
	long long waiting = db_get_ll(&db, "#waiting", 0);
	long long variants = 0;
	const char *p = t->variants_list.ptr;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *v = xstrndup(p, len);
		struct variant_head h;
		if (variant_head_get(&db, v, &h) == 1 && h.waiting > 0) {
			variants++;
			struct db w;
			if (db_open(&w, home, DB_WAITING, DB_READ, &err) == 0) {
				int in = db_exists(&w, v, strlen(v));
				db_close(&w);
				if (!in) {
					r->problems++;
					finding(r, "waiting index misses variant %s", v);
					if (repair && waiting_add(home, v, &err) == 0)
						r->repaired++;
				}
			}
		}
		free(v);
		p += len + (nl ? 1 : 0);
	}
	if (waiting != t->waiting) {
		r->problems++;
		finding(r, "%s: #waiting is %lld but %lld subscriptions are stored",
			DB_SUBS, waiting, t->waiting);
		if (repair && db_put_ll(&db, "#waiting", t->waiting) == 0)
			r->repaired++;
	}
	if (db_get_ll(&db, "#variants", 0) != variants) {
		r->problems++;
		finding(r, "%s: #variants is %lld but %lld variants have waiters",
			DB_SUBS, db_get_ll(&db, "#variants", 0), variants);
		if (repair && db_put_ll(&db, "#variants", variants) == 0)
			r->repaired++;
	}
	db_close(&db);
	buf_release(&err);
}

int home_check(const char *home, int repair, struct check_report *r)
{
	struct subs_tally t;
	memset(&t, 0, sizeof(t));
	buf_init(&t.variants_list);
	{
		/* acknowledged subscriptions are part of the state being checked */
		struct buf jerr = BUF_INIT;
		if (journal_drain(home, &jerr) < 0)
			finding(r, "journal not applied: %s", jerr.ptr);
		buf_release(&jerr);
	}
	for (int i = 0; all_files[i]; i++)
		scan_file(home, all_files[i], r, &t, repair);
	if (repair && r->repaired) {
		/* count again what the recovered files hold before fixing counters */
		struct check_report again;
		check_report_init(&again);
		buf_reset(&t.variants_list);
		t.waiting = t.variants = 0;
		for (int i = 0; all_files[i]; i++)
			scan_file(home, all_files[i], &again, &t, 0);
		r->records = again.records;
		check_report_release(&again);
		lost_subscriptions(home, r, &t);
	}
	check_counters(home, r, &t, repair);
	buf_release(&t.variants_list);
	return 0;
}

/* drop_expired_rates: delete rate-limit windows nobody has touched lately. */
static long long drop_expired_rates(struct db *db)
{
	struct db_iter it;
	struct buf v = BUF_INIT;
	long long now = (long long)time(NULL), dropped = 0;
	struct buf doomed = BUF_INIT;	/* keys, NUL-separated: never delete while iterating */

	for (int more = db_iter_first(db, &it); more; more = db_iter_next(db, &it)) {
		long long start = 0;
		if (!key_has(&it.key, "r:") || db_get(db, it.key.dptr, (size_t)it.key.dsize, &v) != 1)
			continue;
		if (sscanf(v.ptr, "%lld", &start) == 1 && now - start > RATE_RECORD_MAX_AGE_S) {
			buf_add(&doomed, it.key.dptr, (size_t)it.key.dsize);
			buf_addch(&doomed, '\0');
		}
	}
	db_iter_release(&it);
	for (size_t off = 0; off < doomed.len;) {
		size_t n = strlen(doomed.ptr + off);
		if (db_del(db, doomed.ptr + off, n) == 0)
			dropped++;
		off += n + 1;
	}
	buf_release(&doomed);
	buf_release(&v);
	return dropped;
}

int home_compact(const char *home, struct buf *report, struct buf *err)
{
	if (journal_drain(home, err) < 0)
		return -1;
	for (int i = 0; all_files[i]; i++) {
		struct db db;
		struct buf path = BUF_INIT;
		db_home_path(&path, home, all_files[i]);
		int exists = access(path.ptr, F_OK) == 0;
		buf_release(&path);
		if (!exists || !strcmp(all_files[i], DB_CATALOG))
			continue;	/* the catalog is rebuilt compactly by every sync */
		if (db_open(&db, home, all_files[i], DB_WRITE, err) < 0)
			return -1;
		long long dropped = !strcmp(all_files[i], DB_SUBS) ? drop_expired_rates(&db) : 0;
		if (gdbm_reorganize(db.f) != 0) {
			buf_addf(err, "%s: %s", all_files[i], db_error(&db));
			db_close(&db);
			return -1;
		}
		db_close(&db);
		buf_addf(report, "%s: reorganised", all_files[i]);
		if (dropped)
			buf_addf(report, ", %lld expired rate-limit windows dropped", dropped);
		buf_addch(report, '\n');
	}
	return 0;
}
