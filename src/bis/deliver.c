/* deliver: walk the outbox, re-check, render, send, retry with backoff, record events. */
#include "bis/deliver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "bis/message.h"
#include "core/log.h"
#include "mail/mime.h"
#include "mail/transport.h"
#include "store/catalog.h"
#include "store/db.h"
#include "store/events.h"
#include "store/outbox.h"
#include "store/settings.h"
#include "store/subs.h"
#include "tmpl/escape.h"

#define REASON_OUT_OF_STOCK	"item no longer in stock"
#define REASON_SUPPRESSED	"recipient unsubscribed"
#define REASON_NOT_PENDING	"subscription no longer waiting for confirmation"
#define REASON_NO_CHANNEL	"no email address, and no webhook_url for SMS or push"

/* What to do with one notification. */
enum action {
	A_NONE,		/* leave it as it is (no longer pending, or retry next run) */
	A_SEND,
	A_SKIP,		/* skipped: reason */
	A_PUTBACK,	/* skipped, subscription back at the head of its line */
	A_FAIL,		/* failed: reason */
};

/* One notification on its way. */
struct job {
	struct notif n;
	struct sub s;
	int have_sub;
	enum action act;
	char *reason;
	struct buf eml;		/* the built email, when there is an email */
	struct buf hook;	/* webhook JSON, when it is to be posted */
	char *msgid;
	/* outcome, for the event */
	const char *ev_type;	/* EV_SENT, EV_SKIPPED, EV_FAILED or NULL */
	char *ev_reason;
	char *item_title;
	double item_price;
	int has_price;
};

/* The state of one deliver_due call. */
struct run {
	const char *home;
	struct settings s;
	struct catalog cat;
	struct msg_env env;
	struct mail_transport tr;
	struct deliver_report *rep;
	long long now, backoff, min_inventory, scan;
	int max_attempts, recheck;
	const char *webhook_url;
	const char *mail_from;
	/* the item and context of the last variant (a wave is one variant) */
	char *variant;
	struct item item;
	int item_found;
	struct tval *ctx;
};

long long deliver_backoff(long long base, int attempts)
{
	long long d = base > 0 ? base : 1;
	for (int i = 1; i < attempts; i++) {
		if (d >= DELIVER_BACKOFF_MAX_S / 2)
			return DELIVER_BACKOFF_MAX_S;
		d *= 2;
	}
	return d < DELIVER_BACKOFF_MAX_S ? d : DELIVER_BACKOFF_MAX_S;
}

int deliver_lock(const char *home, struct buf *err)
{
	struct buf path = BUF_INIT;
	int fd;

	db_home_path(&path, home, DELIVER_RUN_LOCK);
	fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		buf_addf(err, "%s: %s", path.ptr, strerror(errno));
		buf_release(&path);
		return -1;
	}
	buf_release(&path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			return -2;
		buf_addf(err, "run.lock: %s", strerror(e));
		return -1;
	}
	return fd;
}

static void job_init(struct job *j)
{
	memset(j, 0, sizeof(*j));
	notif_init(&j->n);
	sub_init(&j->s);
	buf_init(&j->eml);
	buf_init(&j->hook);
}

static void job_release(struct job *j)
{
	notif_release(&j->n);
	sub_release(&j->s);
	buf_release(&j->eml);
	buf_release(&j->hook);
	free(j->reason);
	free(j->msgid);
	free(j->ev_reason);
	free(j->item_title);
	memset(j, 0, sizeof(*j));
}

static void job_decide(struct job *j, enum action a, const char *reason)
{
	j->act = a;
	free(j->reason);
	j->reason = reason ? xstrdup(reason) : NULL;
}

/* ---- phase A: collect due notifications ---- */

