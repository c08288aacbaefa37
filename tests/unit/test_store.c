/* test_store: the subscription journal (append, drain, crash replay) and the shared rate table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bis/home.h"
#include "core/buf.h"
#include "store/db.h"
#include "store/events.h"
#include "store/journal.h"
#include "store/ratelimit.h"
#include "store/ratemap.h"
#include "store/subs.h"

/* ---- fixtures ---- */

static char *new_home(void)
{
	char tmpl[] = "/tmp/restock-unit-store.XXXXXX";
	struct home_init_opts o = { "abc123", NULL, NULL };
	struct buf err = BUF_INIT;
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	assert_int_equal(home_init(d, &o, &err), 0);
	buf_release(&err);
	return xstrdup(d);
}

static void rm_home(char *home)
{
	struct buf cmd = BUF_INIT;
	buf_addf(&cmd, "rm -rf '%s'", home);
	if (system(cmd.ptr) != 0)
		fprintf(stderr, "# could not remove %s\n", home);
	buf_release(&cmd);
	free(home);
}

static void path_of(struct buf *p, const char *home, const char *name)
{
	db_home_path(p, home, name);
}

static int exists(const char *home, const char *name)
{
	struct buf p = BUF_INIT;
	struct stat st;
	int rc;
	path_of(&p, home, name);
	rc = stat(p.ptr, &st) == 0;
	buf_release(&p);
	return rc;
}

/* append: journal one subscription of email to variant. */
static void append(const char *home, const char *email, const char *variant, long long cap)
{
	struct journal_entry e;
	struct buf err = BUF_INIT;
	journal_entry_init(&e);
	e.sub.email = xstrdup(email);
	e.sub.email_key = email_key(email);
	e.sub.variant = xstrdup(variant);
	e.sub.platform = xstrdup("api");
	e.sub.channels = CH_EMAIL;
	e.sub.item_title = xstrdup("Item");
	e.cap = cap;
	if (journal_append(home, &e, &err) < 0)
		fail_msg("append: %s", err.ptr);
	journal_entry_release(&e);
	buf_release(&err);
}

/* open_subs: subs.gdbm without the journal hook (db_open_path). */
static void open_subs(struct db *db, const char *home)
{
	struct buf p = BUF_INIT, err = BUF_INIT;
	path_of(&p, home, DB_SUBS);
	if (db_open_path(db, p.ptr, DB_READ, 0, &err) < 0)
		fail_msg("open: %s", err.ptr);
	buf_release(&p);
	buf_release(&err);
}

static long long subs_counter(const char *home, const char *key)
{
	struct db db;
	long long v;
	open_subs(&db, home);
	v = db_get_ll(&db, key, 0);
	db_close(&db);
	return v;
}

static void drain(const char *home)
{
	struct buf err = BUF_INIT;
	if (journal_drain(home, &err) < 0)
		fail_msg("drain: %s", err.ptr);
	buf_release(&err);
}

static void read_file(const char *home, const char *name, struct buf *out)
{
	struct buf p = BUF_INIT;
	char tmp[4096];
	ssize_t n;
	int fd;
	path_of(&p, home, name);
	fd = open(p.ptr, O_RDONLY);
	assert_true(fd >= 0);
	buf_reset(out);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(out, tmp, (size_t)n);
	close(fd);
	buf_release(&p);
}

