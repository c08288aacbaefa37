/* test_mail: unit tests for src/mail/ (addresses, encodings, MIME builder, file and sendmail transports). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "mail/encode.h"
#include "mail/mime.h"
#include "mail/transport.h"

/* ---- helpers ---- */

static char *rep(const char *unit, size_t n)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		buf_adds(&b, unit);
	return buf_detach(&b, NULL);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* qp_decode: RFC 2045 decoding; CRLF hard breaks become "\n". */
static void qp_decode(struct buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '=' && i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else if (s[i] == '=') {
			assert_true(i + 2 < len);
			assert_true(hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0);
			buf_addch(out, hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
			buf_addch(out, '\n');
			i++;
		} else {
			buf_addch(out, s[i]);
		}
	}
}

static void b64_decode(struct buf *out, const char *s, size_t len)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned v = 0;
	int bits = 0;

	for (size_t i = 0; i < len && s[i] != '='; i++) {
		const char *p = strchr(tab, s[i]);
		assert_non_null(p);
		v = (v << 6) | (unsigned)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(out, (v >> bits) & 0xff);
		}
	}
}

/* ew_decode_one: decode one encoded-word; returns 1, or 0 if not one. The
 * decoded bytes of each word must be valid UTF-8 on their own. */
static int ew_decode_one(struct buf *out, const char *w, size_t n)
{
	struct buf tmp = BUF_INIT;

	if (n < 12 || strncasecmp(w, "=?UTF-8?", 8) || w[9] != '?' ||
	    strncmp(w + n - 2, "?=", 2))
		return 0;
	assert_true(n <= MAIL_EW_MAX);
	if (w[8] == 'B') {
		b64_decode(&tmp, w + 10, n - 12);
	} else {
		assert_int_equal(w[8], 'Q');
		for (size_t i = 10; i < n - 2; i++) {
			if (w[i] == '_') {
				buf_addch(&tmp, ' ');
			} else if (w[i] == '=') {
				buf_addch(&tmp, hexval(w[i + 1]) * 16 + hexval(w[i + 2]));
				i += 2;
			} else {
				assert_true(w[i] > 0x20 && w[i] < 0x7f && w[i] != '?');
				buf_addch(&tmp, w[i]);
			}
		}
	}
	/* never a split character */
	{
		const unsigned char *u = (const unsigned char *)tmp.ptr;
		size_t i = 0;
		while (i < tmp.len) {
			size_t k = u[i] < 0x80 ? 1 : u[i] < 0xe0 ? 2 : u[i] < 0xf0 ? 3 : 4;
			assert_true(i + k <= tmp.len);
			for (size_t j = 1; j < k; j++)
				assert_int_equal(u[i + j] & 0xc0, 0x80);
			i += k;
		}
	}
	buf_add(out, tmp.ptr, tmp.len);
	buf_release(&tmp);
	return 1;
}

/* header_get: the unfolded value of header name in msg (malloc'd), or NULL. */
static char *header_get(const char *msg, const char *name)
{
	size_t nl = strlen(name);
	const char *end = strstr(msg, "\r\n\r\n");
	struct buf v = BUF_INIT;

	for (const char *p = msg; p && p < end; p = strstr(p, "\r\n"), p = p ? p + 2 : p) {
		if (strncasecmp(p, name, nl) || p[nl] != ':')
			continue;
		p += nl + 1;
		while (*p == ' ')
			p++;
		for (;;) {
			const char *e = strstr(p, "\r\n");
			buf_add(&v, p, (size_t)(e - p));
			if (e[2] != ' ' && e[2] != '\t')
				break;
			p = e + 2;	/* unfold: drop only the CRLF */
		}
		return buf_detach(&v, NULL);
	}
	return NULL;
}

/* header_decode: unfolded header text with encoded-words decoded. */
static char *header_decode(const char *v)
{
	struct buf out = BUF_INIT;
	size_t n = strlen(v);

	if (!strstr(v, "=?"))
		return xstrdup(v);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j] != ' ')
			j++;
		assert_true(ew_decode_one(&out, v + i, j - i));
		i = j + 1;
	}
	return buf_detach(&out, NULL);
}

/* check_lines: CRLF only, and no line longer than max. */
static void check_lines(const char *s, size_t len, size_t max)
{
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r') {
			assert_true(i + 1 < len && s[i + 1] == '\n');
			i++;
			col = 0;
			continue;
		}
		assert_true(s[i] != '\n');
		assert_true(s[i] != '\0');
		col++;
		if (col > max)
			print_error("line too long at %zu: %.80s\n", i, s + i - col + 1);
		assert_true(col <= max);
	}
}