/* collect: up to DELIVER_BATCH due pending notifications from r->scan on. Count, or -1. */
static int collect(struct run *r, struct job *jobs, struct buf *err)
{
	struct db ob;
	long long end;
	int n = 0;

	if (db_open(&ob, r->home, DB_OUTBOX, DB_READ, err) < 0)
		return errno == ENOENT ? (buf_reset(err), 0) : -1;
	if (r->scan < outbox_cursor(&ob))
		r->scan = outbox_cursor(&ob);
	end = outbox_next_id(&ob);
	while (r->scan < end && n < DELIVER_BATCH) {
		struct job *j = &jobs[n];
		int rc = outbox_get(&ob, r->scan++, &j->n);
		if (rc < 0) {
			log_warn("send: notification %lld unreadable", r->scan - 1);
			continue;
		}
		if (rc == 0 || j->n.state != NS_PENDING || j->n.next_at > r->now)
			continue;
		j->act = A_SEND;
		n++;
	}
	db_close(&ob);
	return n;
}

/* ---- phase B: decide and render ---- */

/* load_pending_sub: the double opt-in subscription of a confirmation. 1, 0 gone, -1. */
static int load_pending_sub(struct db *subs, struct job *j)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	int rc;
	if (!j->n.token)
		return 0;
	buf_addf(&k, "p:%s", j->n.token);
	rc = db_get(subs, k.ptr, k.len, &v);
	if (rc == 1)
		rc = sub_decode(&j->s, v.ptr, v.len) < 0 ? -1 : 1;
	buf_release(&k);
	buf_release(&v);
	return rc;
}

/* screen: decode subscriptions and apply the suppression list. */
static void screen(struct run *r, struct job *jobs, int n)
{
	struct db subs;
	struct buf err = BUF_INIT;
	int open = db_open(&subs, r->home, DB_SUBS, DB_READ, &err) == 0;

	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		int rc = 1;
		if (j->n.kind == NK_RESTOCK)
			rc = sub_decode(&j->s, j->n.sub.ptr, j->n.sub.len) < 0 ? -1 : 1;
		else if (j->n.kind == NK_CONFIRM)
			rc = open ? load_pending_sub(&subs, j) : 0;
		else
			rc = 0;	/* NK_TEST: no subscription */
		if (rc < 0) {
			job_decide(j, A_FAIL, "unreadable subscription record");
			continue;
		}
		j->have_sub = rc == 1;
		if (j->n.kind == NK_CONFIRM && !j->have_sub) {
			job_decide(j, A_SKIP, REASON_NOT_PENDING);
			continue;
		}
		if (open && j->n.email) {
			char *ek = email_key(j->n.email);
			if (subs_suppressed(&subs, ek) == 1)
				job_decide(j, A_SKIP, REASON_SUPPRESSED);
			free(ek);
		}
	}
	if (open)
		db_close(&subs);
	buf_release(&err);
}

/* variant_item: the catalog item of variant (cached with its context). */
static void variant_item(struct run *r, const char *variant)
{
	if (r->variant && !strcmp(r->variant, variant))
		return;
	free(r->variant);
	tv_free(r->ctx);
	r->ctx = NULL;
	r->variant = xstrdup(variant);
	r->item_found = catalog_get(&r->cat, variant, &r->item) == 1;
	if (!r->item_found) {
		item_release(&r->item);
		r->item.id = xstrdup(variant);
	}
}

/* stub_title: a missing item is described by the subscription's copy. */
static void stub_title(struct run *r, const struct job *j)
{
	if (!r->item_found && !r->item.title && j->have_sub && j->s.item_title) {
		r->item.title = xstrdup(j->s.item_title);
		r->item.price = j->s.item_price;
		r->item.has_price = 1;
	}
}

static void json_key_str(struct buf *b, const char *k, const char *v, int comma)
{
	if (comma)
		buf_addch(b, ',');
	esc_json_string(b, k, strlen(k));
	buf_addch(b, ':');
	if (v)
		esc_json_string(b, v, strlen(v));
	else
		buf_adds(b, "null");
}

