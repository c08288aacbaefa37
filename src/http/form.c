/* form: field list and application/x-www-form-urlencoded decoding. */
#include "http/form.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "http/validate.h"

void form_init(struct form *f)
{
	f->fields = NULL;
	f->nr = 0;
	f->alloc = 0;
}

void form_truncate(struct form *f, size_t keep)
{
	while (f->nr > keep) {
		f->nr--;
		free(f->fields[f->nr].name);
		free(f->fields[f->nr].value);
	}
}

void form_release(struct form *f)
{
	form_truncate(f, 0);
	free(f->fields);
	form_init(f);
}

static const struct form_field *form_findn(const struct form *f,
					   const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < f->nr; i++)
		if (f->fields[i].name_len == len &&
		    !memcmp(f->fields[i].name, name, len))
			return &f->fields[i];
	return NULL;
}

int form_add(struct form *f, const char *name, size_t name_len,
	     const char *value, size_t value_len)
{
	struct form_field *fl;

	if (!name_len || name_len > MAX_FORM_NAME_BYTES ||
	    value_len > MAX_FORM_FIELD_BYTES)
		return 400;
	if (memchr(name, '\0', name_len) || !utf8_valid(name, name_len))
		return 400;
	if (value_len && (memchr(value, '\0', value_len) ||
			  !utf8_valid(value, value_len)))
		return 400;
	if (f->nr >= MAX_FORM_FIELDS || form_findn(f, name, name_len))
		return 400;
	if (f->nr == f->alloc) {
		f->alloc = f->alloc ? 2 * f->alloc : 8;
		f->fields = xrealloc(f->fields, f->alloc * sizeof(*f->fields));
	}
	fl = &f->fields[f->nr++];
	fl->name = xstrndup(name, name_len);
	fl->name_len = name_len;
	fl->value = xstrndup(value_len ? value : "", value_len);
	fl->value_len = value_len;
	return 0;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode s[0..len) into out (reset first). Returns 0, or 400 on a bad
 * %-escape or when the decoded form would exceed max bytes.
 */
static int pct_decode(const char *s, size_t len, struct buf *out, size_t max)
{
	size_t i;
	int hi, lo;

	buf_reset(out);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (out->len >= max)
			return 400;
		if (c == '+') {
			buf_addch(out, ' ');
		} else if (c == '%') {
			if (len - i < 3)
				return 400;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return 400;
			buf_addch(out, hi << 4 | lo);
			i += 2;
		} else {
			buf_addch(out, c);
		}
	}
	return 0;
}

int form_parse_urlencoded(struct form *f, const char *body, size_t len)
{
	struct buf name = BUF_INIT, value = BUF_INIT;
	size_t keep = f->nr, pos = 0;
	int ret = 0;

	if (len > MAX_BODY_BYTES)
		return 413;
	while (pos < len) {
		const char *seg = body + pos, *amp, *eq;
		size_t seglen, nlen;

		amp = memchr(seg, '&', len - pos);
		seglen = amp ? (size_t)(amp - seg) : len - pos;
		pos += seglen + 1;
		if (!seglen)
			continue;
		eq = memchr(seg, '=', seglen);
		nlen = eq ? (size_t)(eq - seg) : seglen;
		ret = pct_decode(seg, nlen, &name, MAX_FORM_NAME_BYTES);
		if (ret)
			break;
		if (eq)
			ret = pct_decode(eq + 1, seglen - nlen - 1, &value,
					 MAX_FORM_FIELD_BYTES);
		else
			buf_reset(&value);
		if (ret)
			break;
		ret = form_add(f, name.ptr, name.len, value.ptr, value.len);
		if (ret)
			break;
	}
	buf_release(&name);
	buf_release(&value);
	if (ret)
		form_truncate(f, keep);
	return ret;
}

int form_parse_query(struct form *f, const char *qs)
{
	size_t len;

	if (!qs)
		return 0;
	len = strnlen(qs, MAX_QUERY_BYTES + 1);
	if (len > MAX_QUERY_BYTES)
		return 414;
	return form_parse_urlencoded(f, qs, len);
}

const struct form_field *form_find(const struct form *f, const char *name)
{
	return form_findn(f, name, strlen(name));
}

const char *form_get(const struct form *f, const char *name)
{
	const struct form_field *fl = form_find(f, name);
	return fl ? fl->value : NULL;
}

size_t form_get_len(const struct form *f, const char *name)
{
	const struct form_field *fl = form_find(f, name);
	return fl ? fl->value_len : 0;
}