static void base_msg(struct mail_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->from_name = "Acme Shop";
	m->from_addr = "store@shop.example";
	m->to_addr = "jane@example.com";
	m->subject = "Blue Mug is back in stock";
	m->text_body = "Hello Jane,\nthe Blue Mug is back.\n";
	m->html_body = "<p>Hello Jane,</p>\n<p>the <b>Blue Mug</b> is back.</p>\n";
	m->list_unsubscribe_url = "https://shop.example/unsubscribe?t=abc.def";
	m->date = 1732639560;	/* Tue, 26 Nov 2024 16:46:00 +0000 */
}

static char *build_ok(const struct mail_msg *m)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	int r = mime_build(m, &out, &err);

	if (r)
		print_error("mime_build: %s\n", err.ptr);
	assert_int_equal(r, 0);
	assert_int_equal(err.len, 0);
	buf_release(&err);
	return buf_detach(&out, NULL);
}

static void build_fails(const struct mail_msg *m)
{
	struct buf out = BUF_INIT, err = BUF_INIT;

	buf_adds(&out, "keep");
	assert_int_equal(mime_build(m, &out, &err), -1);
	assert_string_equal(out.ptr, "keep");
	assert_true(err.len > 0);
	buf_release(&out);
	buf_release(&err);
}

/* header_block_has_line: a header line (not a continuation) starts with p. */
static int header_block_has_line(const char *msg, const char *p)
{
	const char *end = strstr(msg, "\r\n\r\n");
	size_t n = strlen(p);

	if (!strncasecmp(msg, p, n))
		return 1;
	for (const char *s = strstr(msg, "\r\n"); s && s < end; s = strstr(s + 2, "\r\n"))
		if (!strncasecmp(s + 2, p, n))
			return 1;
	return 0;
}

/* ---- addresses ---- */

static void test_addr_valid(void **state)
{
	(void)state;
	assert_true(mail_addr_valid("jane@example.com"));
	assert_true(mail_addr_valid("j.o+tag_x-y@sub.example.co.uk"));
	assert_true(mail_addr_valid("o'brien@example.ie"));
	assert_true(mail_addr_valid("j\xc3\xbcrgen@b\xc3\xbc" "cher.de"));
	assert_false(mail_addr_valid(NULL));
	assert_false(mail_addr_valid(""));
	assert_false(mail_addr_valid("jane"));
	assert_false(mail_addr_valid("@example.com"));
	assert_false(mail_addr_valid("jane@"));
	assert_false(mail_addr_valid("jane@localhost"));
	assert_false(mail_addr_valid("jane@example.com\r\nBcc: x@y.com"));
	assert_false(mail_addr_valid("jane@example.com\nBcc: x@y.com"));
	assert_false(mail_addr_valid("jane\r@example.com"));
	assert_false(mail_addr_valid("ja ne@example.com"));
	assert_false(mail_addr_valid("jane@exa mple.com"));
	assert_false(mail_addr_valid("\tjane@example.com"));
	assert_false(mail_addr_valid("<jane@example.com>"));
	assert_false(mail_addr_valid("Jane <jane@example.com>"));
	assert_false(mail_addr_valid("\"jane\"@example.com"));
	assert_false(mail_addr_valid("jane@[127.0.0.1]"));
	assert_false(mail_addr_valid("a,b@example.com"));
	assert_false(mail_addr_valid("a@b@example.com"));
	assert_false(mail_addr_valid(".jane@example.com"));
	assert_false(mail_addr_valid("jane.@example.com"));
	assert_false(mail_addr_valid("ja..ne@example.com"));
	assert_false(mail_addr_valid("jane@example..com"));
	assert_false(mail_addr_valid("jane@example.com."));
	assert_false(mail_addr_valid("jane@-example.com"));
	assert_false(mail_addr_valid("jane@example-.com"));
	assert_false(mail_addr_valid("jane(x)@example.com"));
	assert_false(mail_addr_valid("j\xc3@example.com"));		/* truncated UTF-8 */
	assert_false(mail_addr_valid("j\xc2\x85@example.com"));	/* C1 NEL */
	assert_false(mail_addr_valid("j\x7f@example.com"));
}

