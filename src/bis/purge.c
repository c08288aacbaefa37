/* purge: unsubscribe (suppress and drop waiting subscriptions) and the unconfirmed double opt-in purge. */
#include "bis/purge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bis/restock.h"
#include "core/log.h"
#include "store/db.h"
#include "store/events.h"
#include "store/subs.h"

#define PURGE_CURSOR_KEY "#pcur"	/* next "P:<n>" to look at (subs.h) */
#define PURGE_NEXT_KEY "#pn"		/* next "P:<n>" subscribe writes */

/* del_key: delete the key in k. 0 or -1. */
static int del_key(struct db *db, struct buf *k)
{
	return db_del(db, k->ptr, k->len);
}

static void deleted_event(struct db *db, const struct sub *s)
{
	struct event e;
	event_init(&e);
	e.time_us = restock_now_us();
	e.type = xstrdup(EV_DELETED);
	e.email = xstrdup(s->email ? s->email : s->email_key);
	e.variant = xstrdup(s->variant);
	e.platform = s->platform ? xstrdup(s->platform) : NULL;
	e.channels = s->channels;
	e.reason = xstrdup("not confirmed in time (double opt-in)");
	if (events_append(db, &e) < 0)
		log_warn("purge: event not recorded");
	event_release(&e);
}

/*
 * purge_one: look at P:<n>. Returns 1 done with it (deleted, or already
 * confirmed), 0 too young (stop: later ones are younger), -1 error.
 */
static int purge_one(struct db *db, long long n, long long now,
		     long long max_age, long long *purged)
{
	struct buf k = BUF_INIT, id = BUF_INIT, v = BUF_INIT;
	struct sub s;
	int rc;

	sub_init(&s);
	buf_addf(&k, "P:%lld", n);
	rc = db_get(db, k.ptr, k.len, &id);
	if (rc <= 0)
		goto out;	/* a gap: done with it */
	buf_reset(&k);
	buf_addf(&k, "p:%s", id.ptr);
	rc = db_get(db, k.ptr, k.len, &v);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		if (sub_decode(&s, v.ptr, v.len) == 0 &&
		    s.created_us / 1000000 + max_age > now) {
			rc = 0;
			goto out;
		}
		rc = -1;
		if (del_key(db, &k) < 0)
			goto out;
		if (s.email_key) {
			buf_reset(&k);
			buf_addf(&k, "u:%s\n%s", s.email_key, s.variant);
			if (del_key(db, &k) < 0)
				goto out;
			deleted_event(db, &s);
		}
		(*purged)++;
	}
	buf_reset(&k);
	buf_addf(&k, "P:%lld", n);
	rc = del_key(db, &k) < 0 ? -1 : 1;
out:
	sub_release(&s);
	buf_release(&k);
	buf_release(&id);
	buf_release(&v);
	return rc;
}

int purge_unconfirmed(const char *home, long long now, long long max_age,
		      long long *purged, struct buf *err)
{
	struct db db;
	long long cur, end;
	int rc = 0;

	if (db_open(&db, home, DB_SUBS, DB_READ, err) < 0) {
		if (errno == ENOENT) {
			buf_reset(err);
			return 0;	/* no subscriptions yet */
		}
		return -1;
	}
	cur = db_get_ll(&db, PURGE_CURSOR_KEY, 0);
	end = db_get_ll(&db, PURGE_NEXT_KEY, 0);
	db_close(&db);
	if (cur >= end)
		return 0;	/* nothing pending: no write lock taken */
	if (db_open(&db, home, DB_SUBS, DB_WRITE, err) < 0)
		return -1;
	cur = db_get_ll(&db, PURGE_CURSOR_KEY, 0);
	end = db_get_ll(&db, PURGE_NEXT_KEY, 0);
	for (int i = 0; i < PURGE_MAX_PER_RUN && cur < end; i++) {
		rc = purge_one(&db, cur, now, max_age, purged);
		if (rc <= 0)
			break;
		cur++;
	}
	if (rc < 0)
		buf_addf(err, "purging unconfirmed subscriptions: %s", db_error(&db));
	if (db_put_ll(&db, PURGE_CURSOR_KEY, cur) < 0)
		rc = -1;
	db_close(&db);
	return rc < 0 ? -1 : 0;
}

static void unsubscribed_event(struct db *db, const char *email, long long dropped)
{
	struct event e;
	struct buf note = BUF_INIT;
	event_init(&e);
	e.time_us = restock_now_us();
	e.type = xstrdup(EV_UNSUBSCRIBED);
	e.email = xstrdup(email);
	buf_addf(&note, "%lld waiting subscription%s dropped", dropped,
		 dropped == 1 ? "" : "s");
	e.reason = buf_detach(&note, NULL);
	if (events_append(db, &e) < 0)
		log_warn("unsubscribe: event not recorded");
	event_release(&e);
}

int bis_unsubscribe(const char *home, const char *email, long long *dropped,
		    struct buf *err)
{
	struct db db;
	struct buf variants = BUF_INIT;
	char *ekey = email_key(email);
	long long n = 0, seq, now = restock_now();
	int rc = -1, fresh;

	if (db_open(&db, home, DB_SUBS, DB_WRITE, err) < 0)
		goto out;
	fresh = !subs_suppressed(&db, ekey);
	if (subs_suppress(&db, ekey, now) < 0) {
		buf_addf(err, "suppressing: %s", db_error(&db));
		goto close;
	}
	/* the email's own list of variants: no scan of other subscribers */
	if (subs_of_email(&db, ekey, &variants) < 0) {
		buf_addf(err, "reading subscriptions: %s", db_error(&db));
		goto close;
	}
	for (char *p = variants.ptr; *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		int found = subs_find(&db, ekey, p, &seq);
		if (found < 0 || (found && subs_remove(&db, p, seq) < 0)) {
			buf_addf(err, "dropping subscriptions: %s", db_error(&db));
			goto close;
		}
		n += found;
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (fresh || n)
		unsubscribed_event(&db, email, n);
	rc = fresh;
close:
	db_close(&db);
out:
	if (dropped)
		*dropped = n;
	buf_release(&variants);
	free(ekey);
	return rc;
}
