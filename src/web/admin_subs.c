/* admin_subs: /admin/subs — a variant's queue in FIFO order, delete one, CSV export, the suppression list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bis/export.h"
#include "core/limits.h"
#include "core/log.h"
#include "store/catalog.h"
#include "store/db.h"
#include "store/events.h"
#include "store/subs.h"
#include "tmpl/escape.h"
#include "web/admin.h"

#define SUPPRESS_LIST_MAX 500	/* admin-added suppressions listed */

static void channels(struct buf *out, unsigned ch)
{
	static const struct { unsigned bit; const char *name; } n[] = {
		{ CH_EMAIL, "email" }, { CH_SMS, "SMS" }, { CH_PUSH, "push" },
		{ CH_WHATSAPP, "WhatsApp" },
	};
	for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		if (ch & n[i].bit)
			buf_addf(out, "%s%s", out->len ? ", " : "", n[i].name);
	if (!out->len)
		buf_adds(out, "email");
}

static void subs_link(struct buf *u, struct admin *a, const char *variant)
{
	admin_url(u, a, "/subs?variant=");
	esc_url_component(u, variant, strlen(variant));
}

/* ---- the queue of one variant ---- */

static void show_variant(struct admin *a, struct tval *c, const char *variant)
{
	struct db db;
	struct variant_head h;
	struct catalog cat;
	struct item it;
	struct sub s;
	struct tval *rows = tv_list();
	struct buf t = BUF_INIT, u = BUF_INIT;
	long long from = strtoll(admin_q(a, "from"), NULL, 10);
	long long n = strtoll(admin_q(a, "n"), NULL, 10);
	long long q, probes = 0, last = -1;
	int open;

	memset(&h, 0, sizeof(h));
	item_init(&it);
	sub_init(&s);
	if (n < 1 || n > 1000000000000LL)
		n = 1;
	tv_set_str(c, "variant", variant);
	struct catalog *catp = req_catalog(a->r);
	if (!catp && catalog_open(&cat, a->r->home, NULL) == 0)
		catp = &cat;
	if (catp) {
		int got = catalog_get(catp, variant, &it);
		tv_set_bool(c, "in_catalog", got == 1);
		tv_set_str(c, "item_title", got == 1 && it.title ? it.title : "");
		buf_reset(&t);
		if (got == 1 && it.has_quantity)
			admin_num(&t, it.quantity);
		else
			buf_adds(&t, "—");
		tv_set_str(c, "item_quantity", t.ptr);
		tv_set_bool(c, "item_in_stock", got == 1 &&
			    item_in_stock(&it, settings_get_ll(a->st, "min_inventory")));
		if (catp == &cat)
			catalog_close(&cat);
	} else {
		tv_set_bool(c, "in_catalog", 0);
		tv_set_str(c, "item_title", "");
		tv_set_str(c, "item_quantity", "—");
		tv_set_bool(c, "item_in_stock", 0);
	}
	open = db_open(&db, a->r->home, DB_SUBS, DB_READ, NULL) == 0;
	if (open && variant_head_get(&db, variant, &h) == 1 && h.waiting > 0) {
		if (from < h.head)
			from = h.head, n = 1;
		for (q = from; q < h.next && probes < ADMIN_QUEUE_PROBE_MAX &&
		     rows->nitems < ADMIN_PAGE_SIZE; q++, probes++) {
			struct tval *e;
			if (subs_get(&db, variant, q, &s) != 1)
				continue;
			e = tv_map();
			tv_set_int(e, "n", n + (long long)rows->nitems);
			tv_set_int(e, "seq", q);
			tv_set_str(e, "email", s.email);
			tv_set_str(e, "phone", s.phone ? s.phone : "");
			tv_set_str(e, "platform", s.platform ? s.platform : "");
			buf_reset(&t);
			channels(&t, s.channels);
			tv_set_str(e, "channels", t.ptr);
			buf_reset(&t);
			admin_time(&t, s.created_us / 1000000);
			tv_set_str(e, "time", t.ptr);
			tv_push(rows, e);
			last = q;
		}
		if (q < h.next && last >= 0) {
			subs_link(&u, a, variant);
			buf_addf(&u, "&from=%lld&n=%lld", last + 1, n + (long long)rows->nitems);
		} else if (q < h.next) {
			subs_link(&u, a, variant);
			buf_addf(&u, "&from=%lld&n=%lld", q, n);
		}
	}
	if (open)
		db_close(&db);
	admin_set_num(c, "waiting", h.waiting);
	tv_set_bool(c, "have_rows", rows->nitems > 0);
	tv_set(c, "rows", rows);
	tv_set_str(c, "next_href", u.ptr);
	tv_set_bool(c, "not_first", from > h.head && h.waiting > 0);
	buf_reset(&u);
	subs_link(&u, a, variant);
	tv_set_str(c, "first_href", u.ptr);
	buf_reset(&u);
	admin_url(&u, a, "/subs/export?variant=");
	esc_url_component(&u, variant, strlen(variant));
	tv_set_str(c, "export_href", u.ptr);
	buf_reset(&t);
	if (h.wait_until > a->now)
		admin_time(&t, h.wait_until);
	tv_set_str(c, "wait_until", t.ptr);
	item_release(&it);
	sub_release(&s);
	buf_release(&t);
	buf_release(&u);
}