static void test_addr_limits(void **state)
{
	char *local64 = rep("a", 64), *local65 = rep("a", 65);
	char *label63 = rep("b", 63), *label64 = rep("b", 64);
	struct buf s = BUF_INIT;

	(void)state;
	buf_addf(&s, "%s@example.com", local64);
	assert_true(mail_addr_valid(s.ptr));
	buf_reset(&s);
	buf_addf(&s, "%s@example.com", local65);
	assert_false(mail_addr_valid(s.ptr));
	buf_reset(&s);
	buf_addf(&s, "a@%s.com", label63);
	assert_true(mail_addr_valid(s.ptr));
	buf_reset(&s);
	buf_addf(&s, "a@%s.com", label64);
	assert_false(mail_addr_valid(s.ptr));
	/* 254 octets in all is the limit */
	buf_reset(&s);
	{
		char *tail = rep("c", 254 - 65 - 128);
		buf_addf(&s, "%s@%s.%s.%s", local64, label63, label63, tail);
		free(tail);
	}
	assert_int_equal(s.len, 254);
	assert_true(mail_addr_valid(s.ptr));
	buf_addch(&s, 'c');
	assert_false(mail_addr_valid(s.ptr));
	free(local64);
	free(local65);
	free(label63);
	free(label64);
	buf_release(&s);
}

/* ---- header text ---- */

static void clean_is(const char *in, size_t len, size_t max, const char *want)
{
	struct buf b = BUF_INIT;

	hdr_text_clean(&b, in, len, max);
	assert_string_equal(b.ptr, want);
	buf_release(&b);
}

