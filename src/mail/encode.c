/* encode: address validation, header text cleaning and folding, RFC 2047 encoded-words, quoted-printable. */
#include "mail/encode.h"

#include <string.h>

#define EW_PREFIX_LEN	10	/* "=?UTF-8?Q?" */
#define EW_OVERHEAD	12	/* prefix plus "?=" */
#define EW_MIN_TEXT	12	/* room for one 4-byte character in Q */

static const char hexdig[] = "0123456789ABCDEF";

/* utf8_next: length of the well-formed UTF-8 character at s (n bytes
 * available) with its code point in *cp; 0 when malformed. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v, min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* is_ctl: control characters that must never reach a header. */
static int is_ctl(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
	       cp == 0x2028 || cp == 0x2029;
}

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static int is_atext(unsigned char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* utf8_nonascii_ok: a printable non-ASCII character at s, or 0. */
static size_t utf8_nonascii_ok(const char *s, size_t n)
{
	unsigned cp;
	size_t k = utf8_next((const unsigned char *)s, n, &cp);

	return k && !is_ctl(cp) ? k : 0;
}

static int local_valid(const char *s, size_t n)
{
	if (!n || n > MAIL_LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c == '.') {
			if (s[i + 1] == '.')
				return 0;
			i++;
		} else if (c < 0x80) {
			if (!is_atext(c))
				return 0;
			i++;
		} else {
			size_t k = utf8_nonascii_ok(s + i, n - i);
			if (!k)
				return 0;
			i += k;
		}
	}
	return 1;
}

static int label_valid(const char *s, size_t n)
{
	if (!n || n > MAIL_LABEL_MAX || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if (!is_alnum(c) && c != '-')
				return 0;
			i++;
		} else {
			size_t k = utf8_nonascii_ok(s + i, n - i);
			if (!k)
				return 0;
			i += k;
		}
	}
	return 1;
}

static int domain_valid(const char *s, size_t n)
{
	size_t labels = 0;

	if (!n || n > MAIL_DOMAIN_MAX)
		return 0;
	while (n) {
		const char *dot = memchr(s, '.', n);
		size_t l = dot ? (size_t)(dot - s) : n;
		if (!label_valid(s, l))
			return 0;
		labels++;
		if (!dot)
			break;
		s += l + 1;
		n -= l + 1;
		if (!n)
			return 0;	/* trailing dot */
	}
	return labels >= 2;
}

int mail_addr_valid(const char *s)
{
	const char *at;
	size_t len;

	if (!s)
		return 0;
	len = strlen(s);
	if (len < 3 || len > MAIL_ADDR_MAX)
		return 0;
	at = strchr(s, '@');
	if (!at || at == s)
		return 0;
	return local_valid(s, (size_t)(at - s)) &&
	       domain_valid(at + 1, len - (size_t)(at - s) - 1);
}

/* drop_char: remove the last whole UTF-8 character of out (not before start). */
static void drop_char(struct buf *out, size_t start)
{
	size_t l = out->len - 1;

	while (l > start && ((unsigned char)out->ptr[l] & 0xc0) == 0x80)
		l--;
	buf_setlen(out, l);
}

/* clean_cut: drop whole characters from the end of out (not before start)
 * until "..." fits in max, then append it. */
static void clean_cut(struct buf *out, size_t start, size_t max)
{
	if (max < 3)
		return;
	while (out->len > start && out->len - start + 3 > max)
		drop_char(out, start);
	while (out->len > start && out->ptr[out->len - 1] == ' ')
		buf_setlen(out, out->len - 1);
	buf_adds(out, "...");
}

void hdr_text_clean(struct buf *out, const char *s, size_t len, size_t max)
{
	size_t start = out->len;
	int space = 0;

	for (size_t i = 0; i < len;) {
		const unsigned char *p = (const unsigned char *)s + i;
		unsigned cp;
		size_t k = utf8_next(p, len - i, &cp);
		size_t plen = k;

		if (!k) {
			p = (const unsigned char *)"\xef\xbf\xbd";
			plen = 3;
			k = 1;
			cp = 0xfffd;
		}
		i += k;
		if (cp == ' ' || is_ctl(cp)) {
			space = out->len > start;
			continue;
		}
		if (out->len - start + space + plen > max) {
			clean_cut(out, start, max);
			return;
		}
		if (space)
			buf_addch(out, ' ');
		space = 0;
		buf_add(out, p, plen);
	}
}

/* plain_fits: s can go out unencoded: printable ASCII, no "=?" that a
 * reader would take for an encoded-word, and every word fits a line. */
static int plain_fits(const char *s, size_t len, size_t col)
{
	size_t w = 0, avail = col < MAIL_LINE_MAX ? MAIL_LINE_MAX - col : 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == ' ') {
			if (w > avail)
				return 0;
			avail = MAIL_LINE_MAX - 1;
			w = 0;
			continue;
		}
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
		if (s[i] == '=' && i + 1 < len && s[i + 1] == '?')
			return 0;
		w++;
	}
	return 1;
}