/* webhook_json: the notification as the webhook receives it. */
static void webhook_json(struct run *r, struct job *j, const char *unsub_url)
{
	static const struct { unsigned bit; const char *name; } chans[] = {
		{ CH_EMAIL, "EMAIL" }, { CH_SMS, "SMS" },
		{ CH_PUSH, "PUSH" }, { CH_WHATSAPP, "WHATSAPP" },
	};
	struct buf *b = &j->hook, url = BUF_INIT;
	const struct item *it = &r->item;
	unsigned ch = j->n.channels ? j->n.channels : CH_EMAIL;
	int first = 1;

	buf_reset(b);
	buf_addf(b, "{\"type\":\"back_in_stock\",\"notification_id\":%lld,\"created\":%lld",
		 j->n.id, j->n.created);
	json_key_str(b, "email", j->n.email, 1);
	json_key_str(b, "phone_number", j->have_sub ? j->s.phone : NULL, 1);
	json_key_str(b, "external_id", j->have_sub ? j->s.external_id : NULL, 1);
	buf_adds(b, ",\"channels\":[");
	for (size_t i = 0; i < sizeof(chans) / sizeof(chans[0]); i++)
		if (ch & chans[i].bit) {
			if (!first)
				buf_addch(b, ',');
			esc_json_string(b, chans[i].name, strlen(chans[i].name));
			first = 0;
		}
	buf_addch(b, ']');
	json_key_str(b, "variant", j->n.variant, 1);
	buf_adds(b, ",\"item\":{");
	json_key_str(b, "id", it->id, 0);
	json_key_str(b, "title", it->title, 1);
	json_key_str(b, "link", it->link, 1);
	message_product_url(&url, it->link ? it->link : "", r->env.utm);
	json_key_str(b, "product_url", url.ptr, 1);
	json_key_str(b, "image_link", it->image_link, 1);
	if (it->has_price)
		buf_addf(b, ",\"price\":%.2f", it->price);
	else
		buf_adds(b, ",\"price\":null");
	if (it->has_quantity)
		buf_addf(b, ",\"quantity\":%lld", it->quantity);
	else
		buf_adds(b, ",\"quantity\":null");
	buf_addch(b, '}');
	json_key_str(b, "store_name", settings_get(&r->s, "store_name"), 1);
	json_key_str(b, "unsubscribe_url", unsub_url && *unsub_url ? unsub_url : NULL, 1);
	buf_addch(b, '}');
	buf_release(&url);
}

/* build_email: render and build the MIME message of j. 0, or -1 (j decided A_FAIL). */
static int build_email(struct run *r, struct job *j)
{
	struct buf err = BUF_INIT, id = BUF_INIT;
	struct tval *ctx;
	enum msg_kind kind = j->n.kind == NK_CONFIRM ? MSG_CONFIRM : MSG_RESTOCK;
	int rc;

	if (j->n.message_id && *j->n.message_id) {
		j->msgid = xstrdup(j->n.message_id);
	} else if (mime_message_id(&id, r->mail_from) == 0) {
		j->msgid = buf_detach(&id, NULL);
	}
	if (kind == MSG_CONFIRM) {
		ctx = message_context(&r->env, &r->item, j->n.email, j->n.token);
	} else {
		if (!r->ctx)
			r->ctx = message_context(&r->env, &r->item, j->n.email, NULL);
		ctx = r->ctx;
		message_set_recipient(&r->env, ctx, j->n.email);
	}
	rc = message_build(&r->env, kind, ctx, j->n.email, j->msgid, &j->eml, &err);
	if (rc < 0)
		job_decide(j, A_FAIL, err.ptr);
	if (kind == MSG_CONFIRM)
		tv_free(ctx);
	buf_release(&err);
	buf_release(&id);
	return rc;
}

