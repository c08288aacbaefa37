/* sync_report: collect, save (yajl_gen JSON in settings) and print catalog sync reports. */
#include "bis/sync_report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "core/limits.h"
#include "feed/validate.h"
#include "store/settings.h"

#define REPORT_MAX_STRING 1024	/* longest string kept in a report row */

void sync_report_init(struct sync_report *r)
{
	memset(r, 0, sizeof(*r));
}

void sync_report_release(struct sync_report *r)
{
	for (size_t i = 0; i < r->nsources; i++)
		free(r->sources[i]);
	free(r->sources);
	for (size_t i = 0; i < r->nrows; i++) {
		free(r->rows[i].source);
		free(r->rows[i].id);
		free(r->rows[i].field);
		free(r->rows[i].reason);
	}
	free(r->rows);
	for (size_t i = 0; i < r->nwarning_rows; i++)
		free(r->warning_rows[i]);
	free(r->warning_rows);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

/* clean: a printable, valid UTF-8 copy of s cut at REPORT_MAX_STRING bytes. */
static char *clean(const char *s)
{
	size_t n = strlen(s);
	char *c;
	int utf8;
	if (n > REPORT_MAX_STRING) {
		n = REPORT_MAX_STRING;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	c = xstrndup(s, n);
	utf8 = utf8_valid(c, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)c[i];
		if (ch < 0x20 || ch == 0x7f || (!utf8 && ch >= 0x80))
			c[i] = '?';
	}
	return c;
}

void sync_report_add_source(struct sync_report *r, const char *source)
{
	r->sources = xrealloc(r->sources, (r->nsources + 1) * sizeof(char *));
	r->sources[r->nsources++] = clean(source);
}

void sync_report_reject(struct sync_report *r, const char *source,
			long long item, const char *id, const char *field,
			const char *reason)
{
	struct sync_reject *row;
	r->rejected++;
	if (r->nrows >= FEED_MAX_REPORT_ROWS)
		return;
	r->rows = xrealloc(r->rows, (r->nrows + 1) * sizeof(*r->rows));
	row = &r->rows[r->nrows++];
	row->source = clean(source ? source : "");
	row->item = item;
	row->id = id ? clean(id) : NULL;
	row->field = clean(field ? field : "");
	row->reason = clean(reason ? reason : "");
}

void sync_report_warn(struct sync_report *r, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	r->warnings++;
	if (r->nwarning_rows >= FEED_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	r->warning_rows = xrealloc(r->warning_rows,
				   (r->nwarning_rows + 1) * sizeof(char *));
	r->warning_rows[r->nwarning_rows++] = clean(b.ptr);
	buf_release(&b);
}

void sync_report_fail(struct sync_report *r, const char *msg)
{
	free(r->error);
	r->error = clean(msg && *msg ? msg : "sync failed");
	r->ok = 0;
}

/* ---- JSON ---- */

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_kv_ll(yajl_gen g, const char *k, long long v)
{
	gen_str(g, k);
	yajl_gen_integer(g, v);
}

void sync_report_json(const struct sync_report *r, struct buf *out)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *p;
	size_t n;

	yajl_gen_map_open(g);
	gen_kv_ll(g, "version", 1);
	gen_str(g, "ok");
	yajl_gen_bool(g, r->ok);
	gen_kv_ll(g, "started", r->started);
	gen_kv_ll(g, "finished", r->finished);
	gen_str(g, "seconds");
	yajl_gen_double(g, r->seconds);
	gen_str(g, "sources");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->nsources; i++)
		gen_str(g, r->sources[i]);
	yajl_gen_array_close(g);
	gen_kv_ll(g, "bytes", r->bytes);
	gen_kv_ll(g, "accepted", r->accepted);
	gen_kv_ll(g, "items", r->items);
	gen_kv_ll(g, "rejected", r->rejected);
	gen_kv_ll(g, "duplicates", r->duplicates);
	gen_kv_ll(g, "warnings", r->warnings);
	gen_str(g, "error");
	if (r->error)
		gen_str(g, r->error);
	else
		yajl_gen_null(g);
	gen_str(g, "rejections");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct sync_reject *row = &r->rows[i];
		yajl_gen_map_open(g);
		gen_str(g, "source");
		gen_str(g, row->source);
		gen_kv_ll(g, "item", row->item);
		gen_str(g, "id");
		if (row->id)
			gen_str(g, row->id);
		else
			yajl_gen_null(g);
		gen_str(g, "field");
		gen_str(g, row->field);
		gen_str(g, "reason");
		gen_str(g, row->reason);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	gen_str(g, "warning_list");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->nwarning_rows; i++)
		gen_str(g, r->warning_rows[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &p, &n);
	buf_reset(out);
	buf_add(out, p, n);
	yajl_gen_free(g);
}

static yajl_val get(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	return yajl_tree_get(obj, path, yajl_t_any);
}