/* fold_plain: write s folding before a space when a line would overflow. */
static void fold_plain(struct buf *out, const char *s, size_t len, size_t *col)
{
	size_t i = 0;
	int first = 1;

	while (i <= len) {
		const char *sp = memchr(s + i, ' ', len - i);
		size_t w = sp ? (size_t)(sp - (s + i)) : len - i;
		if (!first) {
			if (*col + 1 + w > MAIL_LINE_MAX && *col > 1) {
				buf_adds(out, "\r\n");
				*col = 0;
			}
			buf_addch(out, ' ');
			(*col)++;
		}
		buf_add(out, s + i, w);
		*col += w;
		first = 0;
		i += w + 1;
	}
}

static int q_safe(unsigned char c)
{
	return is_alnum(c) || c == '!' || c == '*' || c == '+' || c == '-' ||
	       c == '/';
}

static size_t q_cost(unsigned char c)
{
	return q_safe(c) || c == ' ' ? 1 : 3;
}

static void q_add(struct buf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == ' ') {
			buf_addch(out, '_');
		} else if (q_safe(p[i])) {
			buf_addch(out, p[i]);
		} else {
			buf_addch(out, '=');
			buf_addch(out, hexdig[p[i] >> 4]);
			buf_addch(out, hexdig[p[i] & 15]);
		}
	}
}

/* ew_take: how many bytes of whole characters at s encode within budget
 * (at least one character). */
static size_t ew_take(const unsigned char *s, size_t len, int b64, size_t budget)
{
	size_t n = 0, total = 0;

	while (n < len) {
		unsigned cp;
		size_t k = utf8_next(s + n, len - n, &cp), c = 0;
		if (!k)
			k = 1;
		if (b64) {
			c = 4 * ((n + k + 2) / 3);
		} else {
			for (size_t j = 0; j < k; j++)
				c += q_cost(s[n + j]);
			c += total;
		}
		if (c > budget && n)
			break;
		total = c;
		n += k;
	}
	return n;
}

/* use_b64: B is shorter when more than a sixth of the bytes need Q escapes. */
static int use_b64(const char *s, size_t len)
{
	size_t esc = 0;

	for (size_t i = 0; i < len; i++)
		esc += q_cost((unsigned char)s[i]) > 1;
	return esc * 6 > len;
}

void hdr_encode_words(struct buf *out, const char *s, size_t len, size_t *col)
{
	const unsigned char *u = (const unsigned char *)s;
	int b64 = use_b64(s, len);
	size_t i = 0;

	while (i < len) {
		size_t room = *col < MAIL_LINE_MAX ? MAIL_LINE_MAX - *col : 0;
		size_t n, before;

		if (i) {
			buf_adds(out, "\r\n ");
			*col = 1;
			room = MAIL_LINE_MAX - 1;
		} else if (room < EW_OVERHEAD + EW_MIN_TEXT) {
			buf_adds(out, "\r\n ");
			*col = 1;
			room = MAIL_LINE_MAX - 1;
		}
		if (room > MAIL_EW_MAX)
			room = MAIL_EW_MAX;
		n = ew_take(u + i, len - i, b64, room - EW_OVERHEAD);
		before = out->len;
		buf_adds(out, b64 ? "=?UTF-8?B?" : "=?UTF-8?Q?");
		if (b64)
			b64_encode(out, u + i, n);
		else
			q_add(out, u + i, n);
		buf_adds(out, "?=");
		*col += out->len - before;
		i += n;
	}
}

void hdr_fold_text(struct buf *out, const char *s, size_t len, size_t *col)
{
	if (plain_fits(s, len, *col))
		fold_plain(out, s, len, col);
	else
		hdr_encode_words(out, s, len, col);
}

/* qp_literal: the byte at s[i] of a line of n bytes may go out as itself
 * at output column col. */
static int qp_literal(const unsigned char *s, size_t n, size_t i, size_t col)
{
	unsigned char c = s[i];

	if (c == ' ' || c == '\t')
		return i + 1 < n;
	if (c < 33 || c > 126 || c == '=')
		return 0;
	if (col == 0 && (c == '.' ||
			 (c == 'F' && n - i >= 5 && !memcmp(s + i, "From ", 5))))
		return 0;
	return 1;
}

/* qp_line: encode one input line (no line break in it) and end it in CRLF. */
static void qp_line(struct buf *out, const unsigned char *s, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		int lit = qp_literal(s, n, i, col);
		if (col + (lit ? 1 : 3) > MAIL_QP_LINE_MAX - 1) {
			buf_adds(out, "=\r\n");
			col = 0;
			lit = qp_literal(s, n, i, col);
		}
		if (lit) {
			buf_addch(out, s[i]);
			col++;
		} else {
			buf_addch(out, '=');
			buf_addch(out, hexdig[s[i] >> 4]);
			buf_addch(out, hexdig[s[i] & 15]);
			col += 3;
		}
	}
	buf_adds(out, "\r\n");
}

void qp_encode(struct buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t j = i;
		while (j < len && u[j] != '\r' && u[j] != '\n')
			j++;
		qp_line(out, u + i, j - i);
		if (j < len && u[j] == '\r' && j + 1 < len && u[j + 1] == '\n')
			j++;
		i = j + 1;
	}
}

void b64_encode(struct buf *out, const void *data, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		size_t left = n - i;
		if (left > 1)
			v |= (unsigned)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		buf_addch(out, tab[(v >> 18) & 63]);
		buf_addch(out, tab[(v >> 12) & 63]);
		buf_addch(out, left > 1 ? tab[(v >> 6) & 63] : '=');
		buf_addch(out, left > 2 ? tab[v & 63] : '=');
	}
}