/* prepare: re-check stock, render, and build the webhook body of each job still to send. */
static void prepare(struct run *r, struct job *jobs, int n)
{
	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		if (j->act != A_SEND)
			continue;
		variant_item(r, j->n.variant ? j->n.variant : "");
		stub_title(r, j);
		free(j->item_title);
		j->item_title = xstrdup(r->item.title ? r->item.title : "");
		j->item_price = r->item.price;
		j->has_price = r->item.has_price;
		if (j->n.kind == NK_RESTOCK && r->recheck &&
		    (!r->item_found || !item_in_stock(&r->item, r->min_inventory))) {
			job_decide(j, j->have_sub ? A_PUTBACK : A_SKIP, REASON_OUT_OF_STOCK);
			continue;
		}
		if (j->n.email && *j->n.email && build_email(r, j) < 0)
			continue;
		if (j->n.kind == NK_RESTOCK && *r->webhook_url &&
		    (!j->n.email || j->n.attempts == 0)) {
			struct buf u = BUF_INIT;
			if (j->n.email)
				message_link(&u, &r->env, "/unsubscribe", "unsub", j->n.email);
			webhook_json(r, j, u.ptr);
			buf_release(&u);
		}
		if (!j->eml.len && !j->hook.len)
			job_decide(j, A_FAIL, REASON_NO_CHANNEL);
	}
}

/* put_back: return the skipped subscriptions to the head of their lines before marking them. */
static void put_back(struct run *r, struct job *jobs, int n)
{
	struct db subs;
	struct buf err = BUF_INIT;
	int any = 0, open = 0;

	for (int i = 0; i < n; i++)
		any |= jobs[i].act == A_PUTBACK;
	if (!any)
		return;
	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		if (j->act != A_PUTBACK)
			continue;
		/* the index first: it may list a variant without waiters, never miss one */
		if (waiting_add(r->home, j->s.variant, &err) < 0) {
			log_error("send: %s", err.ptr);
			job_decide(j, A_NONE, NULL);	/* stays pending: next run */
			buf_reset(&err);
		}
	}
	if (db_open(&subs, r->home, DB_SUBS, DB_WRITE, &err) == 0)
		open = 1;
	else
		log_error("send: %s", err.ptr);
	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		if (j->act != A_PUTBACK)
			continue;
		if (!open || subs_put_back(&subs, &j->s) < 0) {
			log_error("send: notification %lld: putting back failed", j->n.id);
			job_decide(j, A_NONE, NULL);
		}
	}
	if (open)
		db_close(&subs);
	buf_release(&err);
}

/* ---- phase C: send and record, one outbox transaction per batch ---- */

static void set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = v ? xstrdup(v) : NULL;
}

/* outcome: apply a send result (0, TEMPFAIL, PERMFAIL, <0) to the record. */
static void outcome(struct run *r, struct job *j, int rc, const char *why)
{
	struct notif *n = &j->n;
	switch (rc) {
	case 0:
		n->state = NS_SENT;
		n->attempts++;
		set_str(&n->last_error, NULL);
		set_str(&n->message_id, j->msgid);
		j->ev_type = EV_SENT;
		r->rep->sent++;
		return;
	case TRANSPORT_TEMPFAIL:
		n->attempts++;
		if (n->attempts < r->max_attempts) {
			n->next_at = r->now + deliver_backoff(r->backoff, n->attempts);
			set_str(&n->last_error, why);
			set_str(&n->message_id, j->msgid);
			r->rep->retried++;
			return;
		}
		{
			struct buf b = BUF_INIT;
			buf_addf(&b, "gave up after %d attempts: %s", n->attempts, why);
			set_str(&n->last_error, b.ptr);
			buf_release(&b);
		}
		break;
	default:
		n->attempts++;
		set_str(&n->last_error, why && *why ? why : "delivery failed");
		break;
	}
	n->state = NS_FAILED;
	j->ev_type = EV_FAILED;
	j->ev_reason = xstrdup(n->last_error);
	r->rep->failed++;
}

/* open_transport: once per run, on the first email. 0, or -1 with err. */
static int open_transport(struct run *r, struct buf *err)
{
	if (r->tr.kind != TRANSPORT_NONE)
		return 0;
	return transport_open(&r->tr, settings_get(&r->s, "mail_transport"),
			      r->home, err);
}

