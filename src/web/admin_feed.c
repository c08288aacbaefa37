/* admin_feed: /admin/feed — sources and format, the field-mapping table, "Sync now", the last sync report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bis/feed.h"
#include "bis/restock.h"
#include "bis/sync_report.h"
#include "core/limits.h"
#include "core/log.h"
#include "feed/map.h"
#include "store/catalog.h"
#include "web/admin.h"

#define MAP_EXTRA_ROWS	3	/* empty mapping rows offered for new rules */
#define MAP_MAX_ROWS	FEED_MAX_FIELDS

static const char *const names[] = {
	"feed_sources", "feed_format", "feed_item_element", "feed_preset",
	"feed_max_bytes", NULL,
};
static const char *const labels[] = {
	"Sources", "Format", "Item element (XML)", "Field mapping preset",
	"Largest feed (bytes)", NULL,
};

static const char *const klaviyo_fields[] = {
	"$id", "$title", "$link", "$description", "$price", "$image_link",
	"$categories", "$inventory_quantity", "$inventory_policy", NULL,
};
static const struct { char c; const char *name; } types[] = {
	{ 0, "" }, { 'S', "String" }, { 'N', "Number" }, { 'B', "Boolean" },
	{ 'D', "Date" }, { 'L', "List" },
};

static void explain(struct admin *a, const char *name, struct buf *o)
{
	if (!strcmp(name, "feed_max_bytes")) {
		long long b = settings_get_ll(a->st, "feed_max_bytes");
		buf_adds(o, "Now: ");
		admin_num(o, b);
		buf_addf(o, " bytes (%.1f MB) per source; a larger feed fails the sync and keeps the current catalog.",
			 (double)b / (1024.0 * 1024.0));
	} else if (!strcmp(name, "feed_sources")) {
		const char *s = settings_get(a->st, "feed_sources");
		int n = 0;
		for (const char *p = s; *p; p++)
			if (*p != '\n' && (p == s || p[-1] == '\n'))
				n++;
		if (n)
			buf_addf(o, "Now: %d source%s, merged into one catalog.", n, n == 1 ? "" : "s");
		else
			buf_adds(o, "Now: no source; restockctl sync and “Sync now” need at least one.");
	}
}

static struct tval *type_options(char cur)
{
	struct tval *l = tv_list();
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct tval *o = tv_map();
		tv_set_str(o, "value", types[i].name);
		tv_set_str(o, "label", types[i].c ? types[i].name : "(the field's own)");
		tv_set_bool(o, "selected", types[i].c == cur);
		tv_push(l, o);
	}
	return l;
}

static void push_row(struct tval *rows, size_t i, const char *from,
		     const char *to, char type)
{
	struct tval *e = tv_map();
	tv_set_int(e, "i", (long long)i);
	tv_set_str(e, "from", from);
	tv_set_str(e, "to", to);
	tv_set(e, "types", type_options(type));
	tv_push(rows, e);
}

static void add_mapping(struct admin *a, struct tval *c)
{
	struct feed_mapping m;
	struct buf err = BUF_INIT, fields = BUF_INIT;
	struct tval *rows = tv_list(), *seen = tv_list(), *kf = tv_list();
	struct catalog cat;
	size_t n = 0;

	if (feed_mapping_init(&m, settings_get(a->st, "feed_preset"),
			      settings_get(a->st, "feed_mapping"), &err) == 0) {
		for (size_t i = 0; i < m.nrules; i++)
			push_row(rows, n++, m.rules[i].from, m.rules[i].to, m.rules[i].type);
		feed_mapping_release(&m);
	} else {
		tv_set_str(c, "mapping_error", err.ptr);
	}
	if (!tv_get(c, "mapping_error"))
		tv_set_str(c, "mapping_error", "");
	for (size_t i = 0; i < MAP_EXTRA_ROWS; i++)
		push_row(rows, n++, "", "", 0);
	tv_set(c, "rows", rows);
	tv_set_int(c, "nrows", (long long)n);
	if (catalog_open(&cat, a->r->home, NULL) == 0) {
		catalog_fields(&cat, &fields);
		catalog_close(&cat);
	}
	for (const char *p = fields.ptr; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len)
			tv_push(seen, tv_strn(p, len));
		p += len + (nl ? 1 : 0);
	}
	tv_set_bool(c, "have_seen", seen->nitems > 0);
	tv_set(c, "seen_fields", seen);
	for (size_t i = 0; klaviyo_fields[i]; i++)
		tv_push(kf, tv_str(klaviyo_fields[i]));
	tv_set(c, "klaviyo_fields", kf);
	buf_release(&err);
	buf_release(&fields);
}

