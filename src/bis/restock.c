/* restock: evaluate variants with waiters and release FIFO batches into the outbox. */
#include "bis/restock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "bis/purge.h"
#include "core/log.h"
#include "store/catalog.h"
#include "store/db.h"
#include "store/events.h"
#include "store/journal.h"
#include "store/outbox.h"
#include "store/settings.h"
#include "store/subs.h"

/* The variants listed in waiting.gdbm, read once per evaluation. */
struct variant_list {
	char **v;
	size_t n, alloc;
};

/*
 * The open write transaction: subs.gdbm and outbox.gdbm (in that lock
 * order), shared by consecutive variants until RESTOCK_RELEASE_BATCH
 * releases were made, then committed so that subscribe requests get in.
 * Emptied variants are dropped from waiting.gdbm at commit.
 */
struct txn {
	struct db subs, ob;
	int open;
	long long releases;	/* in this transaction */
	long long visits;	/* variants looked at in this transaction */
	struct variant_list emptied;
};

/* The state of one evaluation. */
struct eval {
	const char *home;
	struct restock_rules rules;
	long long now;
	struct catalog cat;
	struct restock_report *rep;
	struct buf *err;
	struct txn tx;
};

long long restock_now(void)
{
	const char *s = getenv("RESTOCK_NOW");
	if (s && *s) {
		char *end;
		errno = 0;
		long long t = strtoll(s, &end, 10);
		if (!errno && !*end && t > 0)
			return t;
	}
	return (long long)time(NULL);
}

long long restock_now_us(void)
{
	struct timeval tv;
	if (getenv("RESTOCK_NOW"))
		return restock_now() * 1000000;
	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

long long restock_quota(const struct restock_rules *r, long long quantity,
			long long waiting)
{
	long long q;
	if (waiting <= 0 || quantity < r->min_inventory || quantity <= 0)
		return 0;
	if (!r->per_unit)
		return waiting;
	if (r->customers_per_unit > 0 && quantity > waiting / r->customers_per_unit + 1)
		return waiting;	/* the product would only exceed waiting (or overflow) */
	q = r->customers_per_unit * quantity;
	return q < waiting ? q : waiting;
}

static void rules_load(struct restock_rules *r, const struct settings *s)
{
	r->min_inventory = settings_get_ll(s, "min_inventory");
	if (r->min_inventory < 1)
		r->min_inventory = 1;
	r->per_unit = !strcmp(settings_get(s, "notify_mode"), "per_unit");
	r->customers_per_unit = settings_get_ll(s, "customers_per_unit");
	if (r->customers_per_unit < 1)
		r->customers_per_unit = 1;
	r->wait_seconds = settings_get_ll(s, "wait_minutes") * 60;
	if (r->wait_seconds < 0)
		r->wait_seconds = 0;
}

static void variant_list_add(struct variant_list *l, const char *v, size_t n)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 64;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = xstrndup(v, n);
}

