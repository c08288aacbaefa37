/* subscribe: validate, rate-limit, dedupe and store a subscription; record its event. */
#include "bis/subscribe.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "bis/home.h"
#include "bis/token.h"
#include "core/crypto.h"
#include "core/limits.h"
#include "core/log.h"
#include "http/validate.h"
#include "store/catalog.h"
#include "store/events.h"
#include "store/outbox.h"
#include "store/ratelimit.h"
#include "store/subs.h"

#define RATE_IP_WINDOW_S 60
#define RATE_EMAIL_WINDOW_S 3600
#define CAP_RETRY_AFTER_S 3600
#define PENDING_ID_BYTES 16

/* The state of one subscribe call. */
struct sub_call {
	const char *home;
	const struct settings *s;
	const struct sub_request *rq;
	struct sub_outcome *out;
	char *ekey;		/* dedupe identity: email, tel:, or ext: */
	struct item item;
	long long now;
	long long now_us;
};

static long long now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* identity: fill out->email and c->ekey; 0, or -1 with out->status set. */
static int identity(struct sub_call *c)
{
	const struct sub_request *rq = c->rq;
	if (rq->email) {
		const char *e = rq->email;
		size_t n = strlen(e);
		span_trim(&e, &n);
		c->out->email = xstrndup(e, n);
		if (!email_valid(e, n)) {
			c->out->status = SUB_INVALID_EMAIL;
			return -1;
		}
		c->ekey = email_key(c->out->email);
		return 0;
	}
	if (rq->phone) {
		if (!phone_e164_valid(rq->phone)) {
			c->out->status = SUB_INVALID_PHONE;
			return -1;
		}
		c->ekey = sub_identity(NULL, rq->phone, NULL);
		return 0;
	}
	if (rq->external_id && *rq->external_id) {
		c->ekey = sub_identity(NULL, NULL, rq->external_id);
		return 0;
	}
	c->out->status = SUB_INVALID_EMAIL;
	return -1;
}

/* limits: per-IP and per-identity windows. 0 pass, 1 limited, -1 error. */
static int limits(struct sub_call *c, struct db *db)
{
	struct buf k = BUF_INIT;
	long r = 0;
	if (c->rq->client_ip && *c->rq->client_ip) {
		buf_addf(&k, "i:%s", c->rq->client_ip);
		r = ratelimit_hit(db, k.ptr, (long)settings_get_ll(c->s, "rate_ip_per_minute"),
				  RATE_IP_WINDOW_S, c->now);
	}
	if (r == 0) {
		buf_reset(&k);
		buf_addf(&k, "e:%s", c->ekey);
		r = ratelimit_hit(db, k.ptr, (long)settings_get_ll(c->s, "rate_email_per_hour"),
				  RATE_EMAIL_WINDOW_S, c->now);
	}
	buf_release(&k);
	if (r < 0)
		return -1;
	if (r > 0) {
		c->out->status = SUB_RATE_LIMITED;
		c->out->retry_after = r;
		return 1;
	}
	return 0;
}

static void fill_sub(struct sub_call *c, struct sub *sb)
{
	const struct sub_request *rq = c->rq;
	sb->email = c->out->email ? xstrdup(c->out->email) : NULL;
	sb->email_key = xstrdup(c->ekey);
	sb->variant = xstrdup(rq->variant);
	sb->phone = rq->phone ? xstrdup(rq->phone) : NULL;
	sb->external_id = rq->external_id ? xstrdup(rq->external_id) : NULL;
	sb->platform = xstrdup(rq->platform ? rq->platform : "api");
	sb->product = rq->product ? xstrdup(rq->product) : NULL;
	sb->store = rq->store ? xstrdup(rq->store) : NULL;
	sb->g = rq->g ? xstrdup(rq->g) : NULL;
	sb->channels = rq->channels ? rq->channels : CH_EMAIL;
	sb->newsletter = rq->newsletter;
	sb->created_us = c->now_us;
	sb->item_title = xstrdup(c->item.title ? c->item.title : "");
	sb->item_price = c->item.price;
}