static void add_report(struct admin *a, struct tval *c)
{
	struct sync_report rep;
	struct buf err = BUF_INIT, t = BUF_INIT;
	struct tval *rows = tv_list(), *warns = tv_list(), *srcs = tv_list();
	int rc;

	sync_report_init(&rep);
	rc = sync_report_load(a->r->home, &rep, &err);
	tv_set_bool(c, "have_report", rc == 1);
	if (rc == 1) {
		admin_time(&t, rep.finished);
		tv_set_str(c, "report_time", t.ptr);
		buf_reset(&t);
		sync_report_summary(&rep, &t);
		tv_set_str(c, "report_summary", t.ptr);
		tv_set_bool(c, "report_ok", rep.ok);
		tv_set_str(c, "report_error", rep.error ? rep.error : "");
		admin_set_num(c, "report_rejected", rep.rejected);
		tv_set_bool(c, "report_more", rep.rejected > (long long)rep.nrows);
		admin_set_num(c, "report_shown", (long long)rep.nrows);
		for (size_t i = 0; i < rep.nsources; i++)
			tv_push(srcs, tv_str(rep.sources[i]));
		for (size_t i = 0; i < rep.nrows; i++) {
			struct tval *e = tv_map();
			tv_set_str(e, "source", rep.rows[i].source ? rep.rows[i].source : "");
			tv_set_int(e, "item", rep.rows[i].item);
			tv_set_str(e, "id", rep.rows[i].id ? rep.rows[i].id : "");
			tv_set_str(e, "field", rep.rows[i].field ? rep.rows[i].field : "");
			tv_set_str(e, "reason", rep.rows[i].reason ? rep.rows[i].reason : "");
			tv_push(rows, e);
		}
		for (size_t i = 0; i < rep.nwarning_rows; i++)
			tv_push(warns, tv_str(rep.warning_rows[i]));
	} else {
		if (rc < 0)
			log_error("admin: sync report: %s", err.ptr);
		tv_set_str(c, "report_time", "");
		tv_set_str(c, "report_summary", "");
		tv_set_bool(c, "report_ok", 0);
		tv_set_str(c, "report_error", "");
		tv_set_str(c, "report_rejected", "0");
		tv_set_bool(c, "report_more", 0);
		tv_set_str(c, "report_shown", "0");
	}
	tv_set_bool(c, "have_rejects", rows->nitems > 0);
	tv_set_bool(c, "have_warnings", warns->nitems > 0);
	tv_set(c, "report_sources", srcs);
	tv_set(c, "rejects", rows);
	tv_set(c, "warnings", warns);
	sync_report_release(&rep);
	buf_release(&err);
	buf_release(&t);
}

/* save_mapping: rebuild feed_mapping from the table rows. */
static void save_mapping(struct admin *a)
{
	struct buf text = BUF_INIT, err = BUF_INIT, norm = BUF_INIT, k = BUF_INIT;
	struct feed_mapping m;
	long long nrows = strtoll(admin_p(a, "rows"), NULL, 10);

	if (nrows < 0 || nrows > MAP_MAX_ROWS)
		nrows = 0;
	for (long long i = 0; i < nrows; i++) {
		const char *from, *to, *type;
		buf_reset(&k);
		buf_addf(&k, "from_%lld", i);
		from = admin_p(a, k.ptr);
		buf_reset(&k);
		buf_addf(&k, "to_%lld", i);
		to = admin_p(a, k.ptr);
		buf_reset(&k);
		buf_addf(&k, "type_%lld", i);
		type = admin_p(a, k.ptr);
		if (!*from)
			continue;
		if (strchr(from, '=') || strchr(from, '\n') || strchr(to, '\n')) {
			admin_done(a, "/feed", 1, "Nothing was saved: a feed field name cannot contain '=' or a line break.");
			goto out;
		}
		buf_addf(&text, "%s=%s", from, to);
		if (*type)
			buf_addf(&text, ":%s", type);
		buf_addch(&text, '\n');
	}
	if (feed_mapping_init(&m, settings_get(a->st, "feed_preset"), text.ptr, &err) < 0) {
		admin_done(a, "/feed", 1, "Nothing was saved: %s", err.ptr);
		goto out;
	}
	feed_mapping_release(&m);
	if (settings_validate(setting_find("feed_mapping"), text.ptr, &norm, &err) < 0 ||
	    settings_set(a->r->home, "feed_mapping", norm.ptr, &err) < 0) {
		admin_done(a, "/feed", 1, "Nothing was saved: %s", err.ptr);
		goto out;
	}
	admin_done(a, "/feed", 0, "Field mapping saved. It applies from the next sync.");
out:
	buf_release(&text);
	buf_release(&err);
	buf_release(&norm);
	buf_release(&k);
}

static void sync_now(struct admin *a)
{
	struct sync_report rep;
	struct restock_report rr;
	struct buf err = BUF_INIT, sum = BUF_INIT;

	sync_report_init(&rep);
	if (bis_sync(a->r->home, NULL, 0, &rep, NULL, &err) < 0) {
		admin_done(a, "/feed#report", 1, "Sync failed: %s. The catalog was not changed.", err.ptr);
		goto out;
	}
	sync_report_summary(&rep, &sum);
	buf_reset(&err);
	if (restock_evaluate(a->r->home, &rr, &err) < 0)
		admin_done(a, "/feed#report", 1, "%s; the restock evaluation failed: %s", sum.ptr, err.ptr);
	else
		admin_done(a, "/feed#report", 0, "%s; %lld subscriber%s released for notification.",
			   sum.ptr, rr.released, rr.released == 1 ? "" : "s");
out:
	sync_report_release(&rep);
	buf_release(&err);
	buf_release(&sum);
}

void admin_feed(struct admin *a)
{
	struct tval *c;

	if (a->post) {
		if (!strcmp(a->sub, "/feed/sync")) {
			sync_now(a);
		} else if (!strcmp(a->sub, "/feed/mapping")) {
			save_mapping(a);
		} else if (!strcmp(a->sub, "/feed")) {
			struct buf msg = BUF_INIT;
			int n = admin_settings_save(a, names, &msg);
			if (n < 0)
				admin_done(a, "/feed", 1, "Nothing was saved: %s", msg.ptr);
			else
				admin_done(a, "/feed", 0, n ? "Feed settings saved." : "No setting changed.");
			buf_release(&msg);
		} else {
			admin_error_page(a, 404, "There is no such admin page.");
		}
		return;
	}
	c = admin_ctx(a, "Catalog feed", "feed");
	tv_set(c, "fields", admin_setting_fields(a, names, labels, explain));
	add_mapping(a, c);
	add_report(a, c);
	admin_render(a, 200, "feed", c);
}
