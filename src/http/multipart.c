/* multipart: RFC 7578 multipart/form-data decoding and Content-Type dispatch. */
#include "http/multipart.h"

#include <string.h>

#include "core/buf.h"
#include "core/limits.h"

#define MAX_BOUNDARY_BYTES 70	/* RFC 2046 section 5.1.1 */

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 tchar */
static int is_tchar(char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 2046 bchars */
static int is_bchar(char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c && strchr("'()+_,-./:=? ", c) != NULL;
}

/* 1 if s[0..n) equals the lowercase ASCII lit, ignoring case. */
static int span_ieq(const char *s, size_t n, const char *lit)
{
	size_t i;

	if (strlen(lit) != n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lit[i])
			return 0;
	}
	return 1;
}

/*
 * Split a Content-Type at ct into its media type (trimmed) and the rest,
 * which starts at the first ';' or the end.
 */
static void media_type(const char *ct, const char **type, size_t *tlen,
		       const char **rest)
{
	const char *p = ct, *e, *t;

	while (is_ows(*p))
		p++;
	e = p;
	while (*e && *e != ';')
		e++;
	t = e;
	while (t > p && is_ows(t[-1]))
		t--;
	*type = p;
	*tlen = (size_t)(t - p);
	*rest = e;
}

/*
 * Read the next parameter (';' OWS token '=' (token | quoted-string)) at
 * *pp, before end. Returns 1 with name and value set and *pp advanced,
 * 0 at the end (a trailing ';' is allowed), -1 on a syntax error.
 */
static int next_param(const char **pp, const char *end, struct buf *name,
		      struct buf *value)
{
	const char *p = *pp, *s;

	while (p < end && is_ows(*p))
		p++;
	if (p == end) {
		*pp = p;
		return 0;
	}
	if (*p++ != ';')
		return -1;
	while (p < end && is_ows(*p))
		p++;
	if (p == end) {
		*pp = p;
		return 0;
	}
	for (s = p; p < end && is_tchar(*p); p++)
		;
	if (p == s)
		return -1;
	buf_reset(name);
	buf_add(name, s, (size_t)(p - s));
	while (p < end && is_ows(*p))
		p++;
	if (p == end || *p++ != '=')
		return -1;
	while (p < end && is_ows(*p))
		p++;
	buf_reset(value);
	if (p < end && *p == '"') {
		for (p++;; p++) {
			if (p == end)
				return -1;
			if (*p == '"')
				break;
			if (*p == '\\' && ++p == end)
				return -1;
			buf_addch(value, *p);
		}
		p++;
	} else {
		for (s = p; p < end && is_tchar(*p); p++)
			;
		if (p == s)
			return -1;
		buf_add(value, s, (size_t)(p - s));
	}
	*pp = p;
	return 1;
}

/* Extract the boundary of a multipart/form-data Content-Type. 0, 400 or 415. */
static int get_boundary(const char *ct, struct buf *bnd)
{
	struct buf name = BUF_INIT, value = BUF_INIT;
	const char *type, *p, *end;
	size_t tlen, i;
	int r, seen = 0, ret = 400;

	media_type(ct, &type, &tlen, &p);
	if (!span_ieq(type, tlen, "multipart/form-data"))
		return 415;
	end = p + strlen(p);
	while ((r = next_param(&p, end, &name, &value)) == 1) {
		if (!span_ieq(name.ptr, name.len, "boundary"))
			continue;
		if (seen++)
			goto out;
		buf_reset(bnd);
		buf_add(bnd, value.ptr, value.len);
	}
	if (r < 0 || !seen)
		goto out;
	if (!bnd->len || bnd->len > MAX_BOUNDARY_BYTES ||
	    bnd->ptr[bnd->len - 1] == ' ')
		goto out;
	for (i = 0; i < bnd->len; i++)
		if (!is_bchar(bnd->ptr[i]))
			goto out;
	ret = 0;
out:
	buf_release(&name);
	buf_release(&value);
	return ret;
}

/* Parse a Content-Disposition value [s, end) into the field name. 0 or 400. */
static int parse_disposition(const char *s, const char *end, struct buf *fname)
{
	struct buf pname = BUF_INIT, pvalue = BUF_INIT;
	const char *p = s;
	int r, seen = 0, ret = 400;

	while (p < end && is_tchar(*p))
		p++;
	if (!span_ieq(s, (size_t)(p - s), "form-data"))
		return 400;
	while ((r = next_param(&p, end, &pname, &pvalue)) == 1) {
		if (!span_ieq(pname.ptr, pname.len, "name"))
			continue;	/* filename, filename* ... */
		if (seen++)
			goto out;
		buf_reset(fname);
		buf_add(fname, pvalue.ptr, pvalue.len);
	}
	if (r == 0 && seen)
		ret = 0;
out:
	buf_release(&pname);
	buf_release(&pvalue);
	return ret;
}

