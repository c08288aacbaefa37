/* escape: context escapers for HTML, URL components, JSON, CSV and headers. */
#include "tmpl/escape.h"
#include "http/validate.h"

#include <string.h>

static const char hexdig[] = "0123456789ABCDEF";

/*
 * Decode one UTF-8 sequence at s (len > 0). Returns its length and sets *cp,
 * or 0 when the bytes at s do not start a well-formed sequence.
 */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

void esc_html(struct buf *b, const char *s, size_t len)
{
	size_t i, run = 0;

	buf_grow(b, len);
	for (i = 0; i < len; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_add(b, s + run, i - run);
		buf_adds(b, rep);
		run = i + 1;
	}
	buf_add(b, s + run, len - run);
}

static int url_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		c == '~';
}

void esc_url_component(struct buf *b, const char *s, size_t len)
{
	size_t i;

	buf_grow(b, len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (url_unreserved(c)) {
			buf_addch(b, c);
		} else {
			char enc[3] = { '%', hexdig[c >> 4], hexdig[c & 15] };
			buf_add(b, enc, 3);
		}
	}
}

static void json_u(struct buf *b, unsigned cp)
{
	char enc[6] = { '\\', 'u', hexdig[(cp >> 12) & 15],
		hexdig[(cp >> 8) & 15], hexdig[(cp >> 4) & 15], hexdig[cp & 15] };
	buf_add(b, enc, 6);
}

void esc_json_string(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	unsigned cp;

	buf_grow(b, len + 2);
	buf_addch(b, '"');
	while (i < len) {
		unsigned char c = p[i];

		if (c >= 0x80) {
			n = utf8_decode(p + i, len - i, &cp);
			if (!n) {
				json_u(b, 0xfffd);
				i++;
			} else {
				if (cp == 0x2028 || cp == 0x2029)
					json_u(b, cp);
				else
					buf_add(b, p + i, n);
				i += n;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"': buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\b': buf_add(b, "\\b", 2); break;
		case '\f': buf_add(b, "\\f", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		case '<': case '>': case '&': case '\'': case 0x7f:
			json_u(b, c);
			break;
		default:
			if (c < 0x20)
				json_u(b, c);
			else
				buf_addch(b, c);
		}
	}
	buf_addch(b, '"');
}

void esc_csv_field(struct buf *b, const char *s, size_t len)
{
	int quote = 0, prefix = 0;
	size_t i;

	if (len && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
			s[0] == '\t' || s[0] == '\r'))
		prefix = 1;
	for (i = 0; i < len; i++) {
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') {
			quote = 1;
			break;
		}
	}
	buf_grow(b, len + 3);
	if (quote)
		buf_addch(b, '"');
	if (prefix)
		buf_addch(b, '\'');
	if (!quote) {
		buf_add(b, s, len);
		return;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			buf_addch(b, '"');
		buf_addch(b, s[i]);
	}
	buf_addch(b, '"');
}

void esc_header_value(struct buf *b, const char *s, size_t len)
{
	size_t i;

	buf_grow(b, len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\t')
			buf_addch(b, ' ');
		else if (c >= 0x20 && c != 0x7f)
			buf_addch(b, c);
	}
}