/* send_job: deliver j by email and/or webhook; the result goes into j->n. */
static void send_job(struct run *r, struct job *j)
{
	struct buf err = BUF_INIT, herr = BUF_INIT;
	int rc = 0;

	if (j->eml.len) {
		if (open_transport(r, &err) < 0)
			rc = TRANSPORT_TEMPFAIL;	/* a settings problem: retry later */
		else
			rc = transport_send(&r->tr, r->mail_from, j->n.email,
					    j->eml.ptr, j->eml.len, &err);
	}
	if (j->hook.len && (rc == 0 || !j->eml.len)) {
		int hrc = webhook_post(r->webhook_url, r->env.secret, j->hook.ptr,
				       j->hook.len, &herr);
		if (hrc == 0)
			r->rep->webhooks++;
		else if (!j->eml.len) {
			rc = hrc;
			buf_addf(&err, "webhook: %s", herr.ptr);
		} else
			log_warn("send: notification %lld: webhook: %s", j->n.id, herr.ptr);
	}
	outcome(r, j, rc, err.ptr);
	buf_release(&err);
	buf_release(&herr);
}

static void mark(struct run *r, struct job *j, char state)
{
	j->n.state = state;
	set_str(&j->n.last_error, j->reason);
	j->ev_type = state == NS_SKIPPED ? EV_SKIPPED : EV_FAILED;
	j->ev_reason = j->reason ? xstrdup(j->reason) : NULL;
	if (state == NS_SKIPPED)
		r->rep->skipped++;
	else
		r->rep->failed++;
}

/* deliver_batch: the outbox write transaction: each record is written right after its send. */
static int deliver_batch(struct run *r, struct job *jobs, int n, struct buf *err)
{
	struct db ob;
	struct notif cur;

	if (db_open(&ob, r->home, DB_OUTBOX, DB_WRITE, err) < 0)
		return -1;
	notif_init(&cur);
	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		if (j->act == A_NONE)
			continue;
		/* still pending? (a concurrent admin action may have changed it) */
		if (outbox_get(&ob, j->n.id, &cur) != 1 || cur.state != NS_PENDING)
			continue;
		switch (j->act) {
		case A_SEND: send_job(r, j); break;
		case A_SKIP: case A_PUTBACK: mark(r, j, NS_SKIPPED); break;
		case A_FAIL: mark(r, j, NS_FAILED); break;
		case A_NONE: break;
		}
		if (outbox_put(&ob, &j->n) < 0)
			log_error("send: notification %lld: %s", j->n.id, db_error(&ob));
	}
	notif_release(&cur);
	db_close(&ob);
	return 0;
}

/* ---- phase D: events ---- */

static void record_events(struct run *r, struct job *jobs, int n)
{
	struct db subs;
	struct buf err = BUF_INIT;
	int any = 0;

	for (int i = 0; i < n; i++)
		any |= jobs[i].ev_type != NULL;
	if (!any)
		return;
	if (db_open(&subs, r->home, DB_SUBS, DB_WRITE, &err) < 0) {
		log_error("send: events not recorded: %s", err.ptr);
		buf_release(&err);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		struct event e;
		char nid[32];
		if (!j->ev_type)
			continue;
		event_init(&e);
		snprintf(nid, sizeof(nid), "%lld", j->n.id);
		e.time_us = restock_now_us();
		e.type = xstrdup(j->ev_type);
		e.email = xstrdup(j->n.email ? j->n.email :
				  j->have_sub && j->s.email_key ? j->s.email_key : "");
		e.variant = j->n.variant ? xstrdup(j->n.variant) : NULL;
		e.platform = j->have_sub && j->s.platform ? xstrdup(j->s.platform) : NULL;
		e.channels = j->n.channels;
		e.item_title = j->item_title ? xstrdup(j->item_title) : NULL;
		e.item_price = j->item_price;
		e.has_price = j->has_price;
		e.reason = j->ev_reason ? xstrdup(j->ev_reason) : NULL;
		e.notification = xstrdup(nid);
		if (events_append(&subs, &e) < 0)
			log_warn("send: event not recorded");
		if (!strcmp(j->ev_type, EV_SENT) && day_count(&subs, r->now, "n", 1) < 0)
			log_warn("send: day counter not updated");
		event_release(&e);
	}
	db_close(&subs);
	buf_release(&err);
}