static void variant_list_release(struct variant_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* variant_list_read: the keys of waiting.gdbm (absent file: empty). 0 or -1. */
static int variant_list_read(const char *home, struct variant_list *l,
			     struct buf *err)
{
	struct db db;
	struct db_iter it;

	if (db_open(&db, home, DB_WAITING, DB_READ, err) < 0) {
		if (errno == ENOENT) {
			buf_reset(err);
			return 0;
		}
		return -1;
	}
	for (int more = db_iter_first(&db, &it); more; more = db_iter_next(&db, &it))
		variant_list_add(l, it.key.dptr, (size_t)it.key.dsize);
	db_iter_release(&it);
	db_close(&db);
	return 0;
}

/* queued_event: the "Notification queued" event and day counter. */
static int queued_event(struct db *subs, const struct sub *s,
			const struct item *it, long long id, long long now)
{
	struct event e;
	char nid[32];
	int rc;

	event_init(&e);
	snprintf(nid, sizeof(nid), "%lld", id);
	e.time_us = restock_now_us();
	e.type = xstrdup(EV_QUEUED);
	e.email = xstrdup(s->email ? s->email : s->email_key);
	e.variant = xstrdup(s->variant);
	e.platform = s->platform ? xstrdup(s->platform) : NULL;
	e.channels = s->channels;
	e.item_title = xstrdup(it->title ? it->title : "");
	e.item_price = it->price;
	e.has_price = it->has_price;
	e.notification = xstrdup(nid);
	rc = events_append(subs, &e);
	event_release(&e);
	if (rc == 0)
		rc = day_count(subs, now, "q", 1);
	return rc;
}

/*
 * queue_notification: add the notification for s under its dedupe key.
 * "<variant>\n<seq>" first; when a notification under that key was skipped
 * (recheck_before_send put the subscription back in line), the next key
 * "<variant>\n<seq>\n<k>" is used, so a re-release is queued again while a
 * re-run after a crash still finds the one it made. 1 added, 0 one was
 * already pending or done (crash recovery), -1 error.
 */
static int queue_notification(struct db *ob, const struct sub *s, long long now,
			      long long *id)
{
	struct notif n, old;
	struct buf key = BUF_INIT;
	int rc = -1;

	notif_init(&n);
	notif_init(&old);
	n.kind = NK_RESTOCK;
	n.email = s->email ? xstrdup(s->email) : NULL;
	n.variant = xstrdup(s->variant);
	n.channels = s->channels;
	n.next_at = now;
	sub_encode(s, &n.sub);
	for (int k = 0; k < RESTOCK_MAX_REQUEUE; k++) {
		buf_reset(&key);
		buf_addf(&key, "%s\n%lld", s->variant, s->seq);
		if (k)
			buf_addf(&key, "\n%d", k);
		rc = outbox_add(ob, &n, key.ptr);
		*id = n.id;
		if (rc != 0)
			break;
		if (outbox_get(ob, n.id, &old) < 0) {
			rc = -1;
			break;
		}
		if (old.state != NS_SKIPPED)
			break;	/* queued before a crash: keep that one */
		rc = -1;
	}
	notif_release(&n);
	notif_release(&old);
	buf_release(&key);
	return rc;
}

/* release_one: queue (variant, seq) and remove the subscription. 1 released, 0 gap or unreadable, -1. */
static int release_one(struct eval *ev, struct db *subs, struct db *ob,
		       const struct item *it, const char *variant, long long seq)
{
	struct sub s;
	long long id;
	int rc;

	sub_init(&s);
	rc = subs_get(subs, variant, seq, &s);
	if (rc < 0) {
		/* one unreadable record must not hold up the rest of the line */
		log_warn("restock: subscription %lld of a variant is unreadable; skipped", seq);
		ev->rep->unreadable++;
		rc = 0;
	}
	if (rc != 1)
		goto out;
	rc = queue_notification(ob, &s, ev->now, &id);
	if (rc < 0)
		goto out;
	if (rc == 0)
		ev->rep->requeued++;
	if (subs_remove(subs, variant, seq) < 0) {
		rc = -1;
		goto out;
	}
	if (rc == 1 && queued_event(subs, &s, it, id, ev->now) < 0)
		log_warn("restock: event not recorded: %s", db_error(subs));
	rc = 1;
out:
	sub_release(&s);
	return rc;
}

/* ---- the shared transaction ---- */

static int txn_begin(struct eval *ev)
{
	struct txn *t = &ev->tx;
	if (t->open)
		return 0;
	if (db_open(&t->subs, ev->home, DB_SUBS, DB_WRITE, ev->err) < 0)
		return -1;
	if (db_open(&t->ob, ev->home, DB_OUTBOX, DB_WRITE, ev->err) < 0) {
		db_close(&t->subs);
		return -1;
	}
	t->open = 1;
	t->releases = t->visits = 0;
	return 0;
}

/*
 * drop_emptied: remove the emptied variants from waiting.gdbm. subs is
 * still held, so no subscribe can add a waiter in between; each is checked
 * again, and a variant that got a waiter meanwhile stays.
 */
static int drop_emptied(struct eval *ev)
{
	struct txn *t = &ev->tx;
	struct db w;
	struct variant_head h;
	int rc = 0;

	if (!t->emptied.n)
		return 0;
	if (db_open(&w, ev->home, DB_WAITING, DB_WRITE, ev->err) < 0)
		return -1;
	for (size_t i = 0; i < t->emptied.n && rc == 0; i++) {
		const char *v = t->emptied.v[i];
		if (variant_head_get(&t->subs, v, &h) < 0)
			rc = -1;
		else if (h.waiting <= 0 && (rc = db_del(&w, v, strlen(v))) == 0)
			ev->rep->emptied++;
	}
	db_close(&w);
	variant_list_release(&t->emptied);
	return rc;
}

/* txn_commit: drop emptied variants, close outbox then subs. 0 or -1. */
static int txn_commit(struct eval *ev)
{
	struct txn *t = &ev->tx;
	int rc;
	if (!t->open)
		return 0;
	db_close(&t->ob);	/* before waiting.gdbm: hold at most subs while opening it */
	rc = drop_emptied(ev);
	db_close(&t->subs);
	t->open = 0;
	return rc;
}

/*
 * release_batch: release up to max waiters from the head within the open
 * transaction. Sets *done when the queue is exhausted. Returns the number
 * released, or -1.
 */
static long long release_batch(struct eval *ev, const struct item *it,
			       const char *variant, long long max, int *done)
{
	struct txn *t = &ev->tx;
	long long n = 0, seq, from = 0;
	int rc;

	*done = 0;
	while (n < max) {
		rc = subs_next(&t->subs, variant, from, &seq);
		if (rc < 0)
			goto fail;
		if (rc == 0) {
			*done = 1;
			break;
		}
		rc = release_one(ev, &t->subs, &t->ob, it, variant, seq);
		if (rc < 0)
			goto fail;
		n += rc;
		from = seq + 1;
	}
	t->releases += n;
	return n;
fail:
	buf_addf(ev->err, "releasing %s: %s", variant, db_error(&t->subs));
	return -1;
}

/* count_released: add n to the variant's released counter. 0 or -1. */
static int count_released(struct db *subs, const char *variant, long long n)
{
	struct variant_head h;
	if (variant_head_get(subs, variant, &h) < 0)
		return -1;
	h.released += n;
	return variant_head_put(subs, variant, &h);
}

/* finish_variant: start a wait when per_unit leaves waiters; note an emptied variant. */
static int finish_variant(struct eval *ev, const char *variant)
{
	struct variant_head h;
	if (variant_head_get(&ev->tx.subs, variant, &h) < 0)
		return -1;
	if (h.waiting <= 0) {
		variant_list_add(&ev->tx.emptied, variant, strlen(variant));
		return 0;
	}
	if (ev->rules.per_unit) {
		h.wait_until = ev->now + ev->rules.wait_seconds;
		return variant_head_put(&ev->tx.subs, variant, &h);
	}
	return 0;
}

/* release_variant: release quota waiters of an in-stock variant, committing every batch. 0 or -1. */
static int release_variant(struct eval *ev, const struct item *it,
			   const char *variant, long long quota)
{
	long long released = 0;
	int done = 0;

	while (released < quota && !done) {
		long long max = quota - released, n;
		if (max > RESTOCK_RELEASE_BATCH - ev->tx.releases)
			max = RESTOCK_RELEASE_BATCH - ev->tx.releases;
		if (max <= 0) {
			/* the batch is full: let waiting subscribe requests in */
			if (txn_commit(ev) < 0 || txn_begin(ev) < 0)
				return -1;
			continue;
		}
		n = release_batch(ev, it, variant, max, &done);
		if (n < 0 || count_released(&ev->tx.subs, variant, n) < 0)
			return -1;
		released += n;
		ev->rep->released += n;
	}
	return finish_variant(ev, variant);
}

/* evaluate_variant: one variant of the waiting index. 0 or -1. */
static int evaluate_variant(struct eval *ev, const char *variant)
{
	struct item it;
	struct variant_head h;
	int rc;

	item_init(&it);
	ev->rep->variants++;
	rc = catalog_get(&ev->cat, variant, &it);
	if (rc <= 0 || !item_in_stock(&it, ev->rules.min_inventory)) {
		item_release(&it);
		return rc < 0 ? -1 : 0;	/* out of stock: no lock taken at all */
	}
	ev->rep->in_stock++;
	rc = -1;
	if (txn_begin(ev) < 0)
		goto out;
	ev->tx.visits++;
	if (variant_head_get(&ev->tx.subs, variant, &h) < 0)
		goto out;
	if (h.waiting <= 0) {
		variant_list_add(&ev->tx.emptied, variant, strlen(variant));
		rc = 0;
	} else if (ev->rules.per_unit && h.wait_until > ev->now) {
		ev->rep->in_wait++;
		rc = 0;
	} else {
		rc = release_variant(ev, &it, variant,
				     restock_quota(&ev->rules, it.quantity, h.waiting));
	}
out:
	if (rc < 0 && !ev->err->len)
		buf_addf(ev->err, "evaluating %s: %s", variant, db_error(&ev->tx.subs));
	if (rc < 0)
		txn_commit(ev);	/* what was done stays done */
	else if ((ev->tx.releases >= RESTOCK_RELEASE_BATCH ||
		  ev->tx.visits >= RESTOCK_RELEASE_BATCH) && txn_commit(ev) < 0)
		rc = -1;
	item_release(&it);
	return rc;
}

int restock_evaluate(const char *home, struct restock_report *rep,
		     struct buf *err)
{
	struct settings s;
	struct variant_list vl;
	struct eval ev;
	char *first = NULL;
	int rc = 0;

	memset(rep, 0, sizeof(*rep));
	memset(&vl, 0, sizeof(vl));
	memset(&ev, 0, sizeof(ev));
	/* journalled subscriptions first: waiting.gdbm must list their variants */
	if (journal_drain(home, err) < 0)
		return -1;
	if (settings_load(&s, home, err) < 0)
		return -1;
	ev.home = home;
	ev.rep = rep;
	ev.err = err;
	ev.now = restock_now();
	rules_load(&ev.rules, &s);

	if (purge_unconfirmed(home, ev.now,
			      settings_get_ll(&s, "unconfirmed_purge_days") * 86400,
			      &rep->purged, err) < 0)
		log_warn("restock: purge: %s", err->ptr), buf_reset(err);
	settings_release(&s);

	if (catalog_open(&ev.cat, home, err) < 0)
		return -1;
	if (!ev.cat.open)
		goto out;	/* no catalog yet: nothing is in stock */
	if (variant_list_read(home, &vl, err) < 0) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < vl.n; i++) {
		/* a failing variant is reported, and the others still get their turn */
		if (evaluate_variant(&ev, vl.v[i]) < 0) {
			log_error("restock: %s", err->ptr);
			if (!rc)
				first = xstrdup(err->ptr);
			buf_reset(err);
			rc = -1;
		}
	}
	if (txn_commit(&ev) < 0 && !first) {
		first = xstrdup(err->ptr);
		rc = -1;
	}
	if (first) {
		buf_reset(err);
		buf_adds(err, first);
		free(first);
	}
out:
	variant_list_release(&vl);
	variant_list_release(&ev.tx.emptied);
	catalog_close(&ev.cat);
	return rc;
}