static void test_clean(void **state)
{
	(void)state;
	clean_is("Blue Mug", 8, 100, "Blue Mug");
	clean_is("  Blue \t Mug  ", 14, 100, "Blue Mug");
	clean_is("Mug\r\nBcc: evil@x.com", 20, 100, "Mug Bcc: evil@x.com");
	clean_is("Mug\nBcc: a@b.com", 16, 100, "Mug Bcc: a@b.com");
	clean_is("Mug\rX", 5, 100, "Mug X");
	clean_is("Mug\0Bcc", 7, 100, "Mug Bcc");
	clean_is("a\xc2\x85" "b", 4, 100, "a b");			/* C1 NEL */
	clean_is("a\xe2\x80\xa8" "b", 5, 100, "a b");		/* U+2028 */
	clean_is("a\xff" "b", 3, 100, "a\xef\xbf\xbd" "b");	/* invalid -> U+FFFD */
	clean_is("caf\xc3\xa9", 5, 100, "caf\xc3\xa9");
	clean_is("abcdefghij", 10, 10, "abcdefghij");
	clean_is("abcdefghijk", 11, 10, "abcdefg...");
	clean_is("abcde \xc3\xa9\xc3\xa9\xc3\xa9", 12, 10, "abcde...");
	clean_is("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 12, 10, "\xc3\xa9\xc3\xa9\xc3\xa9...");
	clean_is("\r\n\r\n", 4, 100, "");
}

/* fold_and_check: fold text after "Subject: " and check lines and round trip. */
static void fold_and_check(const char *text, int want_encoded)
{
	struct buf h = BUF_INIT;
	size_t col = 9;
	char *v, *d;

	buf_adds(&h, "Subject: ");
	hdr_fold_text(&h, text, strlen(text), &col);
	buf_adds(&h, "\r\n\r\n");
	check_lines(h.ptr, h.len, MAIL_LINE_MAX);
	v = header_get(h.ptr, "Subject");
	assert_non_null(v);
	assert_int_equal(strstr(v, "=?UTF-8?") != NULL, want_encoded);
	d = header_decode(v);
	assert_string_equal(d, text);
	free(v);
	free(d);
	buf_release(&h);
}

static void test_subject_encoding(void **state)
{
	char *long_ascii = rep("back in stock ", 20);
	char *long_utf8 = rep("Caf\xc3\xa9 cr\xc3\xa8me ", 20);
	char *emoji = rep("\xf0\x9f\x98\x80", 60);
	char *cjk = rep("\xe5\x95\x86\xe5\x93\x81", 40);
	char *longword = rep("x", 120);

	(void)state;
	long_ascii[strlen(long_ascii) - 1] = '\0';
	long_utf8[strlen(long_utf8) - 1] = '\0';
	fold_and_check("Blue Mug is back in stock", 0);
	fold_and_check(long_ascii, 0);
	fold_and_check("Caf\xc3\xa9 Ol\xc3\xa9 Chair is back in stock", 1);
	fold_and_check(long_utf8, 1);
	fold_and_check(emoji, 1);
	fold_and_check(cjk, 1);
	fold_and_check(longword, 1);			/* cannot fold plainly */
	fold_and_check("=?UTF-8?B?SGk=?= literal", 1);	/* looks encoded */
	fold_and_check("100% _cotton_ ? = !", 0);
	fold_and_check("a=?b", 1);
	free(long_ascii);
	free(long_utf8);
	free(emoji);
	free(cjk);
	free(longword);
}

/* ---- quoted-printable ---- */

static void qp_is(const char *in, size_t len, const char *want)
{
	struct buf b = BUF_INIT;

	qp_encode(&b, in, len);
	assert_string_equal(b.ptr, want);
	buf_release(&b);
}

/* qp_roundtrip: encode, check, decode; every encoded line ends in a line
 * break, so the decoded text is the input with one at the end. */
static void qp_roundtrip(const char *in, size_t len, const char *want_decoded)
{
	struct buf b = BUF_INIT, d = BUF_INIT, want = BUF_INIT;

	buf_adds(&want, want_decoded);
	if (!want.len || want.ptr[want.len - 1] != '\n')
		buf_addch(&want, '\n');
	qp_encode(&b, in, len);
	check_lines(b.ptr, b.len, MAIL_QP_LINE_MAX);
	qp_decode(&d, b.ptr, b.len);
	assert_int_equal(d.len, want.len);
	assert_memory_equal(d.ptr, want.ptr, d.len);
	buf_release(&b);
	buf_release(&d);
	buf_release(&want);
}

static void test_qp(void **state)
{
	(void)state;
	qp_is("", 0, "");
	qp_is("hello", 5, "hello\r\n");
	qp_is("a=b", 3, "a=3Db\r\n");
	qp_is("caf\xc3\xa9", 5, "caf=C3=A9\r\n");
	qp_is("end  ", 5, "end =20\r\n");
	qp_is("tab\t", 4, "tab=09\r\n");
	qp_is("a b\nc", 5, "a b\r\nc\r\n");
	qp_is("a\r\nb\rc\n", 7, "a\r\nb\r\nc\r\n");
	qp_is("x \r\ny", 5, "x=20\r\ny\r\n");
	qp_is(".\n..x", 5, "=2E\r\n=2E.x\r\n");
	qp_is("From here\nnot From", 18, "=46rom here\r\nnot From\r\n");
	qp_is("nul\0byte", 8, "nul=00byte\r\n");
	qp_is("\x7f\x01", 2, "=7F=01\r\n");
	qp_is("a\n\nb", 4, "a\r\n\r\nb\r\n");
}

static void test_qp_long_lines(void **state)
{
	char *x75 = rep("x", 75), *x76 = rep("x", 76), *x300 = rep("x", 300);
	char *eq = rep("=", 100), *e_acute = rep("\xc3\xa9", 200);
	char *sp = rep(" ", 200), *dots = rep("a.", 200);
	struct buf b = BUF_INIT;

	(void)state;
	/* 75 fits on one line; 76 needs a soft break (75 + "=") */
	qp_encode(&b, x75, 75);
	assert_int_equal(b.len, 77);
	buf_reset(&b);
	qp_encode(&b, x76, 76);
	assert_non_null(strstr(b.ptr, "=\r\n"));
	buf_release(&b);
	qp_roundtrip(x76, 76, x76);
	qp_roundtrip(x300, 300, x300);
	qp_roundtrip(eq, 100, eq);
	qp_roundtrip(e_acute, 400, e_acute);
	qp_roundtrip(dots, 400, dots);
	{
		/* spaces at the end are encoded; the rest survive soft breaks */
		struct buf in = BUF_INIT, e = BUF_INIT;
		buf_adds(&in, sp);
		buf_adds(&in, "\n");
		buf_adds(&in, sp);
		qp_encode(&e, in.ptr, in.len);
		for (const char *p = e.ptr; (p = strstr(p, " \r\n")); p++)
			fail_msg("space before a hard line break");
		buf_release(&e);
		qp_roundtrip(in.ptr, in.len, in.ptr);
		buf_release(&in);
	}
	free(x75);
	free(x76);
	free(x300);
	free(eq);
	free(e_acute);
	free(sp);
	free(dots);
}

/* ---- MIME builder ---- */

static void test_mime_structure(void **state)
{
	struct mail_msg m;
	char *msg, *v, *ct, bnd[128], delim[140];
	const char *body;

	(void)state;
	base_msg(&m);
	msg = build_ok(&m);
	check_lines(msg, strlen(msg), MAIL_LINE_MAX);
	assert_non_null(body = strstr(msg, "\r\n\r\n"));

	v = header_get(msg, "Date");
	assert_string_equal(v, "Tue, 26 Nov 2024 16:46:00 +0000");
	free(v);
	v = header_get(msg, "From");
	assert_string_equal(v, "\"Acme Shop\" <store@shop.example>");
	free(v);
	v = header_get(msg, "To");
	assert_string_equal(v, "jane@example.com");
	free(v);
	v = header_get(msg, "Subject");
	assert_string_equal(v, "Blue Mug is back in stock");
	free(v);
	v = header_get(msg, "Message-ID");
	assert_int_equal(strlen(v), 1 + 32 + 1 + strlen("shop.example") + 1);
	assert_int_equal(v[0], '<');
	assert_non_null(strstr(v, "@shop.example>"));
	free(v);
	v = header_get(msg, "MIME-Version");
	assert_string_equal(v, "1.0");
	free(v);
	v = header_get(msg, "List-Unsubscribe");
	assert_string_equal(v, "<https://shop.example/unsubscribe?t=abc.def>");
	free(v);
	v = header_get(msg, "List-Unsubscribe-Post");
	assert_string_equal(v, "List-Unsubscribe=One-Click");
	free(v);

	ct = header_get(msg, "Content-Type");
	assert_int_equal(sscanf(ct, "multipart/alternative; boundary=\"%100[^\"]\"", bnd), 1);
	assert_true(strlen(bnd) >= 20);
	snprintf(delim, sizeof(delim), "\r\n--%s\r\n", bnd);
	{
		const char *p1 = strstr(body, delim), *p2, *end;
		assert_non_null(p1);
		assert_non_null(p2 = strstr(p1 + 1, delim));
		snprintf(delim, sizeof(delim), "\r\n--%s--\r\n", bnd);
		assert_non_null(end = strstr(p2, delim));
		assert_int_equal(end[strlen(delim)], '\0');
		assert_non_null(strstr(p1, "Content-Type: text/plain; charset=utf-8\r\n"
				       "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
				       "Hello Jane,\r\nthe Blue Mug is back.\r\n"));
		assert_true(strstr(p1, "text/html") > p2);
		assert_non_null(strstr(p2, "<p>the <b>Blue Mug</b> is back.</p>\r\n"));
	}
	free(ct);
	free(msg);
}

static void test_mime_utf8(void **state)
{
	struct mail_msg m;
	char *msg, *v, *d;
	const char *title = "Caf\xc3\xa9 Ol\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80 "
			    "Tasse \xc2\xab" "Gro\xc3\x9f" "\xc2\xbb is back in stock, "
			    "get it while it lasts";

	(void)state;
	base_msg(&m);
	m.subject = title;
	m.from_name = "B\xc3\xbc" "cher & Co.";
	m.text_body = "Gr\xc3\xbc\xc3\x9f" "e\n";
	m.list_unsubscribe_mailto = "mailto:unsub@shop.example?subject=unsubscribe";
	msg = build_ok(&m);
	check_lines(msg, strlen(msg), MAIL_LINE_MAX);
	v = header_get(msg, "Subject");
	d = header_decode(v);
	assert_string_equal(d, title);
	free(v);
	free(d);
	v = header_get(msg, "From");
	assert_non_null(strstr(v, " <store@shop.example>"));
	*strstr(v, " <store@shop.example>") = '\0';
	d = header_decode(v);
	assert_string_equal(d, "B\xc3\xbc" "cher & Co.");
	free(v);
	free(d);
	v = header_get(msg, "List-Unsubscribe");
	assert_string_equal(v, "<mailto:unsub@shop.example?subject=unsubscribe>, "
			    "<https://shop.example/unsubscribe?t=abc.def>");
	free(v);
	assert_non_null(strstr(msg, "Gr=C3=BC=C3=9Fe\r\n"));
	free(msg);
}

static void test_mime_text_only(void **state)
{
	struct mail_msg m;
	char *msg, *v;

	(void)state;
	base_msg(&m);
	m.html_body = NULL;
	m.list_unsubscribe_url = NULL;
	m.from_name = NULL;
	m.message_id = "abc123@shop.example";
	msg = build_ok(&m);
	v = header_get(msg, "Content-Type");
	assert_string_equal(v, "text/plain; charset=utf-8");
	free(v);
	v = header_get(msg, "Message-ID");
	assert_string_equal(v, "<abc123@shop.example>");
	free(v);
	v = header_get(msg, "From");
	assert_string_equal(v, "store@shop.example");
	free(v);
	assert_null(header_get(msg, "List-Unsubscribe"));
	assert_null(header_get(msg, "List-Unsubscribe-Post"));
	assert_non_null(strstr(msg, "\r\n\r\nHello Jane,\r\nthe Blue Mug is back.\r\n"));
	free(msg);
}

static void test_mime_long_body(void **state)
{
	struct mail_msg m;
	char *line = rep("0123456789 \xc3\xa9", 400), *msg;

	(void)state;
	base_msg(&m);
	m.text_body = line;
	m.html_body = line;
	msg = build_ok(&m);
	check_lines(msg, strlen(msg), MAIL_LINE_MAX);
	free(msg);
	free(line);
}

static void test_mime_extra_headers(void **state)
{
	struct mail_msg m;
	struct mail_header ok[] = { { "X-Restock-Notification", "42\r\nBcc: a@b.com" } };
	struct mail_header bad1[] = { { "Bcc", "a@b.com" } };
	struct mail_header bad2[] = { { "X-A\r\nBcc", "v" } };
	struct mail_header bad3[] = { { "Content-Type", "text/html" } };
	struct mail_header bad4[] = { { "X-A:", "v" } };
	char *msg, *v;

	(void)state;
	base_msg(&m);
	m.headers = ok;
	m.nr_headers = 1;
	msg = build_ok(&m);
	v = header_get(msg, "X-Restock-Notification");
	assert_string_equal(v, "42 Bcc: a@b.com");
	assert_false(header_block_has_line(msg, "Bcc:"));
	free(v);
	free(msg);
	m.headers = bad1;
	build_fails(&m);
	m.headers = bad2;
	build_fails(&m);
	m.headers = bad3;
	build_fails(&m);
	m.headers = bad4;
	build_fails(&m);
}

static void test_mime_injection(void **state)
{
	struct mail_msg m;
	char *msg, *v;

	(void)state;
	base_msg(&m);
	/* feed data in the subject: neutralised */
	m.subject = "Mug\r\nBcc: evil@x.com\r\n\r\n<script>";
	m.from_name = "Shop\r\nBcc: evil@x.com";
	msg = build_ok(&m);
	assert_false(header_block_has_line(msg, "Bcc:"));
	check_lines(msg, strlen(msg), MAIL_LINE_MAX);
	v = header_get(msg, "Subject");
	assert_string_equal(v, "Mug Bcc: evil@x.com <script>");
	free(v);
	v = header_get(msg, "From");
	assert_string_equal(v, "\"Shop Bcc: evil@x.com\" <store@shop.example>");
	free(v);
	free(msg);

	/* bare LF, bare CR, NUL-truncation and quotes */
	m.subject = "Mug\nBcc: evil@x.com";
	m.from_name = "Evil\" <evil@x.com>, \"x";
	msg = build_ok(&m);
	assert_false(header_block_has_line(msg, "Bcc:"));
	v = header_get(msg, "From");
	assert_null(strstr(v, "<evil@x.com>"));		/* encoded, not a second address */
	assert_non_null(strstr(v, "=?UTF-8?"));
	free(v);
	free(msg);

	/* addresses: refused */
	base_msg(&m);
	m.to_addr = "jane@example.com\r\nBcc: evil@x.com";
	build_fails(&m);
	m.to_addr = "jane@example.com\nBcc: evil@x.com";
	build_fails(&m);
	m.to_addr = "jane@example.com, evil@x.com";
	build_fails(&m);
	m.to_addr = "Jane <jane@example.com>";
	build_fails(&m);
	m.to_addr = NULL;
	build_fails(&m);
	base_msg(&m);
	m.from_addr = "store@shop.example\rX: y";
	build_fails(&m);
	/* URLs and ids: refused */
	base_msg(&m);
	m.list_unsubscribe_url = "https://x.example/u?t=1\r\nBcc: evil@x.com";
	build_fails(&m);
	m.list_unsubscribe_url = "https://x.example/u?t=1>, <https://evil.example/";
	build_fails(&m);
	m.list_unsubscribe_url = "javascript:alert(1)";
	build_fails(&m);
	m.list_unsubscribe_url = "https://x.example/a b";
	build_fails(&m);
	base_msg(&m);
	m.list_unsubscribe_mailto = "https://not-mailto.example/";
	build_fails(&m);
	base_msg(&m);
	m.message_id = "abc@x.example>\r\nBcc: evil@x.com";
	build_fails(&m);
	m.message_id = "<abc@x.example>";
	build_fails(&m);
	base_msg(&m);
	m.text_body = NULL;
	build_fails(&m);
}

static void test_mime_boundary_not_in_body(void **state)
{
	struct mail_msg m;
	char *msg, *ct, bnd[128], needle[140];
	int count = 0;

	(void)state;
	base_msg(&m);
	m.text_body = "--=_rs_ boundary-ish text\n--\n";
	m.html_body = "=_rs_0000 --=_rs_";
	msg = build_ok(&m);
	ct = header_get(msg, "Content-Type");
	assert_int_equal(sscanf(ct, "multipart/alternative; boundary=\"%100[^\"]\"", bnd), 1);
	snprintf(needle, sizeof(needle), "--%s", bnd);
	for (const char *p = msg; (p = strstr(p, needle)); p++)
		count++;
	assert_int_equal(count, 3);	/* two parts and the close */
	free(ct);
	free(msg);
}

static void test_message_id(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;

	(void)state;
	assert_int_equal(mime_message_id(&a, "x@shop.example"), 0);
	assert_int_equal(mime_message_id(&b, "x@shop.example"), 0);
	assert_string_not_equal(a.ptr, b.ptr);
	assert_int_equal(a.len, 32 + 1 + 12);
	buf_reset(&a);
	assert_int_equal(mime_message_id(&a, "x@b\xc3\xbc" "cher.de"), 0);
	assert_non_null(strstr(a.ptr, "@restock.invalid"));
	buf_release(&a);
	buf_release(&b);
}

/* ---- transports ---- */

static char *mktempdir(void)
{
	char tmpl[] = "/tmp/test_mail.XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void rm_rf(const char *dir)
{
	struct buf cmd = BUF_INIT;

	buf_addf(&cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd.ptr), 0);
	buf_release(&cmd);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char tmp[4096];
	size_t n;

	assert_non_null(f);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_add(&b, tmp, n);
	fclose(f);
	return buf_detach(&b, len);
}

static void test_transport_file(void **state)
{
	struct mail_transport t;
	struct buf err = BUF_INIT, path = BUF_INIT;
	struct mail_msg m;
	char *home = mktempdir(), *msg, *got, name[256] = "";
	struct dirent *de;
	struct stat st;
	size_t len;
	int files = 0;
	DIR *d;

	(void)state;
	base_msg(&m);
	m.message_id = "0123abcd@shop.example";
	msg = build_ok(&m);
	assert_int_equal(transport_open(&t, "file:out/mail", home, &err), 0);
	assert_int_equal(transport_send(&t, m.from_addr, m.to_addr, msg, strlen(msg), &err), 0);
	transport_close(&t);

	buf_addf(&path, "%s/out/mail", home);
	assert_int_equal(stat(path.ptr, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_non_null(d = opendir(path.ptr));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && (!de->d_name[1] || !strcmp(de->d_name, "..")))
			continue;
		files++;
		snprintf(name, sizeof(name), "%s", de->d_name);
	}
	closedir(d);
	assert_int_equal(files, 1);	/* no temp file left behind */
	assert_non_null(strstr(name, "-0123abcd@shop.example.eml"));
	assert_true(name[0] >= '1' && name[0] <= '9');
	buf_addf(&path, "/%s", name);
	got = slurp(path.ptr, &len);
	assert_int_equal(len, strlen(msg));
	assert_memory_equal(got, msg, len);
	free(got);

	/* absolute directory, no home needed; a relative one needs a home */
	buf_reset(&path);
	buf_addf(&path, "file:%s/abs", home);
	assert_int_equal(transport_open(&t, path.ptr, NULL, &err), 0);
	transport_close(&t);
	assert_int_equal(transport_open(&t, "file:rel", NULL, &err), -1);
	transport_close(&t);
	buf_release(&path);
	buf_release(&err);
	free(msg);
	rm_rf(home);
	free(home);
}

static void test_transport_open_errors(void **state)
{
	static const char *const bad[] = {
		"file:", "sendmail:", "sendmail:usr/sbin/sendmail",
		"sendmail:/nonexistent/sendmail", "smtp://", "smtp://host:25?tls=1",
		"smtp://host:25?starttls=1&x=y", "gopher://host/", "SMTP", "", NULL
	};
	struct mail_transport t;
	struct buf err = BUF_INIT;

	(void)state;
	for (size_t i = 0; bad[i]; i++) {
		buf_reset(&err);
		if (transport_open(&t, bad[i], "/tmp", &err) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_true(err.len > 0);
		transport_close(&t);
	}
	assert_int_equal(transport_open(&t, NULL, "/tmp", &err), -1);
	transport_close(&t);
	assert_int_equal(transport_open(&t, "smtp://u%40x:p%3Aw@127.0.0.1:2525/helo.example?starttls=1",
					 NULL, &err), 0);
	assert_string_equal(t.user, "u@x");
	assert_string_equal(t.password, "p:w");
	assert_int_equal(t.require_tls, 1);
	assert_null(strstr(t.url, "p:w"));
	assert_null(strstr(t.url, "starttls"));
	/* envelope addresses are checked before anything is sent */
	buf_reset(&err);
	assert_int_equal(transport_send(&t, "a@b.example", "x@y.example\r\nRCPT TO:<z@z.example>",
					"m\r\n", 3, &err), -1);
	transport_close(&t);
	buf_release(&err);
}

/* fake_sendmail: a script that records its arguments and stdin, then exits code. */
static char *fake_sendmail(const char *dir, const char *name, const char *body)
{
	struct buf path = BUF_INIT;
	FILE *f;

	buf_addf(&path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path.ptr, "w"));
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path.ptr, 0755), 0);
	return buf_detach(&path, NULL);
}