static void show_suppressed(struct admin *a, struct tval *c)
{
	struct buf list = BUF_INIT, t = BUF_INIT, v = BUF_INIT, k = BUF_INIT;
	struct tval *rows = tv_list();
	long total = admin_kv_list(a->r->home, "x:", SUPPRESS_LIST_MAX, &list);
	const char *check = admin_q(a, "check");

	for (const char *p = list.ptr; *p;) {
		const char *nl = strchr(p, '\n');
		const char *tab = memchr(p, '\t', (size_t)(nl - p));
		struct tval *e = tv_map();
		tv_set_strn(e, "email", p, (size_t)((tab ? tab : nl) - p));
		buf_reset(&t);
		if (tab)
			admin_time(&t, strtoll(tab + 1, NULL, 10));
		tv_set_str(e, "since", t.ptr);
		tv_push(rows, e);
		p = nl + 1;
	}
	tv_set_bool(c, "have_suppressed", rows->nitems > 0);
	tv_set(c, "suppressed", rows);
	tv_set_bool(c, "suppressed_more", total > SUPPRESS_LIST_MAX);
	tv_set_str(c, "check", check);
	tv_set_bool(c, "checked", *check != 0);
	tv_set_bool(c, "check_suppressed", 0);
	if (*check) {
		struct db db;
		char *ek = email_key(check);
		if (db_open(&db, a->r->home, DB_SUBS, DB_READ, NULL) == 0) {
			buf_reset(&k);
			buf_addf(&k, "x:%s", ek);
			long long since = db_get_ll(&db, k.ptr, -1);
			tv_set_bool(c, "check_suppressed", since >= 0);
			buf_reset(&t);
			admin_time(&t, since);
			tv_set_str(c, "check_since", t.ptr);
			db_close(&db);
		}
		free(ek);
	}
	if (!tv_get(c, "check_since"))
		tv_set_str(c, "check_since", "");
	buf_release(&list);
	buf_release(&t);
	buf_release(&v);
	buf_release(&k);
}

/* ---- actions ---- */

static void delete_one(struct admin *a)
{
	const char *variant = admin_p(a, "variant");
	long long seq = strtoll(admin_p(a, "seq"), NULL, 10);
	struct buf back = BUF_INIT, err = BUF_INIT;
	struct variant_head h;
	struct db db;
	struct sub s;
	int rc = -1, empty = 0;

	sub_init(&s);
	buf_adds(&back, "/subs?variant=");
	esc_url_component(&back, variant, strlen(variant));
	if (!*variant || strlen(variant) > MAX_VARIANT_BYTES) {
		admin_done(a, "/subs", 1, "No such subscription.");
		goto out;
	}
	if (db_open(&db, a->r->home, DB_SUBS, DB_WRITE, &err) == 0) {
		rc = subs_get(&db, variant, seq, &s);
		if (rc == 1)
			rc = subs_remove(&db, variant, seq);
		if (rc == 1) {
			struct event e;
			event_init(&e);
			e.time_us = a->now * 1000000;
			e.type = EV_DELETED;
			e.email = s.email;
			e.variant = s.variant;
			e.channels = s.channels;
			e.reason = "deleted on the admin page";
			events_append(&db, &e);
			empty = variant_head_get(&db, variant, &h) >= 0 && h.waiting == 0;
		}
		db_close(&db);
	}
	if (rc == 1 && empty && waiting_remove(a->r->home, variant, &err) < 0)
		log_error("admin: waiting index: %s", err.ptr);
	if (rc == 1)
		admin_done(a, back.ptr, 0, "Deleted the subscription of %s.", s.email);
	else if (rc == 0)
		admin_done(a, back.ptr, 1, "That subscription was already gone.");
	else
		admin_done(a, back.ptr, 1, "The subscription could not be deleted.");
out:
	sub_release(&s);
	buf_release(&back);
	buf_release(&err);
}

