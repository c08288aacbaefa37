/* seed_subs: bench helper — N waiting subscriptions (with their events) written through the store in big transactions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "store/db.h"
#include "store/events.h"
#include "store/subs.h"

#define SEED_TX 20000	/* subscriptions per write transaction */

static long long now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* seed_one: subscription i of prefix on variant, stored as bis_subscribe stores it. */
static int seed_one(struct db *db, const char *prefix, long i, const char *variant)
{
	struct sub s;
	struct event e;
	char email[128];
	int rc;

	snprintf(email, sizeof(email), "%s%ld@example.com", prefix, i);
	sub_init(&s);
	s.email = xstrdup(email);
	s.email_key = email_key(email);
	s.variant = xstrdup(variant);
	s.platform = xstrdup("api");
	s.channels = CH_EMAIL;
	s.created_us = now_us();
	s.item_title = xstrdup("Seeded item");
	s.item_price = 10.0;
	rc = subs_enqueue(db, &s);
	if (rc == 0) {
		event_init(&e);
		e.time_us = s.created_us;
		e.type = xstrdup(EV_SUBSCRIBED);
		e.email = xstrdup(email);
		e.variant = xstrdup(variant);
		e.platform = xstrdup("api");
		e.channels = CH_EMAIL;
		e.item_title = xstrdup("Seeded item");
		e.item_price = 10.0;
		e.has_price = 1;
		rc = events_append(db, &e);
		event_release(&e);
	}
	if (rc == 0)
		rc = db_add_ll(db, "#subscribed", 1) < 0 ? -1 : 0;
	sub_release(&s);
	return rc;
}

/* waiting_all: every variant of the seed in waiting.gdbm, one transaction. */
static int waiting_all(const char *home, const char *fmt, long variants)
{
	struct db w;
	struct buf err = BUF_INIT;
	char v[128];

	if (db_open(&w, home, DB_WAITING, DB_WRITE, &err) < 0) {
		fprintf(stderr, "seed_subs: %s\n", err.ptr);
		return -1;
	}
	for (long j = 0; j < variants; j++) {
		snprintf(v, sizeof(v), fmt, j);
		if (db_put(&w, v, strlen(v), "", 0) < 0)
			return -1;
	}
	db_close(&w);
	buf_release(&err);
	return 0;
}

int main(int argc, char **argv)
{
	struct db db;
	struct buf err = BUF_INIT;
	char v[128];
	const char *home, *fmt, *prefix;
	long n, variants;

	if (argc != 6) {
		fprintf(stderr, "usage: seed_subs HOME N VARIANTS VARIANT_FMT EMAIL_PREFIX\n"
			"  e.g. seed_subs var 1000000 1000000 SKU-%%08ld seed-\n"
			"  subscription i waits for variant (i %% VARIANTS)\n");
		return 2;
	}
	home = argv[1];
	n = atol(argv[2]);
	variants = atol(argv[3]);
	fmt = argv[4];
	prefix = argv[5];
	if (n <= 0 || variants <= 0)
		return 2;
	if (waiting_all(home, fmt, n < variants ? n : variants) < 0)
		return 1;
	for (long i = 0; i < n;) {
		if (db_open(&db, home, DB_SUBS, DB_WRITE, &err) < 0) {
			fprintf(stderr, "seed_subs: %s\n", err.ptr);
			return 1;
		}
		for (long k = 0; k < SEED_TX && i < n; k++, i++) {
			snprintf(v, sizeof(v), fmt, i % variants);
			if (seed_one(&db, prefix, i, v) < 0) {
				fprintf(stderr, "seed_subs: %s\n", db_error(&db));
				return 1;
			}
		}
		db_close(&db);
		if (i % 200000 == 0)
			fprintf(stderr, "seed_subs: %ld\n", i);
	}
	buf_release(&err);
	return 0;
}