/*
 * Parse the header block of one part starting at p. On success returns 0,
 * sets name and *value to the first byte after the blank line. Else 400.
 */
static int parse_part_headers(const char *p, const char *end,
			      struct buf *name, const char **value)
{
	size_t avail = (size_t)(end - p);
	const char *lim = p + (avail < MAX_MULTIPART_HEADER_BYTES ?
			       avail : MAX_MULTIPART_HEADER_BYTES);
	int have_cd = 0;

	buf_reset(name);
	for (;;) {
		const char *eol, *colon, *vs, *ve, *c;

		eol = memmem(p, (size_t)(lim - p), "\r\n", 2);
		if (!eol)
			return 400;
		if (eol == p) {
			p += 2;
			break;
		}
		if (is_ows(*p))
			return 400;	/* obsolete line folding */
		for (c = p; c < eol; c++)
			if (((unsigned char)*c < 0x20 && *c != '\t') ||
			    *c == 0x7f)
				return 400;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon || colon == p)
			return 400;
		for (c = p; c < colon; c++)
			if (!is_tchar(*c))
				return 400;
		for (vs = colon + 1; vs < eol && is_ows(*vs); vs++)
			;
		for (ve = eol; ve > vs && is_ows(ve[-1]); ve--)
			;
		if (span_ieq(p, (size_t)(colon - p), "content-disposition")) {
			if (have_cd++ || parse_disposition(vs, ve, name))
				return 400;
		} else if (span_ieq(p, (size_t)(colon - p),
				    "content-transfer-encoding")) {
			size_t n = (size_t)(ve - vs);
			if (!span_ieq(vs, n, "7bit") &&
			    !span_ieq(vs, n, "8bit") &&
			    !span_ieq(vs, n, "binary"))
				return 400;
		}
		p = eol + 2;
	}
	if (!have_cd || !name->len)
		return 400;
	*value = p;
	return 0;
}

int form_parse_multipart(struct form *f, const char *content_type,
			 const char *body, size_t len)
{
	struct buf bnd = BUF_INIT, delim = BUF_INIT, name = BUF_INIT;
	const char *end, *p, *q, *v;
	size_t keep = f->nr, parts = 0;
	int ret;

	if (!content_type)
		return 415;
	if (len > MAX_BODY_BYTES)
		return 413;
	if (!body)
		body = "";
	end = body + len;
	ret = get_boundary(content_type, &bnd);
	if (ret)
		goto out;
	ret = 400;
	/* delim is CRLF "--" boundary; a delimiter opening the body lacks the CRLF */
	buf_adds(&delim, "\r\n--");
	buf_add(&delim, bnd.ptr, bnd.len);
	if (len >= delim.len - 2 && !memcmp(body, delim.ptr + 2, delim.len - 2)) {
		p = body + delim.len - 2;
	} else {
		q = memmem(body, len, delim.ptr, delim.len);
		if (!q)
			goto out;
		p = q + delim.len;
	}
	for (;;) {
		/* p is just past a delimiter */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
			ret = 0;	/* close delimiter; the epilogue is ignored */
			break;
		}
		while (p < end && is_ows(*p))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			goto out;
		p += 2;
		if (++parts > MAX_MULTIPART_PARTS)
			goto out;
		if (parse_part_headers(p, end, &name, &v))
			goto out;
		q = memmem(v, (size_t)(end - v), delim.ptr, delim.len);
		if (!q)
			goto out;
		/* the boundary must not appear inside a part (RFC 2046) */
		if (memmem(v, (size_t)(q - v), delim.ptr + 2, delim.len - 2))
			goto out;
		if (form_add(f, name.ptr, name.len, v, (size_t)(q - v)))
			goto out;
		p = q + delim.len;
	}
out:
	buf_release(&bnd);
	buf_release(&delim);
	buf_release(&name);
	if (ret)
		form_truncate(f, keep);
	return ret;
}

int form_parse_body(struct form *f, const char *content_type,
		    const char *body, size_t len)
{
	const char *type, *rest;
	size_t tlen;

	if (!content_type)
		return 415;
	media_type(content_type, &type, &tlen, &rest);
	if (span_ieq(type, tlen, "application/x-www-form-urlencoded"))
		return form_parse_urlencoded(f, body, len);
	if (span_ieq(type, tlen, "multipart/form-data"))
		return form_parse_multipart(f, content_type, body, len);
	return 415;
}