/* record_subscribed: the "Subscribed to Back in Stock" event and day counter. */
static int record_subscribed(struct db *db, const struct sub *sb, long long now)
{
	struct event e;
	int rc;
	event_init(&e);
	e.time_us = sb->created_us;
	e.type = xstrdup(EV_SUBSCRIBED);
	e.email = xstrdup(sb->email ? sb->email : sb->email_key);
	e.variant = xstrdup(sb->variant);
	e.platform = xstrdup(sb->platform);
	e.channels = sb->channels;
	e.item_title = xstrdup(sb->item_title ? sb->item_title : "");
	e.item_price = sb->item_price;
	e.has_price = 1;
	rc = events_append(db, &e);
	event_release(&e);
	if (rc == 0)
		rc = day_count(db, now, "s", 1);
	if (rc == 0 && db_add_ll(db, "#subscribed", 1) < 0)
		rc = -1;
	return rc;
}

/*
 * enqueue_waiting: make sb a waiting subscription. The variant goes into
 * waiting.gdbm first, so the engine can never miss it.
 */
static int enqueue_waiting(const char *home, struct db *db, struct sub *sb,
			   long long now)
{
	struct variant_head h;
	struct buf err = BUF_INIT;
	if (variant_head_get(db, sb->variant, &h) < 0)
		return -1;
	if (h.waiting == 0 && waiting_add(home, sb->variant, &err) < 0) {
		log_error("subscribe: %s", err.ptr);
		buf_release(&err);
		return -1;
	}
	buf_release(&err);
	if (subs_enqueue(db, sb) < 0)
		return -1;
	return record_subscribed(db, sb, now);
}

static void pending_key(struct buf *k, const char *ekey, const char *variant)
{
	buf_reset(k);
	buf_addf(k, "u:%s\n%s", ekey, variant);
}

/* store_pending: keep sb until its confirmation link is followed; queue the email. */
static int store_pending(struct sub_call *c, struct db *db, struct sub *sb)
{
	struct buf id = BUF_INIT, k = BUF_INIT, v = BUF_INIT, err = BUF_INIT;
	struct db ob;
	struct notif n;
	int rc = -1;

	pending_key(&k, c->ekey, sb->variant);
	if (db_exists(db, k.ptr, k.len)) {
		c->out->status = SUB_DUPLICATE;
		rc = 0;
		goto out;
	}
	if (random_hex(&id, PENDING_ID_BYTES) < 0)
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
	if (db_open(&ob, c->home, DB_OUTBOX, DB_WRITE, &err) == 0) {
		rc = outbox_add(&ob, &n, NULL) < 0 ? -1 : 0;
		db_close(&ob);
	} else {
		log_error("subscribe: %s", err.ptr);
	}
	notif_release(&n);
	if (rc == 0)
		c->out->status = SUB_PENDING;
out:
	buf_release(&id);
	buf_release(&k);
	buf_release(&v);
	buf_release(&err);
	return rc;
}

/* store: the write transaction on subs.gdbm. */
static void store(struct sub_call *c)
{
	struct db db;
	struct buf err = BUF_INIT;
	struct sub sb;
	long long seq, cap;
	int rc;

	sub_init(&sb);
	if (db_open(&db, c->home, DB_SUBS, DB_WRITE, &err) < 0) {
		log_error("subscribe: %s", err.ptr);
		c->out->status = SUB_ERROR;
		goto out;
	}
	/* stamp under the lock: queue order and subscription times then agree */
	c->now_us = now_us();
	c->now = c->now_us / 1000000;
	rc = limits(c, &db);
	if (rc != 0) {
		if (rc < 0)
			c->out->status = SUB_ERROR;	/* fail closed */
		goto close;
	}
	if (subs_suppressed(&db, c->ekey)) {
		c->out->status = SUB_SUPPRESSED;
		goto close;
	}
	rc = subs_find(&db, c->ekey, c->rq->variant, &seq);
	if (rc != 0) {
		c->out->status = rc > 0 ? SUB_DUPLICATE : SUB_ERROR;
		goto close;
	}
	cap = settings_get_ll(c->s, "max_waiting_per_email");
	if (cap > 0) {
		struct buf k = BUF_INIT;
		buf_addf(&k, "m:%s", c->ekey);
		long long have = db_get_ll(&db, k.ptr, 0);
		buf_release(&k);
		if (have >= cap) {
			c->out->status = SUB_CAP_REACHED;
			c->out->retry_after = CAP_RETRY_AFTER_S;
			goto close;
		}
	}
	fill_sub(c, &sb);
	if (settings_get_bool(c->s, "double_opt_in") && sb.email) {
		if (store_pending(c, &db, &sb) < 0)
			c->out->status = SUB_ERROR;
		goto close;
	}
	if (enqueue_waiting(c->home, &db, &sb, c->now) < 0) {
		log_error("subscribe: storing failed: %s", db_error(&db));
		c->out->status = SUB_ERROR;
		goto close;
	}
	c->out->status = SUB_ACCEPTED;
close:
	db_close(&db);
out:
	sub_release(&sb);
	buf_release(&err);
}