static void write_file(const char *home, const char *name, const char *data, size_t n)
{
	struct buf p = BUF_INIT;
	int fd;
	path_of(&p, home, name);
	fd = open(p.ptr, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	buf_release(&p);
}

/* record_ends: the end offsets of the records of a journal image (at most max). */
static int record_ends(const struct buf *j, size_t *ends, int max)
{
	struct journal_entry e;
	size_t off = 0;
	int n = 0;
	journal_entry_init(&e);
	while (off < j->len && n < max) {
		long len = journal_decode(&e, j->ptr + off, j->len - off);
		assert_true(len > 0);
		off += (size_t)len;
		ends[n++] = off;
	}
	journal_entry_release(&e);
	return n;
}

/* ---- journal ---- */

static void test_journal_append_drain_fifo(void **state)
{
	char *home = new_home();
	struct db db;
	struct sub s;
	long long seq, prev_us = 0;
	(void)state;

	append(home, "a@example.com", "V1", 0);
	append(home, "b@example.com", "V1", 0);
	append(home, "A@EXAMPLE.COM", "V1", 0);	/* a duplicate in another case */
	append(home, "c@example.com", "V2", 0);
	assert_true(journal_pending(home));
	drain(home);
	assert_false(journal_pending(home));
	assert_false(exists(home, JOURNAL_APPLYING));

	assert_int_equal(subs_counter(home, "#waiting"), 3);
	assert_int_equal(subs_counter(home, "#variants"), 2);
	assert_int_equal(subs_counter(home, "#subscribed"), 3);
	open_subs(&db, home);
	assert_int_equal(events_count(&db), 3);
	sub_init(&s);
	/* FIFO: queue order is journal order is subscription-time order */
	const char *want[] = { "a@example.com", "b@example.com" };
	for (long long q = 0, i = 0; subs_next(&db, "V1", q, &seq) == 1; q = seq + 1, i++) {
		assert_int_equal(subs_get(&db, "V1", seq, &s), 1);
		assert_string_equal(s.email, want[i]);
		assert_true(s.created_us > prev_us);
		prev_us = s.created_us;
	}
	sub_release(&s);
	db_close(&db);
	/* the waiting index lists both variants */
	struct buf p = BUF_INIT, err = BUF_INIT;
	assert_int_equal(db_open(&db, home, DB_WAITING, DB_READ, &err), 0);
	assert_true(db_exists(&db, "V1", 2));
	assert_true(db_exists(&db, "V2", 2));
	db_close(&db);
	buf_release(&p);
	buf_release(&err);
	rm_home(home);
}

static void test_journal_db_open_drains(void **state)
{
	char *home = new_home();
	struct db db;
	struct buf err = BUF_INIT;
	(void)state;
	append(home, "r@example.com", "V1", 0);
	/* any db_open of subs.gdbm applies the journal first */
	assert_int_equal(db_open(&db, home, DB_SUBS, DB_READ, &err), 0);
	assert_int_equal(db_get_ll(&db, "#waiting", 0), 1);
	db_close(&db);
	assert_false(journal_pending(home));
	buf_release(&err);
	rm_home(home);
}

/*
 * A drainer killed after applying record 2 of 5 (its watermark written)
 * leaves the whole batch as subs.journal.applying: the replay applies
 * records 3 and 4 only, so every count stays exact.
 */
static void test_journal_replay_after_crash(void **state)
{
	char *home = new_home();
	struct buf j = BUF_INIT;
	struct db db;
	size_t ends[8];
	(void)state;

	for (int i = 0; i < 5; i++) {
		char e[64];
		snprintf(e, sizeof(e), "crash%d@example.com", i);
		append(home, e, "V1", 0);
	}
	read_file(home, JOURNAL_FILE, &j);
	assert_int_equal(record_ends(&j, ends, 8), 5);
	{
		struct buf p = BUF_INIT;
		path_of(&p, home, JOURNAL_FILE);
		unlink(p.ptr);
		buf_release(&p);
	}
	/* the state the killed drainer left: records 0..2 applied */
	write_file(home, JOURNAL_APPLYING, j.ptr, ends[2]);
	drain(home);
	assert_int_equal(subs_counter(home, "#waiting"), 3);
	/* then the replay of its whole batch */
	write_file(home, JOURNAL_APPLYING, j.ptr, j.len);
	drain(home);
	assert_int_equal(subs_counter(home, "#waiting"), 5);
	assert_int_equal(subs_counter(home, "#subscribed"), 5);
	open_subs(&db, home);
	assert_int_equal(events_count(&db), 5);
	db_close(&db);

	/* killed between a record's writes and its watermark: the dedupe index
	 * catches the re-applied ones */
	{
		struct db w;
		struct buf p = BUF_INIT, err = BUF_INIT, wm = BUF_INIT;
		path_of(&p, home, DB_SUBS);
		assert_int_equal(db_open_path(&w, p.ptr, DB_WRITE, 0, &err), 0);
		assert_int_equal(db_gets(&w, "#jwm", &wm), 1);
		char *sp = strchr(wm.ptr, ' ');
		assert_non_null(sp);
		strcpy(sp, " 1");
		assert_int_equal(db_puts(&w, "#jwm", wm.ptr), 0);
		db_close(&w);
		buf_release(&p);
		buf_release(&err);
		buf_release(&wm);
	}
	write_file(home, JOURNAL_APPLYING, j.ptr, j.len);
	drain(home);
	assert_int_equal(subs_counter(home, "#waiting"), 5);
	open_subs(&db, home);
	assert_int_equal(events_count(&db), 5);
	db_close(&db);
	buf_release(&j);
	rm_home(home);
}

static void test_journal_damaged_records(void **state)
{
	char *home = new_home();
	struct buf j = BUF_INIT;
	size_t ends[8];
	(void)state;

	append(home, "d0@example.com", "V1", 0);
	append(home, "d1@example.com", "V1", 0);
	append(home, "d2@example.com", "V1", 0);
	read_file(home, JOURNAL_FILE, &j);
	assert_int_equal(record_ends(&j, ends, 8), 3);
	j.ptr[ends[0] + 20] ^= 0x55;			/* damage record 1's payload */
	buf_add(&j, j.ptr, 10);				/* and a torn record at the end */
	write_file(home, JOURNAL_FILE, j.ptr, j.len);
	drain(home);
	assert_int_equal(subs_counter(home, "#waiting"), 2);
	assert_false(journal_pending(home));
	buf_release(&j);
	rm_home(home);
}

static void test_journal_cap_and_suppression(void **state)
{
	char *home = new_home();
	struct db db;
	struct buf p = BUF_INIT, err = BUF_INIT;
	(void)state;

	append(home, "cap@example.com", "V1", 2);
	append(home, "cap@example.com", "V2", 2);
	append(home, "cap@example.com", "V3", 2);	/* over the cap: dropped */
	drain(home);
	assert_int_equal(subs_counter(home, "#waiting"), 2);
	/* the request path's hint: this email is at its cap */
	{
		struct ratemap m;
		ratemap_init(&m);
		assert_int_equal(ratemap_open(&m, home, &err), 0);
		assert_int_equal(ratemap_peek(&m, "c:cap@example.com", time(NULL)), 2);
		ratemap_close(&m);
	}
	path_of(&p, home, DB_SUBS);
	assert_int_equal(db_open_path(&db, p.ptr, DB_WRITE, 0, &err), 0);
	assert_int_equal(subs_suppress(&db, "gone@example.com", 1), 0);
	db_close(&db);
	append(home, "Gone@example.com", "V1", 0);
	drain(home);
	assert_int_equal(subs_counter(home, "#waiting"), 2);
	buf_release(&p);
	buf_release(&err);
	rm_home(home);
}

/* ---- ratemap ---- */

/* the same answers as the GDBM ratelimit_hit, request by request */
static void test_ratemap_matches_ratelimit(void **state)
{
	char *home = new_home();
	struct ratemap m;
	struct db db;
	struct buf err = BUF_INIT;
	long long now = 1700000000;
	(void)state;

	ratemap_init(&m);
	assert_int_equal(ratemap_open(&m, home, &err), 0);
	assert_int_equal(db_open(&db, home, "rl.gdbm", DB_WRITE, &err), 0);
	srand(7);
	for (int i = 0; i < 3000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "i:10.0.0.%d", rand() % 4);
		now += rand() % 4;
		long a = ratemap_hit(&m, key, 5, 60, now);
		long b = ratelimit_hit(&db, key, 5, 60, now);
		assert_int_equal(a, b);
	}
	db_close(&db);
	/* windows: 3 per minute; the previous bucket still weighs in */
	now = 1700000040;	/* 1700000040 % 60 == 0 */
	for (int i = 0; i < 3; i++)
		assert_int_equal(ratemap_hit(&m, "e:w", 3, 60, now), 0);
	long ra = ratemap_hit(&m, "e:w", 3, 60, now + 10);
	assert_true(ra >= 1 && ra <= 60);
	assert_true(ratemap_hit(&m, "e:w", 3, 60, now + 65) > 0);	/* 3*(55/60) + 1 > 3 */
	assert_int_equal(ratemap_hit(&m, "e:w", 3, 60, now + 100), 0);	/* 3*(20/60) + 1 <= 3 */
	assert_int_equal(ratemap_hit(&m, "e:w", 0, 60, now), 0);	/* 0: off */
	/* a second process's view: the same file */
	{
		struct ratemap m2;
		ratemap_init(&m2);
		assert_int_equal(ratemap_open(&m2, home, &err), 0);
		assert_int_equal(ratemap_hit(&m2, "i:x", 1, 60, now), 0);
		assert_true(ratemap_hit(&m, "i:x", 1, 60, now) > 0);
		ratemap_close(&m2);
	}
	/* marks expire */
	assert_int_equal(ratemap_mark(&m, "c:z", 7, now, 100), 0);
	assert_int_equal(ratemap_peek(&m, "c:z", now + 99), 7);
	assert_int_equal(ratemap_peek(&m, "c:z", now + 100), 0);
	ratemap_close(&m);
	buf_release(&err);
	rm_home(home);
}