static long long get_ll(yajl_val obj, const char *key)
{
	yajl_val v = get(obj, key);
	return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

static const char *get_str(yajl_val obj, const char *key)
{
	yajl_val v = get(obj, key);
	return v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

int sync_report_parse(struct sync_report *r, const char *json, struct buf *err)
{
	char ebuf[256] = "";
	yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	yajl_val v;

	sync_report_release(r);
	if (!root || !YAJL_IS_OBJECT(root)) {
		buf_addf(err, "the saved sync report is not valid JSON: %s", ebuf);
		yajl_tree_free(root);
		return -1;
	}
	v = get(root, "ok");
	r->ok = v && YAJL_IS_TRUE(v);
	r->started = get_ll(root, "started");
	r->finished = get_ll(root, "finished");
	v = get(root, "seconds");
	r->seconds = v && YAJL_IS_NUMBER(v) ? YAJL_GET_DOUBLE(v) : 0;
	r->bytes = get_ll(root, "bytes");
	r->accepted = get_ll(root, "accepted");
	r->items = get_ll(root, "items");
	r->rejected = get_ll(root, "rejected");
	r->duplicates = get_ll(root, "duplicates");
	r->warnings = get_ll(root, "warnings");
	if (get_str(root, "error"))
		r->error = xstrdup(get_str(root, "error"));
	v = get(root, "sources");
	for (size_t i = 0; v && YAJL_IS_ARRAY(v) && i < v->u.array.len; i++)
		if (YAJL_IS_STRING(v->u.array.values[i]))
			sync_report_add_source(r, YAJL_GET_STRING(v->u.array.values[i]));
	v = get(root, "rejections");
	for (size_t i = 0; v && YAJL_IS_ARRAY(v) && i < v->u.array.len &&
	     r->nrows < FEED_MAX_REPORT_ROWS; i++) {
		yajl_val row = v->u.array.values[i];
		long long rejected = r->rejected;
		if (!YAJL_IS_OBJECT(row))
			continue;
		sync_report_reject(r, get_str(row, "source"), get_ll(row, "item"),
				   get_str(row, "id"), get_str(row, "field"),
				   get_str(row, "reason"));
		r->rejected = rejected;
	}
	v = get(root, "warning_list");
	for (size_t i = 0; v && YAJL_IS_ARRAY(v) && i < v->u.array.len &&
	     r->nwarning_rows < FEED_MAX_WARNINGS; i++) {
		long long warnings = r->warnings;
		if (YAJL_IS_STRING(v->u.array.values[i]))
			sync_report_warn(r, "%s", YAJL_GET_STRING(v->u.array.values[i]));
		r->warnings = warnings;
	}
	yajl_tree_free(root);
	return 0;
}

int sync_report_save(const char *home, const struct sync_report *r,
		     struct buf *err)
{
	struct buf json = BUF_INIT;
	int rc;
	sync_report_json(r, &json);
	rc = settings_put_raw(home, SYNC_REPORT_KEY, json.ptr, err);
	buf_release(&json);
	return rc;
}

int sync_report_load(const char *home, struct sync_report *r, struct buf *err)
{
	struct settings s;
	const char *json;
	int rc = 0;
	if (settings_load(&s, home, err) < 0)
		return -1;
	json = settings_get(&s, SYNC_REPORT_KEY);
	if (*json)
		rc = sync_report_parse(r, json, err) < 0 ? -1 : 1;
	settings_release(&s);
	return rc;
}

/* ---- text ---- */

void sync_report_summary(const struct sync_report *r, struct buf *out)
{
	buf_addf(out, "sync: %lld items accepted, %lld rejected, %lld warnings "
		 "(%.1f MB in %.1f s)", r->accepted, r->rejected, r->warnings,
		 (double)r->bytes / (1024.0 * 1024.0), r->seconds);
}

void sync_report_text(const struct sync_report *r, struct buf *out)
{
	sync_report_summary(r, out);
	buf_addch(out, '\n');
	if (r->error)
		buf_addf(out, "failed: %s\n", r->error);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct sync_reject *row = &r->rows[i];
		buf_addf(out, "rejected: %s item %lld", row->source, row->item);
		if (row->id)
			buf_addf(out, " (id %s)", row->id);
		buf_addf(out, ": %s%s%s\n", row->field, *row->field ? ": " : "",
			 row->reason);
	}
	if (r->rejected > (long long)r->nrows)
		buf_addf(out, "rejected: ... and %lld more\n",
			 r->rejected - (long long)r->nrows);
	for (size_t i = 0; i < r->nwarning_rows; i++)
		buf_addf(out, "warning: %s\n", r->warning_rows[i]);
	if (r->warnings > (long long)r->nwarning_rows)
		buf_addf(out, "warning: ... and %lld more\n",
			 r->warnings - (long long)r->nwarning_rows);
}