void bis_subscribe(const char *home, const struct settings *s,
		   const struct sub_request *rq, struct sub_outcome *out)
{
	struct sub_call c;
	struct catalog cat;
	struct buf err = BUF_INIT;
	int found;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.home = home;
	c.s = s;
	c.rq = rq;
	c.out = out;
	c.now_us = now_us();
	c.now = c.now_us / 1000000;
	item_init(&c.item);

	if (identity(&c) < 0)
		goto out;
	if (!rq->variant || !*rq->variant || strlen(rq->variant) > MAX_VARIANT_BYTES) {
		out->status = SUB_UNKNOWN_VARIANT;
		goto out;
	}
	if (catalog_open(&cat, home, &err) < 0) {
		log_error("subscribe: %s", err.ptr);
		out->status = SUB_ERROR;
		goto out;
	}
	found = catalog_get(&cat, rq->variant, &c.item);
	catalog_close(&cat);
	if (found < 0) {
		out->status = SUB_ERROR;
		goto out;
	}
	if (found == 0) {
		/* Klaviyo does not validate variants: success, nothing stored. */
		out->status = SUB_UNKNOWN_VARIANT;
		goto out;
	}
	store(&c);
out:
	item_release(&c.item);
	free(c.ekey);
	buf_release(&err);
}

void sub_outcome_release(struct sub_outcome *o)
{
	free(o->email);
	o->email = NULL;
}

int bis_confirm(const char *home, const struct settings *s, const char *token)
{
	struct buf id = BUF_INIT, secret = BUF_INIT, err = BUF_INIT, k = BUF_INIT,
		   v = BUF_INIT;
	struct db db;
	struct sub sb;
	long long seq, now = (long long)time(NULL);
	int rc = -1;

	(void)s;
	sub_init(&sb);
	if (home_secret(home, &secret, &err) < 0)
		goto out;
	if (token_open(&id, secret.ptr, "confirm", token) < 0) {
		rc = -2;	/* tampered */
		goto out;
	}
	if (db_open(&db, home, DB_SUBS, DB_WRITE, &err) < 0)
		goto out;
	buf_addf(&k, "p:%s", id.ptr);
	rc = db_get(&db, k.ptr, k.len, &v);
	if (rc != 1) {
		db_close(&db);
		goto out;
	}
	rc = -1;
	if (sub_decode(&sb, v.ptr, v.len) < 0 || db_del(&db, k.ptr, k.len) < 0)
		goto close;
	pending_key(&k, sb.email_key, sb.variant);
	if (db_del(&db, k.ptr, k.len) < 0)
		goto close;
	if (subs_suppressed(&db, sb.email_key) ||
	    subs_find(&db, sb.email_key, sb.variant, &seq) == 1) {
		rc = 0;
		goto close;
	}
	{
		struct event e;
		event_init(&e);
		e.time_us = now * 1000000;
		e.type = xstrdup(EV_CONFIRMED);
		e.email = xstrdup(sb.email);
		e.variant = xstrdup(sb.variant);
		events_append(&db, &e);
		event_release(&e);
	}
	rc = enqueue_waiting(home, &db, &sb, now) < 0 ? -1 : 1;
close:
	db_close(&db);
out:
	if (rc == -1 && err.len)
		log_error("confirm: %s", err.ptr);
	sub_release(&sb);
	buf_release(&id);
	buf_release(&secret);
	buf_release(&err);
	buf_release(&k);
	buf_release(&v);
	return rc;
}
