/* engine_fill: bench helper — bulk waiters through the store, restock_evaluate alone, and a bare GDBM baseline. */
#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bis/restock.h"
#include "store/db.h"
#include "store/outbox.h"
#include "store/subs.h"

#define FILL_TX 10000	/* subscriptions per write transaction while filling */

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* fill: n waiters on variant (emails PREFIX<i>@example.com), as subscribe stores them. */
static int fill(const char *home, const char *variant, const char *prefix, long n)
{
	struct db db;
	struct buf e = BUF_INIT;
	if (waiting_add(home, variant, NULL) < 0)
		return -1;
	for (long i = 0; i < n;) {
		if (db_open(&db, home, DB_SUBS, DB_WRITE, NULL) < 0)
			return -1;
		for (long k = 0; k < FILL_TX && i < n; k++, i++) {
			struct sub s;
			sub_init(&s);
			buf_reset(&e);
			buf_addf(&e, "%s%ld@example.com", prefix, i);
			s.email = xstrdup(e.ptr);
			s.email_key = email_key(e.ptr);
			s.variant = xstrdup(variant);
			s.platform = xstrdup("api");
			s.channels = CH_EMAIL;
			s.created_us = (long long)time(NULL) * 1000000 + i;
			s.item_title = xstrdup("Bench item");
			if (subs_enqueue(&db, &s) < 0)
				return -1;
			sub_release(&s);
		}
		db_close(&db);
	}
	buf_release(&e);
	return 0;
}

/* bare: n records of the size of a queued notification, one gdbm_store each, one open. */
static int bare(const char *path, long n)
{
	GDBM_FILE f = gdbm_open(path, 0, GDBM_NEWDB | GDBM_NOLOCK | GDBM_NOMMAP, 0600, NULL);
	char key[64], val[420];
	double t0 = mono();
	if (!f)
		return -1;
	memset(val, 'x', sizeof(val));
	for (long i = 0; i < n; i++) {
		datum k = { key, snprintf(key, sizeof(key), "o:%ld", i) };
		datum v = { val, (int)sizeof(val) };
		if (gdbm_store(f, k, v, GDBM_REPLACE) != 0)
			return -1;
	}
	gdbm_close(f);
	printf("bare %ld %.3f\n", n, mono() - t0);
	return 0;
}

static int evaluate(const char *home)
{
	struct restock_report rep;
	struct buf err = BUF_INIT;
	double t0 = mono();
	if (restock_evaluate(home, &rep, &err) < 0) {
		fprintf(stderr, "evaluate: %s\n", err.ptr);
		return -1;
	}
	printf("evaluate %lld %.3f\n", rep.released, mono() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "fill"))
		return fill(argv[2], argv[3], argv[4], atol(argv[5])) < 0;
	if (argc == 5 && !strcmp(argv[1], "fillmany")) {
		long nv = atol(argv[3]), per = atol(argv[4]);
		char v[32], p[32];
		for (long i = 0; i < nv; i++) {
			snprintf(v, sizeof(v), "V%ld", i);
			snprintf(p, sizeof(p), "m%ld-", i);
			if (fill(argv[2], v, p, per) < 0)
				return 1;
		}
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "bare"))
		return bare(argv[2], atol(argv[3])) < 0;
	if (argc == 3 && !strcmp(argv[1], "evaluate"))
		return evaluate(argv[2]) < 0;
	fprintf(stderr, "usage: engine_fill fill HOME VARIANT PREFIX N | fillmany HOME NVARIANTS PER |"
		" bare PATH N | evaluate HOME\n");
	return 2;
}