static void test_ratemap_eviction(void **state)
{
	char *home = new_home();
	struct ratemap m;
	struct buf err = BUF_INIT;
	long long old = 1700000040, recent = old + 3600;
	int kept = 0, refused = 0;
	(void)state;

	ratemap_init(&m);
	assert_int_equal(ratemap_open(&m, home, &err), 0);
	/* fill the table (and more) with limit-1 keys of an older window */
	for (int i = 0; i < RATEMAP_SLOTS + 4096; i++) {
		char key[32];
		snprintf(key, sizeof(key), "o:%d", i);
		assert_int_equal(ratemap_hit(&m, key, 1, 3600, old), 0);
	}
	/* full: new keys of the next window evict the oldest windows, not each other */
	for (int i = 0; i < 4000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "n:%d", i);
		assert_int_equal(ratemap_hit(&m, key, 1, 3600, recent), 0);
	}
	for (int i = 0; i < 4000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "n:%d", i);
		kept += ratemap_hit(&m, key, 1, 3600, recent) > 0;
	}
	assert_int_equal(kept, 4000);
	/* some of the old keys were evicted (a fresh window lets them in again) */
	for (int i = 0; i < 4096; i++) {
		char key[32];
		snprintf(key, sizeof(key), "o:%d", i);
		refused += ratemap_hit(&m, key, 1, 3600, old + 1) > 0;
	}
	assert_true(refused < 4096);
	ratemap_close(&m);
	buf_release(&err);
	rm_home(home);
}

