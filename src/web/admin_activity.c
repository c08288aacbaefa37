/* admin_activity: /admin/activity — events newest first, the outbox by state, retry a failed notification, email preview. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bis/message.h"
#include "core/log.h"
#include "store/db.h"
#include "store/events.h"
#include "store/outbox.h"
#include "tmpl/escape.h"
#include "web/admin.h"

#define PREVIEW_MAX_ID 512	/* longest item id accepted for a preview */

static void act_url(struct buf *u, struct admin *a, const char *state,
		    long long ev, long long ob)
{
	char sep = '?';
	admin_url(u, a, "/activity");
	if (*state) {
		buf_addf(u, "%cstate=", sep);
		esc_url_component(u, state, strlen(state));
		sep = '&';
	}
	if (ev >= 0) {
		buf_addf(u, "%cev=%lld", sep, ev);
		sep = '&';
	}
	if (ob >= 0)
		buf_addf(u, "%cob=%lld", sep, ob);
}

static void add_events(struct admin *a, struct tval *c, struct db *subs,
		       const char *state, long long ob_arg)
{
	struct tval *rows = tv_list();
	struct buf t = BUF_INIT, u = BUF_INIT;
	struct event e;
	long long total = subs ? events_count(subs) : 0;
	const char *evq = admin_q(a, "ev");
	long long start = *evq ? strtoll(evq, NULL, 10) : total - 1, n;

	if (start > total - 1 || start < 0)
		start = total - 1;
	event_init(&e);
	for (n = start; n >= 0 && n > start - ADMIN_PAGE_SIZE; n--) {
		struct tval *r;
		if (events_get(subs, n, &e) != 1)
			continue;
		r = tv_map();
		tv_set_int(r, "n", n + 1);
		buf_reset(&t);
		admin_time(&t, e.time_us / 1000000);
		tv_set_str(r, "time", t.ptr);
		tv_set_str(r, "type", e.type ? e.type : "");
		tv_set_str(r, "email", e.email ? e.email : "");
		tv_set_str(r, "variant", e.variant ? e.variant : "");
		tv_set_str(r, "title", e.item_title ? e.item_title : "");
		tv_set_str(r, "reason", e.reason ? e.reason : "");
		tv_push(rows, r);
	}
	event_release(&e);
	admin_set_num(c, "events_total", total);
	tv_set_bool(c, "have_events", rows->nitems > 0);
	tv_set(c, "events", rows);
	if (n >= 0)
		act_url(&u, a, state, n, ob_arg);
	tv_set_str(c, "events_older", u.ptr);
	buf_reset(&u);
	if (start < total - 1)
		act_url(&u, a, state, -1, ob_arg);
	tv_set_str(c, "events_newest", u.ptr);
	buf_release(&t);
	buf_release(&u);
}

static void add_outbox(struct admin *a, struct tval *c, const char *state,
		       long long ev_arg)
{
	struct tval *rows = tv_list();
	struct buf t = BUF_INIT, u = BUF_INIT, msg = BUF_INIT;
	struct notif no;
	struct db db;
	int want = *state ? notif_state_parse(state) : 0;
	const char *obq = admin_q(a, "ob");
	long long total = 0, start, id, examined = 0;
	int open = db_open(&db, a->r->home, DB_OUTBOX, DB_READ, NULL) == 0;

	notif_init(&no);
	if (open)
		total = outbox_next_id(&db);
	start = *obq ? strtoll(obq, NULL, 10) : total - 1;
	if (start > total - 1 || start < 0)
		start = total - 1;
	for (id = start; open && id >= 0 && examined < ADMIN_SCAN_MAX &&
	     rows->nitems < ADMIN_PAGE_SIZE; id--, examined++) {
		struct tval *r;
		if (outbox_get(&db, id, &no) != 1 || (want > 0 && no.state != want))
			continue;
		r = tv_map();
		tv_set_int(r, "id", no.id);
		tv_set_str(r, "state", notif_state_name(no.state));
		tv_set_bool(r, "failed", no.state == NS_FAILED);
		tv_set_str(r, "kind", no.kind == NK_CONFIRM ? "confirmation" :
			   no.kind == NK_TEST ? "test" : "back in stock");
		tv_set_str(r, "email", no.email ? no.email : "");
		tv_set_str(r, "variant", no.variant ? no.variant : "");
		tv_set_int(r, "attempts", no.attempts);
		buf_reset(&t);
		admin_time(&t, no.updated);
		tv_set_str(r, "updated", t.ptr);
		tv_set_str(r, "reason", no.last_error ? no.last_error : "");
		tv_push(rows, r);
	}
	notif_release(&no);
	if (open)
		db_close(&db);
	buf_adds(&msg, "Looked at notifications ");
	admin_num(&msg, examined ? start - examined + 2 : 0);
	buf_adds(&msg, "–");
	admin_num(&msg, start + 1);
	buf_adds(&msg, " of ");
	admin_num(&msg, total);
	buf_adds(&msg, ", newest first.");
	tv_set_str(c, "outbox_summary", msg.ptr);
	tv_set_bool(c, "have_outbox", rows->nitems > 0);
	tv_set(c, "outbox", rows);
	if (id >= 0 && open)
		act_url(&u, a, state, ev_arg, id);
	tv_set_str(c, "outbox_older", u.ptr);
	buf_reset(&u);
	if (start < total - 1)
		act_url(&u, a, state, ev_arg, -1);
	tv_set_str(c, "outbox_newest", u.ptr);
	buf_release(&t);
	buf_release(&u);
	buf_release(&msg);
}