static int sendmail_run(const char *prog, const char *msg, size_t len, struct buf *err)
{
	struct mail_transport t;
	struct buf spec = BUF_INIT;
	int r;

	buf_addf(&spec, "sendmail:%s", prog);
	assert_int_equal(transport_open(&t, spec.ptr, NULL, err), 0);
	r = transport_send(&t, "store@shop.example", "jane@example.com", msg, len, err);
	transport_close(&t);
	buf_release(&spec);
	return r;
}

static void test_transport_sendmail(void **state)
{
	char *dir = mktempdir(), *ok, *temp, *perm, *early, *got;
	char *big = rep("0123456789abcdef", 1 << 16);	/* 1 MiB: more than a pipe holds */
	struct buf err = BUF_INIT, script = BUF_INIT, path = BUF_INIT;
	const char *msg = "Subject: x\r\n\r\nhello\r\n.\r\nafter dot\r\n";
	size_t len;

	(void)state;
	buf_addf(&script, "echo \"$@\" > '%s/args'; cat > '%s/msg'; exit 0", dir, dir);
	ok = fake_sendmail(dir, "ok.sh", script.ptr);
	temp = fake_sendmail(dir, "temp.sh", "cat >/dev/null; echo 'queue full' >&2; exit 75");
	perm = fake_sendmail(dir, "perm.sh", "cat >/dev/null; echo 'User unknown'; exit 67");
	early = fake_sendmail(dir, "early.sh", "echo 'bad'; exit 1");

	assert_int_equal(sendmail_run(ok, msg, strlen(msg), &err), 0);
	buf_addf(&path, "%s/args", dir);
	got = slurp(path.ptr, &len);
	assert_string_equal(got, "-t -i -f store@shop.example\n");
	free(got);
	buf_reset(&path);
	buf_addf(&path, "%s/msg", dir);
	got = slurp(path.ptr, &len);
	assert_string_equal(got, msg);
	free(got);

	assert_int_equal(sendmail_run(temp, msg, strlen(msg), &err), TRANSPORT_TEMPFAIL);
	assert_string_equal(err.ptr, "sendmail exit 75: queue full");
	buf_reset(&err);
	assert_int_equal(sendmail_run(perm, msg, strlen(msg), &err), TRANSPORT_PERMFAIL);
	assert_string_equal(err.ptr, "sendmail exit 67: User unknown");
	buf_reset(&err);
	/* a child that never reads a large message: no SIGPIPE death, a clean verdict */
	assert_int_equal(sendmail_run(early, big, strlen(big), &err), TRANSPORT_PERMFAIL);
	assert_string_equal(err.ptr, "sendmail exit 1: bad");
	buf_reset(&err);
	assert_int_equal(sendmail_run(ok, big, strlen(big), &err), 0);
	got = slurp(path.ptr, &len);
	assert_int_equal(len, strlen(big));
	free(got);

	free(ok);
	free(temp);
	free(perm);
	free(early);
	free(big);
	buf_release(&err);
	buf_release(&script);
	buf_release(&path);
	rm_rf(dir);
	free(dir);
}