/* advance_cursor: move the outbox cursor past leading records that are no longer pending. */
static void advance_cursor(struct run *r)
{
	struct db ob;
	struct notif n;
	long long cur, end, start;

	if (db_open(&ob, r->home, DB_OUTBOX, DB_WRITE, NULL) < 0)
		return;
	notif_init(&n);
	start = cur = outbox_cursor(&ob);
	end = outbox_next_id(&ob);
	while (cur < end) {
		int rc = outbox_get(&ob, cur, &n);
		if (rc < 0 || (rc == 1 && n.state == NS_PENDING))
			break;
		cur++;
	}
	if (cur != start)
		outbox_set_cursor(&ob, cur);
	r->rep->pending = outbox_count(&ob, NS_PENDING);
	notif_release(&n);
	db_close(&ob);
}

static int run_init(struct run *r, const char *home, struct deliver_report *rep,
		    struct buf *err)
{
	memset(r, 0, sizeof(*r));
	r->home = home;
	r->rep = rep;
	r->now = restock_now();
	r->cat.db.lockfd = -1;
	r->tr = (struct mail_transport)MAIL_TRANSPORT_INIT;
	item_init(&r->item);
	if (settings_load(&r->s, home, err) < 0)
		return -1;
	r->recheck = settings_get_bool(&r->s, "recheck_before_send");
	r->min_inventory = settings_get_ll(&r->s, "min_inventory");
	r->backoff = settings_get_ll(&r->s, "send_backoff_seconds");
	r->max_attempts = (int)settings_get_ll(&r->s, "send_max_attempts");
	r->webhook_url = settings_get(&r->s, "webhook_url");
	r->mail_from = settings_get(&r->s, "mail_from");
	if (catalog_open(&r->cat, home, err) < 0)
		return -1;
	return msg_env_init(&r->env, home, &r->s, &r->cat, err);
}

static void run_release(struct run *r)
{
	transport_close(&r->tr);
	msg_env_release(&r->env);
	catalog_close(&r->cat);
	settings_release(&r->s);
	item_release(&r->item);
	tv_free(r->ctx);
	free(r->variant);
}

int deliver_due(const char *home, struct deliver_report *rep, struct buf *err)
{
	struct run r;
	struct job jobs[DELIVER_BATCH];
	int n, rc = 0;

	memset(rep, 0, sizeof(*rep));
	if (run_init(&r, home, rep, err) < 0) {
		run_release(&r);
		return -1;
	}
	for (;;) {
		for (int i = 0; i < DELIVER_BATCH; i++)
			job_init(&jobs[i]);
		n = collect(&r, jobs, err);
		if (n > 0) {
			screen(&r, jobs, n);
			prepare(&r, jobs, n);
			put_back(&r, jobs, n);
			if (deliver_batch(&r, jobs, n, err) < 0)
				rc = -1;
			else
				record_events(&r, jobs, n);
		}
		for (int i = 0; i < DELIVER_BATCH; i++)
			job_release(&jobs[i]);
		if (n <= 0 || rc < 0) {
			if (n < 0)
				rc = -1;
			break;
		}
	}
	advance_cursor(&r);
	run_release(&r);
	if (rc == 0) {
		struct db ob;
		if (restock_evaluate(home, &rep->restock, err) < 0)
			return -1;
		if (db_open(&ob, home, DB_OUTBOX, DB_READ, NULL) == 0) {
			rep->pending = outbox_count(&ob, NS_PENDING);
			db_close(&ob);
		}
	}
	return rc;
}