static void retry(struct admin *a)
{
	long long id = strtoll(admin_p(a, "id"), NULL, 10);
	struct notif no;
	struct db db;
	struct buf err = BUF_INIT;
	int rc = -1;

	notif_init(&no);
	if (db_open(&db, a->r->home, DB_OUTBOX, DB_WRITE, &err) == 0) {
		rc = outbox_get(&db, id, &no);
		if (rc == 1 && no.state != NS_FAILED) {
			rc = 2;
		} else if (rc == 1) {
			no.state = NS_PENDING;
			no.next_at = a->now;	/* attempts are kept */
			rc = outbox_put(&db, &no) == 0 ? 1 : -1;
			if (rc == 1 && outbox_cursor(&db) > id &&
			    outbox_set_cursor(&db, id) < 0)
				rc = -1;
		}
		db_close(&db);
	}
	if (rc == 1)
		admin_done(a, "/activity?state=pending", 0, "Notification %lld is pending again; the next send delivers it.", id);
	else if (rc == 2)
		admin_done(a, "/activity", 1, "Notification %lld has not failed; only failed ones can be retried.", id);
	else if (rc == 0)
		admin_done(a, "/activity", 1, "There is no notification %lld.", id);
	else
		admin_done(a, "/activity", 1, "The outbox could not be changed.");
	notif_release(&no);
	buf_release(&err);
}

static void preview(struct admin *a)
{
	const char *item = admin_q(a, "item");
	struct buf eml = BUF_INIT, err = BUF_INIT;
	struct tval *c = admin_ctx(a, "Email preview", "activity");
	int status = 200;

	tv_set_str(c, "item", item);
	if (!*item || strlen(item) > PREVIEW_MAX_ID) {
		buf_adds(&err, "Give an item id.");
		status = 400;
	} else if (message_preview(a->r->home, item, &eml, &err) < 0) {
		status = strstr(err.ptr, "unknown item") ? 404 : 500;
	}
	tv_set_str(c, "eml", eml.ptr);
	tv_set_str(c, "preview_error", status == 200 ? "" : err.ptr);
	admin_render(a, status, "preview", c);
	buf_release(&eml);
	buf_release(&err);
}

void admin_activity(struct admin *a)
{
	static const char *const states[] = { "", "pending", "sent", "failed", "skipped", NULL };
	const char *state = admin_q(a, "state");
	struct tval *c, *opts;
	struct db subs;
	int open;
	long long ev_arg = *admin_q(a, "ev") ? strtoll(admin_q(a, "ev"), NULL, 10) : -1;
	long long ob_arg = *admin_q(a, "ob") ? strtoll(admin_q(a, "ob"), NULL, 10) : -1;

	if (a->post) {
		if (!strcmp(a->sub, "/activity/retry"))
			retry(a);
		else
			admin_error_page(a, 404, "There is no such admin page.");
		return;
	}
	if (!strcmp(a->sub, "/activity/preview")) {
		preview(a);
		return;
	}
	if (strcmp(a->sub, "/activity")) {
		admin_error_page(a, 404, "There is no such admin page.");
		return;
	}
	if (notif_state_parse(state) < 0)
		state = "";
	c = admin_ctx(a, "Activity", "activity");
	opts = tv_list();
	for (int i = 0; states[i]; i++) {
		struct tval *o = tv_map();
		tv_set_str(o, "value", states[i]);
		tv_set_str(o, "label", *states[i] ? states[i] : "any");
		tv_set_bool(o, "selected", !strcmp(state, states[i]));
		tv_push(opts, o);
	}
	tv_set(c, "state_options", opts);
	open = db_open(&subs, a->r->home, DB_SUBS, DB_READ, NULL) == 0;
	add_events(a, c, open ? &subs : NULL, state, ob_arg);
	if (open)
		db_close(&subs);
	add_outbox(a, c, state, ev_arg);
	admin_render(a, 200, "activity", c);
}