static void test_transport_unreachable(void **state)
{
	struct mail_transport t;
	struct buf err = BUF_INIT;

	(void)state;
	/* port 1 on loopback: connection refused is a temporary failure */
	assert_int_equal(transport_open(&t, "smtp://127.0.0.1:1", NULL, &err), 0);
	assert_int_equal(transport_send(&t, "a@b.example", "c@d.example", "x\r\n", 3, &err),
			 TRANSPORT_TEMPFAIL);
	assert_non_null(strstr(err.ptr, "SMTP"));
	transport_close(&t);
	buf_reset(&err);
	assert_int_equal(webhook_post("http://127.0.0.1:1/hook", "s3cret", "{}", 2, &err),
			 TRANSPORT_TEMPFAIL);
	buf_reset(&err);
	assert_int_equal(webhook_post("ftp://127.0.0.1/hook", "s3cret", "{}", 2, &err), -1);
	buf_reset(&err);
	assert_int_equal(webhook_post("file:///etc/passwd", "s3cret", "{}", 2, &err), -1);
	buf_reset(&err);
	assert_int_equal(webhook_post("http://127.0.0.1:1/hook", "", "{}", 2, &err), -1);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_valid),
		cmocka_unit_test(test_addr_limits),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_subject_encoding),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_qp_long_lines),
		cmocka_unit_test(test_mime_structure),
		cmocka_unit_test(test_mime_utf8),
		cmocka_unit_test(test_mime_text_only),
		cmocka_unit_test(test_mime_long_body),
		cmocka_unit_test(test_mime_extra_headers),
		cmocka_unit_test(test_mime_injection),
		cmocka_unit_test(test_mime_boundary_not_in_body),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_transport_file),
		cmocka_unit_test(test_transport_open_errors),
		cmocka_unit_test(test_transport_sendmail),
		cmocka_unit_test(test_transport_unreachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
