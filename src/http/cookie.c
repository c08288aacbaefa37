/* cookie: Cookie request header parsing (RFC 6265). */
#include "http/cookie.h"

#include <string.h>

#include "core/limits.h"

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

int cookie_get(const char *header, const char *name, struct buf *out)
{
	size_t len, i, pairs = 0, nlen = strlen(name);
	const char *p, *end;

	buf_reset(out);
	if (!header)
		return 0;
	len = strnlen(header, MAX_COOKIE_BYTES + 1);
	if (len > MAX_COOKIE_BYTES)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)header[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return -1;
	}
	/* count the pairs first so an oversize header never half-answers */
	for (p = header, end = header + len; p < end;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *e = semi ? semi : end;
		const char *s = p;

		while (s < e && is_ows(*s))
			s++;
		if (s < e && ++pairs > MAX_COOKIES)
			return -1;
		p = semi ? semi + 1 : end;
	}
	if (!nlen)
		return 0;
	for (p = header; p < end;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *e = semi ? semi : end;
		const char *ns = p, *ne, *eq, *vs, *ve;

		p = semi ? semi + 1 : end;
		eq = memchr(ns, '=', (size_t)(e - ns));
		if (!eq)
			continue;	/* nameless cookie */
		while (ns < eq && is_ows(*ns))
			ns++;
		for (ne = eq; ne > ns && is_ows(ne[-1]); ne--)
			;
		if ((size_t)(ne - ns) != nlen || memcmp(ns, name, nlen))
			continue;
		for (vs = eq + 1; vs < e && is_ows(*vs); vs++)
			;
		for (ve = e; ve > vs && is_ows(ve[-1]); ve--)
			;
		if (ve - vs >= 2 && vs[0] == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		buf_add(out, vs, (size_t)(ve - vs));
		return 1;
	}
	return 0;
}
