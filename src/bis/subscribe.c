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
#include "store/journal.h"
#include "store/ratemap.h"
#include "store/subs.h"

#define RATE_IP_WINDOW_S 60
#define RATE_EMAIL_WINDOW_S 3600
#define CAP_RETRY_AFTER_S 3600

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

/*
 * limits: per-IP and per-identity windows (store/ratemap.h), and the
 * "may be at its cap" hint into *cap_hint, under one lock of the table.
 * 0 pass, 1 limited, -1 error.
 */
static int limits(struct sub_call *c, struct ratemap *rm, long long *cap_hint)
{
	struct buf ik = BUF_INIT, ek = BUF_INIT, ck = BUF_INIT;
	struct rate_rule rules[2];
	int n = 0;
	long r;

	if (c->rq->client_ip && *c->rq->client_ip) {
		buf_addf(&ik, "i:%s", c->rq->client_ip);
		rules[n].key = ik.ptr;
		rules[n].limit = (long)settings_get_ll(c->s, "rate_ip_per_minute");
		rules[n++].window_s = RATE_IP_WINDOW_S;
	}
	buf_addf(&ek, "e:%s", c->ekey);
	rules[n].key = ek.ptr;
	rules[n].limit = (long)settings_get_ll(c->s, "rate_email_per_hour");
	rules[n++].window_s = RATE_EMAIL_WINDOW_S;
	buf_addf(&ck, "c:%s", c->ekey);
	r = ratemap_hit_all(rm, rules, n, ck.ptr, cap_hint, c->now);
	buf_release(&ik);
	buf_release(&ek);
	buf_release(&ck);
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
	sb->created_us = c->now_us;	/* replaced by the journal's stamp */
	sb->item_title = xstrdup(c->item.title ? c->item.title : "");
	sb->item_price = c->item.price;
}

/*
 * cap_check: the email may be at max_waiting_per_email (the journal's
 * apply left a hint in the rate table): look at subs.gdbm itself, after
 * applying the journal. 0 go on, 1 answered (out->status set), -1 error.
 */
static int cap_check(struct sub_call *c, struct ratemap *rm, long long cap,
		     long long have)
{
	struct buf k = BUF_INIT, err = BUF_INIT;
	struct db db;
	long long seq;
	int rc = -1;

	buf_addf(&k, "c:%s", c->ekey);
	if (have < cap) {
		rc = 0;
		goto out;
	}
	if (db_open(&db, c->home, DB_SUBS, DB_READ, &err) < 0) {
		log_error("subscribe: %s", err.ptr);
		goto out;
	}
	rc = 1;
	if (subs_suppressed(&db, c->ekey)) {
		c->out->status = SUB_SUPPRESSED;
	} else if (subs_find(&db, c->ekey, c->rq->variant, &seq) != 0) {
		c->out->status = SUB_DUPLICATE;
	} else {
		struct buf mk = BUF_INIT;
		buf_addf(&mk, "m:%s", c->ekey);
		have = db_get_ll(&db, mk.ptr, 0);
		buf_release(&mk);
		if (have >= cap) {
			c->out->status = SUB_CAP_REACHED;
			c->out->retry_after = CAP_RETRY_AFTER_S;
		} else {
			ratemap_mark(rm, k.ptr, 0, c->now, 0);	/* below the cap again */
			rc = 0;
		}
	}
	db_close(&db);
out:
	buf_release(&k);
	buf_release(&err);
	return rc;
}

/* store: journal the subscription (the acknowledgement), then try to apply the journal. */
static void store(struct sub_call *c, struct ratemap *rm)
{
	struct journal_entry e;
	struct buf err = BUF_INIT;
	long long cap = settings_get_ll(c->s, "max_waiting_per_email"), hint = 0;
	int rc;

	journal_entry_init(&e);
	rc = limits(c, rm, &hint);
	if (rc != 0) {
		if (rc < 0)
			c->out->status = SUB_ERROR;	/* fail closed */
		goto out;
	}
	if (cap > 0) {
		rc = cap_check(c, rm, cap, hint);
		if (rc != 0) {
			if (rc < 0)
				c->out->status = SUB_ERROR;
			goto out;
		}
	}
	fill_sub(c, &e.sub);
	e.cap = cap > 0 ? cap : 0;
	if (settings_get_bool(c->s, "double_opt_in") && e.sub.email)
		e.flags |= JF_DOUBLE_OPT_IN;
	if (journal_append(c->home, &e, &err) < 0) {
		log_error("subscribe: %s", err.ptr);
		c->out->status = SUB_ERROR;
		goto out;
	}
	c->out->status = (e.flags & JF_DOUBLE_OPT_IN) ? SUB_PENDING : SUB_ACCEPTED;
	/* acknowledged; applying now is an optimisation (readers apply first anyway) */
	if (journal_try_drain(c->home, &err) < 0)
		log_warn("subscribe: journal: %s", err.ptr);
out:
	journal_entry_release(&e);
	buf_release(&err);
}

void bis_subscribe(const char *home, const struct settings *s,
		   const struct sub_request *rq, struct sub_env *env,
		   struct sub_outcome *out)
{
	struct sub_call c;
	struct catalog own_cat, *cat = env ? env->catalog : NULL;
	struct ratemap own_rm, *rm = env ? env->rates : NULL;
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
	ratemap_init(&own_rm);
	memset(&own_cat, 0, sizeof(own_cat));
	own_cat.db.lockfd = -1;

	if (identity(&c) < 0)
		goto out;
	if (!rq->variant || !*rq->variant || strlen(rq->variant) > MAX_VARIANT_BYTES) {
		out->status = SUB_UNKNOWN_VARIANT;
		goto out;
	}
	if (!cat) {
		if (catalog_open(&own_cat, home, &err) < 0) {
			log_error("subscribe: %s", err.ptr);
			out->status = SUB_ERROR;
			goto out;
		}
		cat = &own_cat;
	}
	found = catalog_get(cat, rq->variant, &c.item);
	if (found < 0) {
		out->status = SUB_ERROR;
		goto out;
	}
	if (found == 0) {
		/* Klaviyo does not validate variants: success, nothing stored. */
		out->status = SUB_UNKNOWN_VARIANT;
		goto out;
	}
	if (!rm) {
		if (ratemap_open(&own_rm, home, &err) < 0) {
			log_error("subscribe: %s", err.ptr);
			out->status = SUB_ERROR;	/* fail closed */
			goto out;
		}
		rm = &own_rm;
	}
	store(&c, rm);
out:
	catalog_close(&own_cat);
	ratemap_close(&own_rm);
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
	subs_pending_key(&k, sb.email_key, sb.variant);
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
	rc = subs_accept(home, &db, &sb, now) < 0 ? -1 : 1;
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