static int email_ok(const char *e)
{
	const char *at = strchr(e, '@');
	size_t n = strlen(e);
	if (!n || n > MAX_EMAIL_BYTES || !at || at == e || strchr(at + 1, '@') ||
	    !strchr(at + 1, '.'))
		return 0;
	for (; *e; e++)
		if ((unsigned char)*e <= 0x20 || *e == 0x7f)
			return 0;
	return 1;
}

static void suppress(struct admin *a, int add)
{
	struct buf email = BUF_INIT, variants = BUF_INIT, k = BUF_INIT,
		   emptied = BUF_INIT, err = BUF_INIT;
	struct db db;
	char *ek;
	long long dropped = 0;
	int rc = -1;

	buf_adds(&email, admin_p(a, "email"));
	buf_trim(&email);
	if (!email_ok(email.ptr)) {
		admin_done(a, "/subs#suppression", 1, "That is not an email address.");
		goto out0;
	}
	ek = email_key(email.ptr);
	if (db_open(&db, a->r->home, DB_SUBS, DB_WRITE, &err) == 0) {
		if (!add) {
			rc = subs_unsuppress(&db, ek);
		} else if ((rc = subs_suppress(&db, ek, a->now)) == 0 &&
			   (rc = subs_of_email(&db, ek, &variants)) == 0) {
			/* like an unsubscribe: drop the address's waiting subscriptions */
			for (char *p = variants.ptr; *p && rc == 0;) {
				char *nl = strchr(p, '\n');
				long long seq;
				struct variant_head h;
				if (nl)
					*nl = '\0';
				if (subs_find(&db, ek, p, &seq) == 1 &&
				    subs_remove(&db, p, seq) == 1) {
					dropped++;
					if (variant_head_get(&db, p, &h) >= 0 && h.waiting == 0) {
						buf_adds(&emptied, p);
						buf_addch(&emptied, '\n');
					}
				}
				p = nl ? nl + 1 : p + strlen(p);
			}
		}
		db_close(&db);
	}
	for (char *p = emptied.ptr; *p;) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		waiting_remove(a->r->home, p, NULL);
		p = nl + 1;
	}
	buf_addf(&k, "x:%s", ek);
	if (rc == 0) {
		char t[32];
		snprintf(t, sizeof(t), "%lld", a->now);
		rc = add ? admin_kv_put(a->r->home, k.ptr, t, strlen(t)) :
			   admin_kv_del(a->r->home, k.ptr);
	}
	free(ek);
	if (rc < 0)
		admin_done(a, "/subs#suppression", 1, "The suppression list could not be changed.");
	else if (add)
		admin_done(a, "/subs#suppression", 0, "%s is suppressed; %lld waiting subscription%s dropped.",
			   email.ptr, dropped, dropped == 1 ? "" : "s");
	else
		admin_done(a, "/subs#suppression", 0, "%s can subscribe again.", email.ptr);
out0:
	buf_release(&email);
	buf_release(&variants);
	buf_release(&k);
	buf_release(&emptied);
	buf_release(&err);
}

/* ---- CSV ---- */

