/* fuzz_tmpl: libFuzzer harness for the template renderer and the escapers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "tmpl/escape.h"
#include "tmpl/tmpl.h"

/*
 * Input layout: template NUL partial-a NUL partial-b. Partials "a" and "b"
 * are those segments, "self" is the template itself; any other is missing.
 */
struct fuzz_partials {
	const char *seg[3];
	size_t len[3];
};

static int fuzz_loader(void *ctx, const char *name, struct buf *out)
{
	struct fuzz_partials *p = ctx;
	int i;

	if (!strcmp(name, "self"))
		i = 0;
	else if (!strcmp(name, "a"))
		i = 1;
	else if (!strcmp(name, "b"))
		i = 2;
	else if (!strcmp(name, "err"))
		return -2;
	else
		return -1;
	if (!p->seg[i])
		return -1;
	buf_add(out, p->seg[i], p->len[i]);
	return 0;
}

static struct tval *fuzz_ctx(void)
{
	struct tval *m = tv_map(), *items = tv_list(), *it, *tags, *a, *b, *n;

	tv_set_str(m, "name", "<Widget & 'co'>");
	tv_set_str(m, "price", "9.99");
	tv_set_int(m, "count", 3);
	tv_set_bool(m, "yes", 1);
	tv_set_bool(m, "no", 0);
	tv_set(m, "nil", tv_null());
	tv_set_str(m, "empty", "");
	it = tv_map();
	tv_set_str(it, "name", "a");
	tags = tv_list();
	tv_push(tags, tv_str("x"));
	tv_push(tags, tv_str("y"));
	tv_set(it, "tags", tags);
	tv_push(items, it);
	it = tv_map();
	tv_set_str(it, "name", "b");
	tv_set(it, "tags", tv_list());
	tv_push(items, it);
	tv_push(items, tv_str("plain"));
	tv_set(m, "items", items);
	a = tv_map();
	b = tv_map();
	tv_set_str(b, "c", "deep");
	tv_set(a, "b", b);
	tv_set(m, "a", a);
	n = tv_map();
	tv_set(n, "n", tv_map());
	tv_set_bool(tv_get(n, "n"), "n", 0);
	tv_set(m, "n", n);
	return m;
}

static void check_escapers(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	size_t i;

	esc_html(&b, s, len);
	for (i = 0; i < b.len; i++)
		if (strchr("<>\"'", b.ptr[i]) && b.ptr[i])
			abort();
	buf_reset(&b);
	esc_url_component(&b, s, len);
	buf_reset(&b);
	esc_json_string(&b, s, len);
	if (!utf8_valid(b.ptr, b.len) || memchr(b.ptr, '<', b.len))
		abort();
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.ptr[i] < 0x20)
			abort();
	buf_reset(&b);
	esc_csv_field(&b, s, len);
	buf_reset(&b);
	esc_header_value(&b, s, len);
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.ptr[i] < 0x20 || b.ptr[i] == 0x7f)
			abort();
	buf_release(&b);
	(void)utf8_valid(s, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *p;
	struct fuzz_partials parts;
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct tval *ctx = fuzz_ctx();
	int i, mode;

	if (!size)
		s = end = "";
	memset(&parts, 0, sizeof(parts));
	for (i = 0, p = s; i < 3; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		parts.seg[i] = p;
		parts.len[i] = nul ? (size_t)(nul - p) : (size_t)(end - p);
		if (!nul)
			break;
		p = nul + 1;
	}

	for (mode = 0; mode < 4; mode++) {
		struct tmpl_opts o = TMPL_OPTS_INIT;
		int rc;

		o.strict = mode & 1;
		o.escape = (mode & 2) ? TMPL_ESC_NONE : TMPL_ESC_HTML;
		o.partial = fuzz_loader;
		o.partial_ctx = &parts;
		buf_reset(&err);
		buf_reset(&out);
		buf_adds(&out, "pre");
		rc = tmpl_render(parts.seg[0], parts.len[0], ctx, &o, &out,
				 &err);
		if (rc == 0 && err.len)
			abort();
		if (rc != 0 && (rc != -1 || !err.len || out.len != 3 ||
				memchr(err.ptr, '\n', err.len)))
			abort();
	}
	buf_reset(&err);
	(void)tmpl_check(parts.seg[0], parts.len[0], &err);
	check_escapers(s, size);

	buf_release(&out);
	buf_release(&err);
	tv_free(ctx);
	return 0;
}