static void test_ratemap_fail_closed(void **state)
{
	struct ratemap m;
	struct buf err = BUF_INIT;
	(void)state;
	ratemap_init(&m);
	/* not mapped: every answer is an error, never "allowed" */
	assert_int_equal(ratemap_hit(&m, "i:1", 5, 60, 1000), -1);
	assert_int_equal(ratemap_peek(&m, "c:1", 1000), -1);
	assert_int_equal(ratemap_open(&m, "/nonexistent/restock-home", &err), -1);
	assert_true(err.len > 0);
	assert_int_equal(ratemap_hit(&m, "i:1", 5, 60, 1000), -1);
	ratemap_close(&m);
	buf_release(&err);
}

static void test_ratemap_replaced_file(void **state)
{
	char *home = new_home();
	struct ratemap m;
	struct buf err = BUF_INIT, p = BUF_INIT;
	(void)state;
	ratemap_init(&m);
	assert_int_equal(ratemap_open(&m, home, &err), 0);
	assert_int_equal(ratemap_hit(&m, "i:r", 1, 60, 1000), 0);
	assert_true(ratemap_hit(&m, "i:r", 1, 60, 1000) > 0);
	path_of(&p, home, RATEMAP_FILE);
	unlink(p.ptr);		/* replaced: the next open maps the new file */
	assert_int_equal(ratemap_open(&m, home, &err), 0);
	assert_int_equal(ratemap_hit(&m, "i:r", 1, 60, 1000), 0);
	ratemap_close(&m);
	buf_release(&err);
	buf_release(&p);
	rm_home(home);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_append_drain_fifo),
		cmocka_unit_test(test_journal_db_open_drains),
		cmocka_unit_test(test_journal_replay_after_crash),
		cmocka_unit_test(test_journal_damaged_records),
		cmocka_unit_test(test_journal_cap_and_suppression),
		cmocka_unit_test(test_ratemap_matches_ratelimit),
		cmocka_unit_test(test_ratemap_eviction),
		cmocka_unit_test(test_ratemap_fail_closed),
		cmocka_unit_test(test_ratemap_replaced_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