static void disposition(struct buf *cd, const char *variant)
{
	buf_adds(cd, "attachment; filename=\"subscriptions");
	if (*variant) {
		buf_addch(cd, '-');
		for (const char *p = variant; *p && cd->len < 120; p++)
			buf_addch(cd, (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ? *p : '_');
	}
	buf_adds(cd, ".csv\"");
}

#ifdef REQ_HAS_STREAM
/* Streamed: the headers go out with the first chunk, so memory stays flat for any size. */
struct sink {
	struct admin *a;
	const char *variant;
	int started;
};

static void start(struct sink *s)
{
	struct buf cd = BUF_INIT;
	s->a->r->status = 200;
	req_add_header(s->a->r, "Content-Type", "text/csv; charset=utf-8");
	disposition(&cd, s->variant);
	req_add_header(s->a->r, "Content-Disposition", cd.ptr);
	req_stream_begin(s->a->r);
	s->started = 1;
	buf_release(&cd);
}

static int to_client(void *ctx, const char *data, size_t len)
{
	struct sink *s = ctx;
	if (!s->started)
		start(s);
	return req_write(s->a->r, data, len);
}

static void export_csv(struct admin *a)
{
	const char *variant = admin_q(a, "variant");
	struct sink s = { a, variant, 0 };
	struct buf err = BUF_INIT;

	buf_reset(&a->r->out);
	if (export_subscriptions(a->r->home, *variant ? variant : NULL, to_client, &s, &err) < 0) {
		log_error("admin: export: %s", err.ptr);
		if (!s.started)
			admin_error_page(a, 500, "The export failed.");
	} else if (!s.started) {
		start(&s);
	}
	buf_release(&err);
}
#else
/* Buffered (until req.h offers streaming): capped at ADMIN_EXPORT_MAX_BYTES. */
struct sink {
	struct buf *out;
	int too_big;
};

static int to_buf(void *ctx, const char *data, size_t len)
{
	struct sink *s = ctx;
	if (s->out->len + len > ADMIN_EXPORT_MAX_BYTES) {
		s->too_big = 1;
		return -1;
	}
	buf_add(s->out, data, len);
	return 0;
}

static void export_csv(struct admin *a)
{
	const char *variant = admin_q(a, "variant");
	struct sink s = { &a->r->out, 0 };
	struct buf err = BUF_INIT, cd = BUF_INIT;

	buf_reset(&a->r->out);
	if (export_subscriptions(a->r->home, *variant ? variant : NULL, to_buf, &s, &err) < 0) {
		log_error("admin: export: %s", err.ptr);
		admin_error_page(a, s.too_big ? 413 : 500, s.too_big ?
				 "The export is too large for the browser; use restockctl export subscriptions." :
				 "The export failed.");
		goto out;
	}
	a->r->status = 200;
	req_add_header(a->r, "Content-Type", "text/csv; charset=utf-8");
	disposition(&cd, variant);
	req_add_header(a->r, "Content-Disposition", cd.ptr);
out:
	buf_release(&err);
	buf_release(&cd);
}
#endif

void admin_subs(struct admin *a)
{
	const char *variant;
	struct tval *c;
	struct buf u = BUF_INIT;

	if (a->post) {
		if (!strcmp(a->sub, "/subs/delete"))
			delete_one(a);
		else if (!strcmp(a->sub, "/subs/suppress"))
			suppress(a, 1);
		else if (!strcmp(a->sub, "/subs/unsuppress"))
			suppress(a, 0);
		else
			admin_error_page(a, 404, "There is no such admin page.");
		return;
	}
	if (!strcmp(a->sub, "/subs/export")) {
		export_csv(a);
		return;
	}
	if (strcmp(a->sub, "/subs")) {
		admin_error_page(a, 404, "There is no such admin page.");
		return;
	}
	variant = admin_q(a, "variant");
	c = admin_ctx(a, "Subscriptions", "subs");
	tv_set_bool(c, "have_variant", *variant != 0);
	if (*variant)
		show_variant(a, c, variant);
	admin_url(&u, a, "/subs/export");
	tv_set_str(c, "export_all_href", u.ptr);
	buf_reset(&u);
	admin_url(&u, a, "/catalog?waiters=1");
	tv_set_str(c, "waiters_href", u.ptr);
	show_suppressed(a, c);
	buf_release(&u);
	admin_render(a, 200, "subs", c);
}
