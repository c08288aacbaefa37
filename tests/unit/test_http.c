/* test_http: unit tests for the request parsers in src/http/ (cmocka). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "core/buf.h"
#include "core/limits.h"
#include "http/cookie.h"
#include "http/form.h"
#include "http/jsonapi.h"
#include "http/multipart.h"
#include "http/validate.h"

/* ---- helpers ---- */

/* A malloc'd string of n copies of c. */
static char *rep(char c, size_t n)
{
	char *s = xmalloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static int parse_ue(struct form *f, const char *s)
{
	return form_parse_urlencoded(f, s, strlen(s));
}

/* Parse s into a fresh form and return the status. */
static int ue_status(const char *s)
{
	struct form f = FORM_INIT;
	int r = parse_ue(&f, s);
	if (r)
		assert_int_equal(f.nr, 0);
	form_release(&f);
	return r;
}

/* ---- validate ---- */

static void test_utf8(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("abc", 3));
	assert_true(utf8_valid("\xc3\xa9", 2));
	assert_true(utf8_valid("\xe2\x82\xac", 3));
	assert_true(utf8_valid("\xf0\x9f\x98\x80", 4));
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));
	assert_false(utf8_valid("\xc3", 1));		/* truncated */
	assert_false(utf8_valid("\xc0\xaf", 2));	/* overlong */
	assert_false(utf8_valid("\xe0\x80\xaf", 3));	/* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(utf8_valid("\xff", 1));
	assert_false(utf8_valid("\x80", 1));
	assert_false(utf8_valid("a\xe2\x82", 3));
}

static void test_has_control(void **state)
{
	(void)state;
	assert_false(has_control("abc \xc3\xa9", 6));
	assert_true(has_control("a\tb", 3));
	assert_true(has_control("a\x7f", 2));
	assert_true(has_control("a\0b", 3));
	assert_true(has_control("\xc2\x85", 2));	/* NEL, C1 */
	assert_false(has_control("\xc2\xa0", 2));	/* NBSP is not a control */
}

static int ev(const char *s)
{
	return email_valid(s, strlen(s));
}

static void test_email_valid(void **state)
{
	(void)state;
	assert_true(ev("x@y.com"));
	assert_true(ev("first.last+tag@sub.example.co.uk"));
	assert_true(ev("o'brien@example.ie"));
	assert_true(ev("user@xn--bcher-kva.example"));
	assert_true(ev("j\xc3\xb6rg@b\xc3\xbc" "cher.de"));
	assert_true(ev("a@b-c.d"));
	assert_true(ev("a@1.2"));
	assert_false(ev(""));
	assert_false(ev("x"));
	assert_false(ev("x@"));
	assert_false(ev("@y.com"));
	assert_false(ev("x@y"));
	assert_false(ev("x@y."));
	assert_false(ev("x@.y.com"));
	assert_false(ev("x@y..com"));
	assert_false(ev("x@@y.com"));
	assert_false(ev("x@y@z.com"));
	assert_false(ev("x y@z.com"));
	assert_false(ev(" x@y.com"));
	assert_false(ev("x@y.com "));
	assert_false(ev("x@y_z.com"));
	assert_false(ev("x@-y.com"));
	assert_false(ev("x@y-.com"));
	assert_false(ev("x\t@y.com"));
	assert_false(ev("x\x7f@y.com"));
	assert_false(ev("x\xc2\x85@y.com"));
	assert_false(ev("x\xff@y.com"));
	assert_false(email_valid("x\0@y.com", 8));
	assert_false(email_valid(NULL, 0));
	/* label at 63 and 64 octets */
	{
		char *l63 = rep('a', 63), *l64 = rep('a', 64);
		char b1[128], b2[128];
		snprintf(b1, sizeof(b1), "x@%s.com", l63);
		snprintf(b2, sizeof(b2), "x@%s.com", l64);
		assert_true(ev(b1));
		assert_false(ev(b2));
		free(l63);
		free(l64);
	}
	/* total length at MAX_EMAIL_BYTES and one past */
	{
		char buf[MAX_EMAIL_BYTES + 2];
		char *local = rep('a', MAX_EMAIL_BYTES - 8);	/* + "@b.c.com" */
		snprintf(buf, sizeof(buf), "%s@b.c.com", local);
		assert_int_equal(strlen(buf), MAX_EMAIL_BYTES);
		assert_true(ev(buf));
		free(local);
		local = rep('a', MAX_EMAIL_BYTES - 7);
		snprintf(buf, sizeof(buf), "%s@b.c.com", local);
		assert_int_equal(strlen(buf), MAX_EMAIL_BYTES + 1);
		assert_false(ev(buf));
		free(local);
	}
}

static void test_span_trim(void **state)
{
	const char *s = " \t x@y.com\r\n";
	size_t n = strlen(s);

	(void)state;
	span_trim(&s, &n);
	assert_int_equal(n, 7);
	assert_memory_equal(s, "x@y.com", 7);
	s = "   ";
	n = 3;
	span_trim(&s, &n);
	assert_int_equal(n, 0);
}

static void test_phone(void **state)
{
	(void)state;
	assert_true(phone_e164_valid("+15005550006"));
	assert_true(phone_e164_valid("+12345678"));		/* 8 digits */
	assert_true(phone_e164_valid("+123456789012345"));	/* 15 digits */
	assert_false(phone_e164_valid("+1234567"));		/* 7 */
	assert_false(phone_e164_valid("+1234567890123456"));	/* 16 */
	assert_false(phone_e164_valid("+05005550006"));
	assert_false(phone_e164_valid("15005550006"));
	assert_false(phone_e164_valid("+1 5005550006"));
	assert_false(phone_e164_valid("+1500555000a"));
	assert_false(phone_e164_valid("+"));
	assert_false(phone_e164_valid(""));
	assert_false(phone_e164_valid(NULL));
}

/* ---- form: urlencoded ---- */

static void test_ue_basic(void **state)
{
	struct form f = FORM_INIT;

	(void)state;
	assert_int_equal(parse_ue(&f, "a=abc123&email=x%40y.com&variant=64814-0004&platform=api"), 0);
	assert_int_equal(f.nr, 4);
	assert_string_equal(f.fields[0].name, "a");
	assert_string_equal(f.fields[3].name, "platform");
	assert_string_equal(form_get(&f, "a"), "abc123");
	assert_string_equal(form_get(&f, "email"), "x@y.com");
	assert_string_equal(form_get(&f, "variant"), "64814-0004");
	assert_string_equal(form_get(&f, "platform"), "api");
	assert_int_equal(form_get_len(&f, "email"), 7);
	assert_null(form_get(&f, "missing"));
	assert_null(form_find(&f, "missing"));
	assert_int_equal(form_get_len(&f, "missing"), 0);
	form_release(&f);
	assert_int_equal(f.nr, 0);
	assert_null(f.fields);
}

static void test_ue_decoding(void **state)
{
	struct form f = FORM_INIT;

	(void)state;
	assert_int_equal(parse_ue(&f, "n+1=a+b%20c&%41%62=%c3%A9&eq=x=y&empty=&bare&&&"), 0);
	assert_int_equal(f.nr, 5);
	assert_string_equal(form_get(&f, "n 1"), "a b c");
	assert_string_equal(form_get(&f, "Ab"), "\xc3\xa9");
	assert_string_equal(form_get(&f, "eq"), "x=y");
	assert_string_equal(form_get(&f, "empty"), "");
	assert_non_null(form_find(&f, "bare"));
	assert_string_equal(form_get(&f, "bare"), "");
	assert_int_equal(form_get_len(&f, "bare"), 0);
	assert_null(form_get(&f, "%2B"));
	form_release(&f);

	assert_int_equal(parse_ue(&f, "p=%2B%26%3D%25"), 0);
	assert_string_equal(form_get(&f, "p"), "+&=%");
	form_release(&f);

	/* empty body and only separators */
	assert_int_equal(form_parse_urlencoded(&f, NULL, 0), 0);
	assert_int_equal(parse_ue(&f, "&&&"), 0);
	assert_int_equal(f.nr, 0);
	form_release(&f);
}

static void test_ue_bad_percent(void **state)
{
	(void)state;
	assert_int_equal(ue_status("a=%G1"), 400);
	assert_int_equal(ue_status("a=%1G"), 400);
	assert_int_equal(ue_status("a=%4"), 400);
	assert_int_equal(ue_status("a=%"), 400);
	assert_int_equal(ue_status("a=x%"), 400);
	assert_int_equal(ue_status("a=%%41"), 400);
	assert_int_equal(ue_status("%4=1"), 400);
	assert_int_equal(ue_status("a=%4&b=1"), 400);
	assert_int_equal(ue_status("a=%41"), 0);
}

static void test_ue_nul_utf8(void **state)
{
	struct form f = FORM_INIT;

	(void)state;
	assert_int_equal(ue_status("a=%00"), 400);
	assert_int_equal(ue_status("a=x%00y"), 400);
	assert_int_equal(ue_status("a%00b=1"), 400);
	assert_int_equal(form_parse_urlencoded(&f, "a=x\0y", 5), 400);
	assert_int_equal(form_parse_urlencoded(&f, "a\0=1", 4), 400);
	assert_int_equal(ue_status("a=%ff"), 400);
	assert_int_equal(ue_status("a=%c3"), 400);
	assert_int_equal(ue_status("a=%c0%af"), 400);
	assert_int_equal(ue_status("a=%ed%a0%80"), 400);
	assert_int_equal(ue_status("%ff=1"), 400);
	assert_int_equal(form_parse_urlencoded(&f, "a=\xff", 3), 400);
	assert_int_equal(ue_status("a=%e2%82%ac"), 0);
	form_release(&f);
}

static void test_ue_duplicates_rollback(void **state)
{
	struct form f = FORM_INIT;

	(void)state;
	assert_int_equal(ue_status("a=1&a=2"), 400);
	assert_int_equal(ue_status("a=1&a"), 400);
	assert_int_equal(ue_status("a=1&%61=2"), 400);
	assert_int_equal(ue_status("a=1&A=2"), 0);	/* names are case-sensitive */
	assert_int_equal(ue_status("=x"), 400);		/* empty name */
	assert_int_equal(ue_status("=&a=1"), 400);

	/* a failed parse leaves earlier fields untouched */
	assert_int_equal(parse_ue(&f, "q=1"), 0);
	assert_int_equal(parse_ue(&f, "b=2&c=%zz"), 400);
	assert_int_equal(f.nr, 1);
	assert_string_equal(form_get(&f, "q"), "1");
	assert_null(form_get(&f, "b"));
	/* a later parse sees earlier names as duplicates */
	assert_int_equal(parse_ue(&f, "q=2"), 400);
	assert_int_equal(parse_ue(&f, "r=2"), 0);
	assert_int_equal(f.nr, 2);
	form_release(&f);
}

static void test_ue_limits(void **state)
{
	struct form f = FORM_INIT;
	struct buf b = BUF_INIT;
	char *s;
	int i;

	(void)state;
	/* fields: exactly MAX_FORM_FIELDS, then one more */
	for (i = 0; i < MAX_FORM_FIELDS; i++)
		buf_addf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	assert_int_equal(form_parse_urlencoded(&f, b.ptr, b.len), 0);
	assert_int_equal(f.nr, MAX_FORM_FIELDS);
	form_release(&f);
	buf_addf(&b, "&extra=1");
	assert_int_equal(form_parse_urlencoded(&f, b.ptr, b.len), 400);
	assert_int_equal(f.nr, 0);
	/* empty pairs do not count */
	buf_reset(&b);
	for (i = 0; i < MAX_FORM_FIELDS; i++)
		buf_addf(&b, "f%d=%d&&&", i, i);
	assert_int_equal(form_parse_urlencoded(&f, b.ptr, b.len), 0);
	form_release(&f);

	/* name: MAX_FORM_NAME_BYTES decoded bytes, then one more */
	buf_reset(&b);
	s = rep('n', MAX_FORM_NAME_BYTES);
	buf_addf(&b, "%s=1", s);
	assert_int_equal(form_parse_urlencoded(&f, b.ptr, b.len), 0);
	form_release(&f);
	buf_reset(&b);
	buf_addf(&b, "%sn=1", s);
	assert_int_equal(form_parse_urlencoded(&f, b.ptr, b.len), 400);
	free(s);
	/* the limit is on decoded bytes: 128 x "%41" is fine */
	buf_reset(&b);
	for (i = 0; i < MAX_FORM_NAME_BYTES; i++)
		buf_adds(&b, "%41");
	buf_adds(&b, "=1");
	assert_int_equal(form_parse_urlencoded(&f, b.ptr, b.len), 0);
	form_release(&f);

	/* value: MAX_FORM_FIELD_BYTES, then one more */
	buf_reset(&b);
	s = rep('v', MAX_FORM_FIELD_BYTES);
	buf_addf(&b, "v=%s", s);
	assert_int_equal(form_parse_urlencoded(&f, b.ptr, b.len), 0);
	assert_int_equal(form_get_len(&f, "v"), MAX_FORM_FIELD_BYTES);
	form_release(&f);
	buf_addch(&b, 'v');
	assert_int_equal(form_parse_urlencoded(&f, b.ptr, b.len), 400);
	free(s);
	/* a bare name over the limit */
	s = rep('n', MAX_FORM_NAME_BYTES + 1);
	assert_int_equal(parse_ue(&f, s), 400);
	free(s);

	/* body: exactly MAX_BODY_BYTES, then one more */
	s = rep('&', MAX_BODY_BYTES);
	memcpy(s, "a=1", 3);
	assert_int_equal(form_parse_urlencoded(&f, s, MAX_BODY_BYTES), 0);
	assert_int_equal(f.nr, 1);
	form_release(&f);
	free(s);
	s = rep('&', MAX_BODY_BYTES + 1);
	assert_int_equal(form_parse_urlencoded(&f, s, MAX_BODY_BYTES + 1), 413);
	free(s);
	buf_release(&b);
	form_release(&f);
}

static void test_query(void **state)
{
	struct form f = FORM_INIT;
	char *s;

	(void)state;
	assert_int_equal(form_parse_query(&f, NULL), 0);
	assert_int_equal(form_parse_query(&f, ""), 0);
	assert_int_equal(form_parse_query(&f, "company_id=AbC123&x=%20"), 0);
	assert_string_equal(form_get(&f, "company_id"), "AbC123");
	assert_string_equal(form_get(&f, "x"), " ");
	form_release(&f);
	assert_int_equal(form_parse_query(&f, "a=1&a=2"), 400);
	assert_int_equal(form_parse_query(&f, "a=%G0"), 400);
	s = rep('&', MAX_QUERY_BYTES);
	memcpy(s, "q=1", 3);
	assert_int_equal(form_parse_query(&f, s), 0);
	form_release(&f);
	free(s);
	s = rep('&', MAX_QUERY_BYTES + 1);
	assert_int_equal(form_parse_query(&f, s), 414);
	free(s);
	form_release(&f);
}

static void test_form_add(void **state)
{
	struct form f = FORM_INIT;

	(void)state;
	form_init(&f);
	assert_int_equal(form_add(&f, "a", 1, "x", 1), 0);
	assert_int_equal(form_add(&f, "a", 1, "y", 1), 400);
	assert_int_equal(form_add(&f, "", 0, "y", 1), 400);
	assert_int_equal(form_add(&f, "b", 1, NULL, 0), 0);
	assert_string_equal(form_get(&f, "b"), "");
	assert_int_equal(form_add(&f, "c", 1, "x\0", 2), 400);
	assert_int_equal(f.nr, 2);
	form_truncate(&f, 1);
	assert_int_equal(f.nr, 1);
	form_release(&f);
}

/* ---- multipart ---- */

/* The exact request body curl 7.88.1 sent for:
 *   curl -F a=abc123 -F email=x@y.com -F variant=64814-0004 -F platform=api */
#define CURL_CT "multipart/form-data; boundary=------------------------bbccba33eddee0c0"
static const char curl_body[] =
	"--------------------------bbccba33eddee0c0\r\n"
	"Content-Disposition: form-data; name=\"a\"\r\n"
	"\r\n"
	"abc123\r\n"
	"--------------------------bbccba33eddee0c0\r\n"
	"Content-Disposition: form-data; name=\"email\"\r\n"
	"\r\n"
	"x@y.com\r\n"
	"--------------------------bbccba33eddee0c0\r\n"
	"Content-Disposition: form-data; name=\"variant\"\r\n"
	"\r\n"
	"64814-0004\r\n"
	"--------------------------bbccba33eddee0c0\r\n"
	"Content-Disposition: form-data; name=\"platform\"\r\n"
	"\r\n"
	"api\r\n"
	"--------------------------bbccba33eddee0c0--\r\n";

static int mp(struct form *f, const char *ct, const char *body)
{
	return form_parse_multipart(f, ct, body, strlen(body));
}

static int mp_status(const char *ct, const char *body)
{
	struct form f = FORM_INIT;
	int r = mp(&f, ct, body);
	if (r)
		assert_int_equal(f.nr, 0);
	form_release(&f);
	return r;
}

#define CT "multipart/form-data; boundary=XyZ"
#define PART(name, value) \
	"--XyZ\r\nContent-Disposition: form-data; name=\"" name "\"\r\n\r\n" value "\r\n"
#define END "--XyZ--\r\n"

static void test_mp_curl(void **state)
{
	struct form f = FORM_INIT;

	(void)state;
	assert_int_equal(sizeof(curl_body) - 1, 449);	/* curl's Content-Length */
	assert_int_equal(form_parse_multipart(&f, CURL_CT, curl_body,
					      sizeof(curl_body) - 1), 0);
	assert_int_equal(f.nr, 4);
	assert_string_equal(f.fields[0].name, "a");
	assert_string_equal(form_get(&f, "a"), "abc123");
	assert_string_equal(form_get(&f, "email"), "x@y.com");
	assert_string_equal(form_get(&f, "variant"), "64814-0004");
	assert_string_equal(form_get(&f, "platform"), "api");
	form_release(&f);
	/* same through the dispatcher */
	assert_int_equal(form_parse_body(&f, CURL_CT, curl_body,
					 sizeof(curl_body) - 1), 0);
	assert_int_equal(f.nr, 4);
	form_release(&f);
}

static void test_mp_browser(void **state)
{
	struct form f = FORM_INIT;
	/* Chrome's FormData shape, with a file part and a part Content-Type */
	const char *ct = "Multipart/Form-Data ;boundary=\"----WebKitFormBoundary7MA4YWxkTrZu0gW\"";
	const char *body =
		"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
		"Content-Disposition: form-data; name=\"email\"\r\n"
		"\r\n"
		"x@y.com\r\n"
		"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
		"content-disposition: FORM-DATA; filename=\"a.txt\"; name=\"note\"\r\n"
		"Content-Type: text/plain\r\n"
		"\r\n"
		"line1\r\nline2\r\n--not-a-boundary\r\n"
		"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
		"Content-Disposition: form-data; name=\"empty\"\r\n"
		"\r\n"
		"\r\n"
		"------WebKitFormBoundary7MA4YWxkTrZu0gW--";

	(void)state;
	assert_int_equal(mp(&f, ct, body), 0);
	assert_int_equal(f.nr, 3);
	assert_string_equal(form_get(&f, "email"), "x@y.com");
	assert_string_equal(form_get(&f, "note"), "line1\r\nline2\r\n--not-a-boundary");
	assert_string_equal(form_get(&f, "empty"), "");
	form_release(&f);
}

static void test_mp_shapes(void **state)
{
	struct form f = FORM_INIT;

	(void)state;
	/* preamble, transport padding, epilogue, unquoted names, extra params */
	assert_int_equal(mp(&f, "multipart/form-data; charset=utf-8; boundary=XyZ",
			    "preamble text\r\n--XyZ \t\r\n"
			    "Content-Disposition: form-data; name=a\r\n\r\n1\r\n"
			    "--XyZ\r\n"
			    "Content-Disposition: form-data ; name = \"b\\\"q\" ;\r\n"
			    "X-Other: yes\r\n\r\n2\r\n"
			    "--XyZ--epilogue\r\nwhatever"), 0);
	assert_int_equal(f.nr, 2);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b\"q"), "2");
	form_release(&f);
	/* no parts at all */
	assert_int_equal(mp_status(CT, END), 0);
	/* a quoted boundary with spaces and RFC 2046 specials */
	assert_int_equal(mp_status("multipart/form-data; boundary=\"a b'()+_,-./:=?z\"",
				   "--a b'()+_,-./:=?z\r\n"
				   "Content-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n"
				   "--a b'()+_,-./:=?z--"), 0);
	/* UTF-8 names and values */
	assert_int_equal(mp(&f, CT, PART("n\xc3\xa9", "\xe2\x82\xac") END), 0);
	assert_string_equal(form_get(&f, "n\xc3\xa9"), "\xe2\x82\xac");
	form_release(&f);
	/* 7bit/8bit/binary transfer encodings are accepted */
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
				   "Content-Transfer-Encoding: 8bit\r\n\r\nv\r\n" END), 0);
}

static void test_mp_boundary(void **state)
{
	char ct[200], body[400];
	char *b70 = rep('b', 70), *b71 = rep('b', 71);

	(void)state;
	assert_int_equal(mp_status("multipart/form-data", END), 400);
	assert_int_equal(mp_status("multipart/form-data;", END), 400);
	assert_int_equal(mp_status("multipart/form-data; boundary=", END), 400);
	assert_int_equal(mp_status("multipart/form-data; boundary=\"\"", END), 400);
	assert_int_equal(mp_status("multipart/form-data; boundary=\"XyZ", END), 400);
	assert_int_equal(mp_status("multipart/form-data; boundary=\"XyZ \"", "--XyZ --"), 400);
	assert_int_equal(mp_status("multipart/form-data; boundary=\"a\\\\b\"", "--a\\b--"), 400);
	assert_int_equal(mp_status("multipart/form-data; boundary=\"a{b\"", "--a{b--"), 400);
	assert_int_equal(mp_status("multipart/form-data; boundary=XyZ; boundary=XyZ", END), 400);
	assert_int_equal(mp_status("multipart/form-data; boundary=XyZ garbage", END), 400);
	assert_int_equal(mp_status("multipart/form-data; BOUNDARY=XyZ", END), 0);
	assert_int_equal(mp_status("text/plain; boundary=XyZ", END), 415);
	assert_int_equal(mp_status("multipart/mixed; boundary=XyZ", END), 415);
	assert_int_equal(form_parse_multipart(&(struct form)FORM_INIT, NULL, "", 0), 415);

	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", b70);
	snprintf(body, sizeof(body), "--%s\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--%s--", b70, b70);
	assert_int_equal(mp_status(ct, body), 0);
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", b71);
	snprintf(body, sizeof(body), "--%s\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--%s--", b71, b71);
	assert_int_equal(mp_status(ct, body), 400);
	free(b70);
	free(b71);
}

static void test_mp_malformed(void **state)
{
	(void)state;
	/* no closing delimiter, truncations */
	assert_int_equal(mp_status(CT, PART("a", "1")), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"), 400);
	assert_int_equal(mp_status(CT, "--XyZ"), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\n"), 400);
	assert_int_equal(mp_status(CT, ""), 400);
	assert_int_equal(mp_status(CT, "no delimiter at all"), 400);
	/* delimiter line not ending in CRLF */
	assert_int_equal(mp_status(CT, "--XyZ\nContent-Disposition: form-data; name=\"a\"\n\n1\n--XyZ--"), 400);
	assert_int_equal(mp_status(CT, "--XyZx\r\n" END), 400);
	/* boundary inside a value, or followed by junk */
	assert_int_equal(mp_status(CT, PART("a", "1\r\n--XyZjunk") END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--XyZ\r\n" END), 400);
	/* names */
	assert_int_equal(mp_status(CT, "--XyZ\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data; filename=\"f\"\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, PART("", "v") END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
				   "Content-Disposition: form-data; name=\"b\"\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n" END), 400);
	/* header syntax */
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nno colon here\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nBad Name: x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\nv\r\n" END), 400);
	assert_int_equal(mp_status(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
				   "Content-Transfer-Encoding: base64\r\n\r\ndg==\r\n" END), 400);
	/* duplicates, NUL, UTF-8 */
	assert_int_equal(mp_status(CT, PART("a", "1") PART("a", "2") END), 400);
	{
		struct form f = FORM_INIT;
		static const char nul[] = PART("a", "x\0y") END;
		assert_int_equal(form_parse_multipart(&f, CT, nul, sizeof(nul) - 1), 400);
		assert_int_equal(f.nr, 0);
	}
	assert_int_equal(mp_status(CT, PART("a", "\xff") END), 400);
	assert_int_equal(mp_status(CT, PART("\xc3", "v") END), 400);
}

static void test_mp_limits(void **state)
{
	struct form f = FORM_INIT;
	struct buf b = BUF_INIT;
	char *s;
	int i;

	(void)state;
	/* parts: MAX_MULTIPART_PARTS, then one more */
	for (i = 0; i < MAX_MULTIPART_PARTS; i++)
		buf_addf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
	buf_adds(&b, END);
	assert_int_equal(form_parse_multipart(&f, CT, b.ptr, b.len), 0);
	assert_int_equal(f.nr, MAX_MULTIPART_PARTS);
	form_release(&f);
	buf_reset(&b);
	for (i = 0; i <= MAX_MULTIPART_PARTS; i++)
		buf_addf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
	buf_adds(&b, END);
	assert_int_equal(form_parse_multipart(&f, CT, b.ptr, b.len), 400);
	assert_int_equal(f.nr, 0);

	/* value: MAX_FORM_FIELD_BYTES, then one more */
	s = rep('v', MAX_FORM_FIELD_BYTES);
	buf_reset(&b);
	buf_addf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"v\"\r\n\r\n%s\r\n" END, s);
	assert_int_equal(form_parse_multipart(&f, CT, b.ptr, b.len), 0);
	assert_int_equal(form_get_len(&f, "v"), MAX_FORM_FIELD_BYTES);
	form_release(&f);
	buf_reset(&b);
	buf_addf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"v\"\r\n\r\n%sv\r\n" END, s);
	assert_int_equal(form_parse_multipart(&f, CT, b.ptr, b.len), 400);
	free(s);

	/* name: MAX_FORM_NAME_BYTES, then one more */
	s = rep('n', MAX_FORM_NAME_BYTES);
	buf_reset(&b);
	buf_addf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\nv\r\n" END, s);
	assert_int_equal(form_parse_multipart(&f, CT, b.ptr, b.len), 0);
	form_release(&f);
	buf_reset(&b);
	buf_addf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"%sn\"\r\n\r\nv\r\n" END, s);
	assert_int_equal(form_parse_multipart(&f, CT, b.ptr, b.len), 400);
	free(s);

	/* header block: exactly MAX_MULTIPART_HEADER_BYTES, then one more */
	{
		const char *cd = "Content-Disposition: form-data; name=\"a\"\r\n";
		size_t pad = MAX_MULTIPART_HEADER_BYTES - strlen(cd) - strlen("X: \r\n") - 2;
		s = rep('h', pad);
		buf_reset(&b);
		buf_addf(&b, "--XyZ\r\n%sX: %s\r\n\r\nv\r\n" END, cd, s);
		assert_int_equal(form_parse_multipart(&f, CT, b.ptr, b.len), 0);
		form_release(&f);
		buf_reset(&b);
		buf_addf(&b, "--XyZ\r\n%sX: %sh\r\n\r\nv\r\n" END, cd, s);
		assert_int_equal(form_parse_multipart(&f, CT, b.ptr, b.len), 400);
		free(s);
	}

	/* body: over MAX_BODY_BYTES is 413 before anything else */
	s = rep('x', MAX_BODY_BYTES + 1);
	assert_int_equal(form_parse_multipart(&f, CT, s, MAX_BODY_BYTES + 1), 413);
	assert_int_equal(form_parse_body(&f, CT, s, MAX_BODY_BYTES + 1), 413);
	assert_int_equal(form_parse_body(&f, "application/x-www-form-urlencoded", s, MAX_BODY_BYTES + 1), 413);
	free(s);
	/* exactly MAX_BODY_BYTES (a long epilogue) is parsed */
	buf_reset(&b);
	buf_adds(&b, PART("a", "1") END);
	while (b.len < MAX_BODY_BYTES)
		buf_addch(&b, 'e');
	assert_int_equal(form_parse_multipart(&f, CT, b.ptr, b.len), 0);
	form_release(&f);

	/* rollback keeps what was there */
	assert_int_equal(parse_ue(&f, "q=1"), 0);
	assert_int_equal(mp(&f, CT, PART("a", "1") PART("q", "2") END), 400);
	assert_int_equal(f.nr, 1);
	form_release(&f);
	buf_release(&b);
}

static void test_parse_body(void **state)
{
	struct form f = FORM_INIT;

	(void)state;
	assert_int_equal(form_parse_body(&f, "application/x-www-form-urlencoded", "a=1", 3), 0);
	form_release(&f);
	assert_int_equal(form_parse_body(&f, "  Application/X-WWW-Form-URLEncoded ; charset=UTF-8", "a=1", 3), 0);
	assert_string_equal(form_get(&f, "a"), "1");
	form_release(&f);
	assert_int_equal(form_parse_body(&f, "application/x-www-form-urlencoded;charset", "a=1", 3), 0);
	form_release(&f);
	assert_int_equal(form_parse_body(&f, "application/x-www-form-urlencoded", "a=%", 3), 400);
	assert_int_equal(form_parse_body(&f, "MULTIPART/FORM-DATA; boundary=XyZ", PART("a", "1") END,
					 strlen(PART("a", "1") END)), 0);
	form_release(&f);
	assert_int_equal(form_parse_body(&f, "multipart/form-data", "", 0), 400);
	assert_int_equal(form_parse_body(&f, "application/json", "{}", 2), 415);
	assert_int_equal(form_parse_body(&f, "text/plain", "a=1", 3), 415);
	assert_int_equal(form_parse_body(&f, "", "a=1", 3), 415);
	assert_int_equal(form_parse_body(&f, NULL, "a=1", 3), 415);
	assert_int_equal(form_parse_body(&f, "application/x-www-form-urlencodedx", "a=1", 3), 415);
	assert_int_equal(f.nr, 0);
	form_release(&f);
}

/* ---- cookie ---- */

static void test_cookie_basic(void **state)
{
	struct buf v = BUF_INIT;

	(void)state;
	assert_int_equal(cookie_get("a=b; c=d", "a", &v), 1);
	assert_string_equal(v.ptr, "b");
	assert_int_equal(cookie_get("a=b; c=d", "c", &v), 1);
	assert_string_equal(v.ptr, "d");
	assert_int_equal(cookie_get("a=b;c=d", "c", &v), 1);
	assert_string_equal(v.ptr, "d");
	assert_int_equal(cookie_get("a=b; c=d", "e", &v), 0);
	assert_int_equal(v.len, 0);
	assert_int_equal(cookie_get("a=b; c=d", "A", &v), 0);
	assert_int_equal(cookie_get("ab=1", "a", &v), 0);
	assert_int_equal(cookie_get(NULL, "a", &v), 0);
	assert_int_equal(cookie_get("", "a", &v), 0);
	assert_int_equal(cookie_get("a=b", "", &v), 0);
	/* quotes, whitespace, '=' in value, empty value */
	assert_int_equal(cookie_get("s=\"quoted value\"", "s", &v), 1);
	assert_string_equal(v.ptr, "quoted value");
	assert_int_equal(cookie_get("s=\"", "s", &v), 1);
	assert_string_equal(v.ptr, "\"");
	assert_int_equal(cookie_get("s=\"\"", "s", &v), 1);
	assert_string_equal(v.ptr, "");
	assert_int_equal(cookie_get("  s = v v \t;t=1", "s", &v), 1);
	assert_string_equal(v.ptr, "v v");
	assert_int_equal(cookie_get("tok=a=b==", "tok", &v), 1);
	assert_string_equal(v.ptr, "a=b==");
	assert_int_equal(cookie_get("e=; f=1", "e", &v), 1);
	assert_string_equal(v.ptr, "");
	/* empty pairs and nameless cookies are skipped */
	assert_int_equal(cookie_get(";; ;nameless; x=1;", "x", &v), 1);
	assert_string_equal(v.ptr, "1");
	assert_int_equal(cookie_get("nameless", "nameless", &v), 0);
	/* the first of two wins */
	assert_int_equal(cookie_get("sid=first; other=1; sid=second", "sid", &v), 1);
	assert_string_equal(v.ptr, "first");
	/* UTF-8 in values is fine */
	assert_int_equal(cookie_get("u=\xc3\xa9", "u", &v), 1);
	assert_string_equal(v.ptr, "\xc3\xa9");
	buf_release(&v);
}

static void test_cookie_malformed(void **state)
{
	struct buf v = BUF_INIT;
	struct buf h = BUF_INIT;
	char *s;
	int i;

	(void)state;
	assert_int_equal(cookie_get("a=b\r\nc=d", "a", &v), -1);
	assert_int_equal(cookie_get("a=b\x7f", "a", &v), -1);
	assert_int_equal(cookie_get("a=b; c=\x01", "a", &v), -1);
	assert_int_equal(cookie_get("a=b;\tc=d", "c", &v), 1);
	/* bytes: MAX_COOKIE_BYTES, then one more */
	s = rep('v', MAX_COOKIE_BYTES);
	memcpy(s, "k=", 2);
	assert_int_equal(cookie_get(s, "k", &v), 1);
	assert_int_equal(v.len, MAX_COOKIE_BYTES - 2);
	free(s);
	s = rep('v', MAX_COOKIE_BYTES + 1);
	memcpy(s, "k=", 2);
	assert_int_equal(cookie_get(s, "k", &v), -1);
	assert_int_equal(v.len, 0);
	free(s);
	/* pairs: MAX_COOKIES, then one more (checked wherever the name is) */
	for (i = 0; i < MAX_COOKIES; i++)
		buf_addf(&h, "%sc%d=%d", i ? "; " : "", i, i);
	assert_int_equal(cookie_get(h.ptr, "c0", &v), 1);
	assert_int_equal(cookie_get(h.ptr, "c31", &v), 1);
	assert_string_equal(v.ptr, "31");
	buf_adds(&h, "; last=1");
	assert_int_equal(cookie_get(h.ptr, "c0", &v), -1);
	assert_int_equal(cookie_get(h.ptr, "nope", &v), -1);
	buf_release(&h);
	buf_release(&v);
}

/* ---- JSON:API ---- */

/* Build a subscription body; each argument is raw JSON text (NULL = omit member). */
static char *sub_json(const char *dtype, const char *channels, const char *ptype,
		      const char *pattrs, const char *vtype, const char *vid)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "{\"data\":{");
	if (dtype)
		buf_addf(&b, "\"type\":%s,", dtype);
	buf_adds(&b, "\"attributes\":{");
	if (channels)
		buf_addf(&b, "\"channels\":%s,", channels);
	buf_adds(&b, "\"profile\":{\"data\":{");
	if (ptype)
		buf_addf(&b, "\"type\":%s,", ptype);
	buf_addf(&b, "\"attributes\":%s}}},", pattrs ? pattrs : "{}");
	buf_adds(&b, "\"relationships\":{\"variant\":{\"data\":{");
	if (vtype)
		buf_addf(&b, "\"type\":%s", vtype);
	if (vid)
		buf_addf(&b, "%s\"id\":%s", vtype ? "," : "", vid);
	buf_adds(&b, "}}}}}");
	return buf_detach(&b, NULL);
}

#define GOOD_DTYPE "\"back-in-stock-subscription\""
#define GOOD_CH "[\"EMAIL\",\"SMS\"]"
#define GOOD_PTYPE "\"profile\""
#define GOOD_ATTRS "{\"email\":\"x@y.com\",\"phone_number\":\"+15005550006\",\"external_id\":\"abc\"}"
#define GOOD_VTYPE "\"catalog-variant\""
#define GOOD_VID "\"$custom:::$default:::SKU-1\""

static const char klaviyo_example[] =
	"{\"data\":{\"type\":\"back-in-stock-subscription\",\"attributes\":{"
	"\"channels\":[\"EMAIL\",\"SMS\"],\"profile\":{\"data\":{\"type\":\"profile\","
	"\"attributes\":{\"email\":\"x@y.com\",\"phone_number\":\"+15005550006\","
	"\"external_id\":\"abc\"}}}},\"relationships\":{\"variant\":{\"data\":{"
	"\"type\":\"catalog-variant\",\"id\":\"$custom:::$default:::SKU-1\"}}}}}";

struct jr {
	int status;
	struct jsonapi_sub sub;
	struct jsonapi_errors errs;
};

static void jr_run(struct jr *r, const char *body, size_t len)
{
	jsonapi_sub_init(&r->sub);
	jsonapi_errors_init(&r->errs);
	r->status = jsonapi_parse_subscription(body, len, &r->sub, &r->errs);
	if (r->status == 0)
		assert_int_equal(r->errs.nr, 0);
	if (r->status == 400) {
		assert_true(r->errs.nr > 0);
		assert_null(r->sub.email);
		assert_null(r->sub.phone);
		assert_null(r->sub.external_id);
		assert_null(r->sub.variant_id);
		assert_int_equal(r->sub.channels, 0);
	}
}

static void jr_done(struct jr *r)
{
	jsonapi_sub_release(&r->sub);
	jsonapi_errors_release(&r->errs);
}

/* Run body (freed) and expect exactly the given error pointers, in order. */
static void expect_ptrs(char *body, const char *const *ptrs)
{
	struct jr r;
	size_t i, n = 0;

	while (ptrs[n])
		n++;
	jr_run(&r, body, strlen(body));
	if (r.errs.nr != n) {
		for (i = 0; i < r.errs.nr; i++)
			print_error("got %s: %s\n", r.errs.v[i].pointer, r.errs.v[i].detail);
		print_error("body: %s\n", body);
	}
	assert_int_equal(r.status, n ? 400 : 0);
	assert_int_equal(r.errs.nr, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(r.errs.v[i].status, 400);
		assert_string_equal(r.errs.v[i].code, "invalid");
		assert_string_equal(r.errs.v[i].title, "Invalid input.");
		assert_true(strlen(r.errs.v[i].detail) > 5);
		assert_string_equal(r.errs.v[i].pointer, ptrs[i]);
	}
	jr_done(&r);
	free(body);
}

#define EXPECT(body, ...) do { \
	static const char *const p_[] = { __VA_ARGS__, NULL }; \
	expect_ptrs(body, p_); \
} while (0)
#define EXPECT_OK(body) do { \
	static const char *const p_[] = { NULL }; \
	expect_ptrs(body, p_); \
} while (0)

#define PA "/data/attributes/profile/data/attributes"

static void test_jsonapi_valid(void **state)
{
	struct jr r;

	(void)state;
	jr_run(&r, klaviyo_example, strlen(klaviyo_example));
	assert_int_equal(r.status, 0);
	assert_string_equal(r.sub.email, "x@y.com");
	assert_string_equal(r.sub.phone, "+15005550006");
	assert_string_equal(r.sub.external_id, "abc");
	assert_string_equal(r.sub.variant_id, "SKU-1");
	assert_int_equal(r.sub.channels, JSONAPI_CH_EMAIL | JSONAPI_CH_SMS);
	jr_done(&r);

	/* trimmed email, all four channels, unknown members ignored, escapes */
	{
		const char *b =
			"{\"meta\":{\"x\":[1,2.5e3,true,false,null]},\"data\":{\"type\":\"back-in-stock-subscription\","
			"\"id\":null,\"attributes\":{\"channels\":[\"PUSH\",\"WHATSAPP\",\"EMAIL\",\"SMS\"],"
			"\"profile\":{\"data\":{\"type\":\"profile\",\"attributes\":{"
			"\"email\":\"  A.B@Example.COM \",\"phone_number\":\" +447911123456\","
			"\"first_name\":\"Ann\"}}}},\"relationships\":{\"variant\":{\"data\":{"
			"\"type\":\"catalog-variant\",\"id\":\"$custom:::$default:::\\u00e9 id/1\"}}}}}";
		jr_run(&r, b, strlen(b));
		assert_int_equal(r.status, 0);
		assert_string_equal(r.sub.email, "A.B@Example.COM");
		assert_string_equal(r.sub.phone, "+447911123456");
		assert_null(r.sub.external_id);
		assert_string_equal(r.sub.variant_id, "\xc3\xa9 id/1");
		assert_int_equal(r.sub.channels, 15);
		jr_done(&r);
	}
	/* PUSH with only an external_id; null/blank others count as absent */
	EXPECT_OK(sub_json(GOOD_DTYPE, "[\"PUSH\"]", GOOD_PTYPE,
			   "{\"external_id\":\"u-1\",\"email\":null,\"phone_number\":\"  \"}",
			   GOOD_VTYPE, GOOD_VID));
	EXPECT_OK(sub_json(GOOD_DTYPE, "[\"EMAIL\"]", GOOD_PTYPE, "{\"email\":\"x@y.com\"}",
			   GOOD_VTYPE, GOOD_VID));
	EXPECT_OK(sub_json(GOOD_DTYPE, "[\"SMS\"]", GOOD_PTYPE, "{\"phone_number\":\"+15005550006\"}",
			   GOOD_VTYPE, GOOD_VID));
	/* whitespace around the document */
	{
		const char *b = " \r\n\t{\"data\":{\"type\":\"back-in-stock-subscription\",\"attributes\":{\"channels\":[\"EMAIL\"],"
			"\"profile\":{\"data\":{\"type\":\"profile\",\"attributes\":{\"email\":\"x@y.com\"}}}},"
			"\"relationships\":{\"variant\":{\"data\":{\"type\":\"catalog-variant\",\"id\":\"$custom:::$default:::1\"}}}}} \n";
		jr_run(&r, b, strlen(b));
		assert_int_equal(r.status, 0);
		assert_string_equal(r.sub.variant_id, "1");
		jr_done(&r);
	}
}

static void test_jsonapi_not_json(void **state)
{
	static const char *const bodies[] = {
		"", " ", "{", "nul", "{\"data\":}", "{} {}", "{}x", "{'data':1}",
		"{\"data\":{}", "[1,]", "{\"a\":1,}", "/* c */ {}", "\"\xff\"",
		"{\"data\":\"\xc3\"}",
	};
	size_t i;
	struct jr r;

	(void)state;
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		jr_run(&r, bodies[i], strlen(bodies[i]));
		assert_int_equal(r.status, 400);
		assert_int_equal(r.errs.nr, 1);
		assert_string_equal(r.errs.v[0].pointer, "/");
		jr_done(&r);
	}
	/* a raw NUL byte */
	jr_run(&r, "{\"data\":\0}", 10);
	assert_int_equal(r.status, 400);
	assert_string_equal(r.errs.v[0].pointer, "/");
	jr_done(&r);
	/* NULL body */
	jr_run(&r, NULL, 0);
	assert_int_equal(r.status, 400);
	jr_done(&r);
	/* valid JSON that is not an object */
	EXPECT(xstrdup("[]"), "/");
	EXPECT(xstrdup("\"data\""), "/");
	EXPECT(xstrdup("42"), "/");
	EXPECT(xstrdup("null"), "/");
}

static void test_jsonapi_data(void **state)
{
	(void)state;
	EXPECT(xstrdup("{}"), "/data");
	EXPECT(xstrdup("{\"data\":null}"), "/data");
	EXPECT(xstrdup("{\"data\":[]}"), "/data");
	EXPECT(xstrdup("{\"data\":\"x\"}"), "/data");
	EXPECT(xstrdup("{\"data\":{}}"), "/data/type", "/data/attributes", "/data/relationships");
	EXPECT(xstrdup("{\"data\":{},\"data\":{}}"), "/data");
	EXPECT(sub_json(NULL, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID), "/data/type");
	EXPECT(sub_json("\"profile\"", GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID), "/data/type");
	EXPECT(sub_json("\"Back-In-Stock-Subscription\"", GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID), "/data/type");
	EXPECT(sub_json("1", GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID), "/data/type");
	EXPECT(sub_json("\"back-in-stock-subscription\\u0000\"", GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/type");
	EXPECT(xstrdup("{\"data\":{\"type\":\"back-in-stock-subscription\",\"attributes\":[],"
		       "\"relationships\":5}}"), "/data/attributes", "/data/relationships");
}

static void test_jsonapi_channels(void **state)
{
	(void)state;
	EXPECT(sub_json(GOOD_DTYPE, NULL, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/channels");
	EXPECT(sub_json(GOOD_DTYPE, "null", GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/channels");
	EXPECT(sub_json(GOOD_DTYPE, "[]", GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/channels");
	EXPECT(sub_json(GOOD_DTYPE, "\"EMAIL\"", GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/channels");
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\",\"FAX\"]", GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/channels/1");
	EXPECT(sub_json(GOOD_DTYPE, "[\"email\"]", GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/channels/0");
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\",\"SMS\",\"EMAIL\"]", GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/channels/2");
	EXPECT(sub_json(GOOD_DTYPE, "[1,\"SMS\",null,[\"EMAIL\"]]", GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/channels/0", "/data/attributes/channels/2",
	       "/data/attributes/channels/3");
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\\u0000\"]", GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/channels/0");
	/* four distinct channels are the most; five entries are refused whole */
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\",\"SMS\",\"PUSH\",\"WHATSAPP\",\"EMAIL\"]", GOOD_PTYPE,
			GOOD_ATTRS, GOOD_VTYPE, GOOD_VID), "/data/attributes/channels");
}

static void test_jsonapi_profile(void **state)
{
	(void)state;
	EXPECT(xstrdup("{\"data\":{\"type\":\"back-in-stock-subscription\",\"attributes\":{\"channels\":[\"EMAIL\"]},"
		       "\"relationships\":{\"variant\":{\"data\":{\"type\":\"catalog-variant\",\"id\":\"$custom:::$default:::1\"}}}}}"),
	       "/data/attributes/profile");
	EXPECT(xstrdup("{\"data\":{\"type\":\"back-in-stock-subscription\",\"attributes\":{\"channels\":[\"EMAIL\"],"
		       "\"profile\":{}},"
		       "\"relationships\":{\"variant\":{\"data\":{\"type\":\"catalog-variant\",\"id\":\"$custom:::$default:::1\"}}}}}"),
	       "/data/attributes/profile/data");
	EXPECT(xstrdup("{\"data\":{\"type\":\"back-in-stock-subscription\",\"attributes\":{\"channels\":[\"EMAIL\"],"
		       "\"profile\":{\"data\":{\"type\":\"profile\"}}},"
		       "\"relationships\":{\"variant\":{\"data\":{\"type\":\"catalog-variant\",\"id\":\"$custom:::$default:::1\"}}}}}"),
	       PA);
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, NULL, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/profile/data/type");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, "\"person\"", GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
	       "/data/attributes/profile/data/type");
	/* no identifier at all (PUSH needs none in particular) */
	EXPECT(sub_json(GOOD_DTYPE, "[\"PUSH\"]", GOOD_PTYPE, "{}", GOOD_VTYPE, GOOD_VID), PA);
	EXPECT(sub_json(GOOD_DTYPE, "[\"PUSH\"]", GOOD_PTYPE, "{\"email\":\"\",\"phone_number\":null}",
			GOOD_VTYPE, GOOD_VID), PA);
	/* channel requirements */
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\"]", GOOD_PTYPE, "{\"phone_number\":\"+15005550006\"}",
			GOOD_VTYPE, GOOD_VID), PA "/email");
	EXPECT(sub_json(GOOD_DTYPE, "[\"SMS\"]", GOOD_PTYPE, "{\"email\":\"x@y.com\"}",
			GOOD_VTYPE, GOOD_VID), PA "/phone_number");
	EXPECT(sub_json(GOOD_DTYPE, "[\"WHATSAPP\"]", GOOD_PTYPE, "{\"external_id\":\"e\"}",
			GOOD_VTYPE, GOOD_VID), PA "/phone_number");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, "{}", GOOD_VTYPE, GOOD_VID),
	       PA "/email", PA "/phone_number");
	/* bad values */
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\"]", GOOD_PTYPE, "{\"email\":\"not-an-email\"}",
			GOOD_VTYPE, GOOD_VID), PA "/email");
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\"]", GOOD_PTYPE, "{\"email\":\"x@y\"}",
			GOOD_VTYPE, GOOD_VID), PA "/email");
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\"]", GOOD_PTYPE, "{\"email\":\"x@y.com\\u0000\"}",
			GOOD_VTYPE, GOOD_VID), PA "/email");
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\"]", GOOD_PTYPE, "{\"email\":\"x\\n@y.com\"}",
			GOOD_VTYPE, GOOD_VID), PA "/email");
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\"]", GOOD_PTYPE, "{\"email\":42}",
			GOOD_VTYPE, GOOD_VID), PA "/email");
	EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\"]", GOOD_PTYPE, "{\"email\":\"x@y.com\",\"email\":\"z@y.com\"}",
			GOOD_VTYPE, GOOD_VID), PA "/email");
	EXPECT(sub_json(GOOD_DTYPE, "[\"SMS\"]", GOOD_PTYPE, "{\"phone_number\":\"5005550006\"}",
			GOOD_VTYPE, GOOD_VID), PA "/phone_number");
	EXPECT(sub_json(GOOD_DTYPE, "[\"SMS\"]", GOOD_PTYPE, "{\"phone_number\":\"+1500555000612345\"}",
			GOOD_VTYPE, GOOD_VID), PA "/phone_number");
	EXPECT(sub_json(GOOD_DTYPE, "[\"SMS\"]", GOOD_PTYPE, "{\"phone_number\":15005550006}",
			GOOD_VTYPE, GOOD_VID), PA "/phone_number");
	EXPECT(sub_json(GOOD_DTYPE, "[\"PUSH\"]", GOOD_PTYPE, "{\"external_id\":\"a\\u0001b\"}",
			GOOD_VTYPE, GOOD_VID), PA "/external_id");
	EXPECT(sub_json(GOOD_DTYPE, "[\"PUSH\"]", GOOD_PTYPE, "{\"external_id\":{}}",
			GOOD_VTYPE, GOOD_VID), PA "/external_id");
	/* email length: MAX_EMAIL_BYTES and one past */
	{
		char attrs[400];
		char *local = rep('a', MAX_EMAIL_BYTES - 6);
		snprintf(attrs, sizeof(attrs), "{\"email\":\"%s@y.com\"}", local);
		EXPECT_OK(sub_json(GOOD_DTYPE, "[\"EMAIL\"]", GOOD_PTYPE, attrs, GOOD_VTYPE, GOOD_VID));
		snprintf(attrs, sizeof(attrs), "{\"email\":\"%sa@y.com\"}", local);
		EXPECT(sub_json(GOOD_DTYPE, "[\"EMAIL\"]", GOOD_PTYPE, attrs, GOOD_VTYPE, GOOD_VID), PA "/email");
		free(local);
	}
	/* external_id length: MAX_EXTERNAL_ID_BYTES and one past */
	{
		char attrs[400];
		char *id = rep('i', MAX_EXTERNAL_ID_BYTES);
		snprintf(attrs, sizeof(attrs), "{\"external_id\":\"%s\"}", id);
		EXPECT_OK(sub_json(GOOD_DTYPE, "[\"PUSH\"]", GOOD_PTYPE, attrs, GOOD_VTYPE, GOOD_VID));
		snprintf(attrs, sizeof(attrs), "{\"external_id\":\"%si\"}", id);
		EXPECT(sub_json(GOOD_DTYPE, "[\"PUSH\"]", GOOD_PTYPE, attrs, GOOD_VTYPE, GOOD_VID), PA "/external_id");
		free(id);
	}
}

static void test_jsonapi_variant(void **state)
{
	(void)state;
	EXPECT(xstrdup("{\"data\":{\"type\":\"back-in-stock-subscription\",\"attributes\":{\"channels\":[\"EMAIL\"],"
		       "\"profile\":{\"data\":{\"type\":\"profile\",\"attributes\":{\"email\":\"x@y.com\"}}}}}}"),
	       "/data/relationships");
	EXPECT(xstrdup("{\"data\":{\"type\":\"back-in-stock-subscription\",\"attributes\":{\"channels\":[\"EMAIL\"],"
		       "\"profile\":{\"data\":{\"type\":\"profile\",\"attributes\":{\"email\":\"x@y.com\"}}}},"
		       "\"relationships\":{}}}"),
	       "/data/relationships/variant");
	EXPECT(xstrdup("{\"data\":{\"type\":\"back-in-stock-subscription\",\"attributes\":{\"channels\":[\"EMAIL\"],"
		       "\"profile\":{\"data\":{\"type\":\"profile\",\"attributes\":{\"email\":\"x@y.com\"}}}},"
		       "\"relationships\":{\"variant\":{\"data\":[]}}}}"),
	       "/data/relationships/variant/data");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, NULL, GOOD_VID),
	       "/data/relationships/variant/data/type");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, "\"variant\"", GOOD_VID),
	       "/data/relationships/variant/data/type");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, NULL),
	       "/data/relationships/variant/data/id");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, "\"SKU-1\""),
	       "/data/relationships/variant/data/id");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, "\"$custom:::$default:::\""),
	       "/data/relationships/variant/data/id");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, "\"$custom:::$default::SKU\""),
	       "/data/relationships/variant/data/id");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, "\"$custom:::$default:::a\\tb\""),
	       "/data/relationships/variant/data/id");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, "\"$custom:::$default:::a\\u0000\""),
	       "/data/relationships/variant/data/id");
	EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, "123"),
	       "/data/relationships/variant/data/id");
	/* variant id length: MAX_VARIANT_BYTES and one past */
	{
		char vid[MAX_VARIANT_BYTES + 64];
		char *id = rep('v', MAX_VARIANT_BYTES);
		snprintf(vid, sizeof(vid), "\"$custom:::$default:::%s\"", id);
		EXPECT_OK(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, vid));
		snprintf(vid, sizeof(vid), "\"$custom:::$default:::%sv\"", id);
		EXPECT(sub_json(GOOD_DTYPE, GOOD_CH, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, vid),
		       "/data/relationships/variant/data/id");
		free(id);
	}
}

static void test_jsonapi_many_errors(void **state)
{
	(void)state;
	EXPECT(sub_json("\"x\"", "[\"EMAIL\",\"FAX\",\"EMAIL\"]", "\"y\"",
			"{\"email\":\"bad\",\"phone_number\":\"123\",\"external_id\":7}",
			"\"z\"", "\"SKU\""),
	       "/data/type", "/data/attributes/channels/1", "/data/attributes/channels/2",
	       "/data/attributes/profile/data/type", PA "/email", PA "/phone_number",
	       PA "/external_id", "/data/relationships/variant/data/type",
	       "/data/relationships/variant/data/id");
}

/* {"meta": [[...[0]...]]} padded into a valid body, total depth d */
static char *deep_body(int d)
{
	struct buf b = BUF_INIT;
	int i, n = d - 1;	/* the root object is one level */

	buf_adds(&b, "{\"meta\":");
	for (i = 0; i < n; i++)
		buf_addch(&b, '[');
	buf_addch(&b, '0');
	for (i = 0; i < n; i++)
		buf_addch(&b, ']');
	buf_adds(&b, ",\"data\":{\"type\":\"back-in-stock-subscription\",\"attributes\":{\"channels\":[\"EMAIL\"],"
		  "\"profile\":{\"data\":{\"type\":\"profile\",\"attributes\":{\"email\":\"x@y.com\"}}}},"
		  "\"relationships\":{\"variant\":{\"data\":{\"type\":\"catalog-variant\",\"id\":\"$custom:::$default:::1\"}}}}}");
	return buf_detach(&b, NULL);
}

static void test_jsonapi_depth(void **state)
{
	struct jr r;
	char *s;
	size_t i;

	(void)state;
	EXPECT_OK(deep_body(MAX_JSONAPI_DEPTH));
	EXPECT(deep_body(MAX_JSONAPI_DEPTH + 1), "/");
	EXPECT(deep_body(10000), "/");
	/* brackets inside strings do not count */
	s = xstrdup("{\"meta\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[[\",");
	{
		char *rest = deep_body(2);
		struct buf b = BUF_INIT;
		buf_adds(&b, s);
		buf_adds(&b, rest + 1);	/* skip the opening '{' */
		free(rest);
		free(s);
		EXPECT_OK(buf_detach(&b, NULL));
	}
	/* a body that is nothing but '[' up to the size limit */
	s = rep('[', MAX_BODY_BYTES);
	jr_run(&r, s, MAX_BODY_BYTES);
	assert_int_equal(r.status, 400);
	assert_string_equal(r.errs.v[0].pointer, "/");
	jr_done(&r);
	free(s);
	/* nesting of objects */
	s = xmalloc(8 * 40 + 64);
	s[0] = '\0';
	for (i = 0; i < 40; i++)
		strcat(s, "{\"a\":");
	strcat(s, "1");
	for (i = 0; i < 40; i++)
		strcat(s, "}");
	EXPECT(s, "/");
}

static void test_jsonapi_size(void **state)
{
	struct jr r;
	struct buf b = BUF_INIT;

	(void)state;
	buf_adds(&b, klaviyo_example);
	while (b.len < MAX_BODY_BYTES)
		buf_addch(&b, ' ');
	jr_run(&r, b.ptr, b.len);
	assert_int_equal(r.status, 0);
	jr_done(&r);
	buf_addch(&b, ' ');
	jr_run(&r, b.ptr, b.len);
	assert_int_equal(r.status, 413);
	assert_int_equal(r.errs.nr, 0);
	assert_null(r.sub.email);
	jr_done(&r);
	buf_release(&b);
	/* a huge array of junk stays bounded and reports one error */
	{
		struct buf c = BUF_INIT;
		size_t i;
		buf_adds(&c, "[");
		for (i = 0; i < 5000; i++)
			buf_adds(&c, i ? ",\"X\"" : "\"X\"");
		buf_adds(&c, "]");
		EXPECT(sub_json(GOOD_DTYPE, c.ptr, GOOD_PTYPE, GOOD_ATTRS, GOOD_VTYPE, GOOD_VID),
		       "/data/attributes/channels");
		buf_release(&c);
	}
}

/* Parse doc with yajl_tree and check it is an error document with n errors. */
static yajl_val check_doc(const char *doc, size_t n)
{
	char eb[256];
	yajl_val v = yajl_tree_parse(doc, eb, sizeof(eb));
	const char *path[] = { "errors", NULL };
	yajl_val arr;

	assert_non_null(v);
	arr = yajl_tree_get(v, path, yajl_t_array);
	assert_non_null(arr);
	assert_int_equal(YAJL_GET_ARRAY(arr)->len, n);
	return v;
}

static void test_jsonapi_write(void **state)
{
	struct jr r;
	struct buf out = BUF_INIT;
	yajl_val v, e0, x;
	const char *p_id[] = { "id", NULL }, *p_status[] = { "status", NULL };
	const char *p_ptr[] = { "source", "pointer", NULL }, *p_src[] = { "source", NULL };
	const char *p_code[] = { "code", NULL }, *p_title[] = { "title", NULL };
	const char *p_detail[] = { "detail", NULL };
	char *body;
	const char *id;
	size_t i;

	(void)state;
	body = sub_json("\"x\"", "[\"EMAIL\"]", GOOD_PTYPE, "{\"email\":\"bad\"}", GOOD_VTYPE, GOOD_VID);
	jr_run(&r, body, strlen(body));
	free(body);
	assert_int_equal(r.status, 400);
	assert_int_equal(r.errs.nr, 2);
	jsonapi_errors_write(&r.errs, &out);
	v = check_doc(out.ptr, 2);
	e0 = YAJL_GET_ARRAY(yajl_tree_get(v, (const char *[]){ "errors", NULL }, yajl_t_array))->values[0];
	x = yajl_tree_get(e0, p_status, yajl_t_number);
	assert_non_null(x);
	assert_true(YAJL_IS_INTEGER(x));
	assert_int_equal(YAJL_GET_INTEGER(x), 400);
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(e0, p_code, yajl_t_string)), "invalid");
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(e0, p_title, yajl_t_string)), "Invalid input.");
	assert_non_null(yajl_tree_get(e0, p_detail, yajl_t_string));
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(e0, p_ptr, yajl_t_string)), "/data/type");
	id = YAJL_GET_STRING(yajl_tree_get(e0, p_id, yajl_t_string));
	assert_non_null(id);
	assert_int_equal(strlen(id), 36);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(id[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", id[i]));
	}
	assert_int_equal(id[14], '4');
	assert_non_null(strchr("89ab", id[19]));
	yajl_tree_free(v);
	jr_done(&r);

	/* a single error, with and without a pointer; special characters escaped */
	buf_reset(&out);
	jsonapi_error_write(&out, 401, "not_authenticated",
			    "Authentication credentials were not provided.",
			    "Missing \"Authorization\" header.\n", NULL);
	v = check_doc(out.ptr, 1);
	e0 = YAJL_GET_ARRAY(yajl_tree_get(v, (const char *[]){ "errors", NULL }, yajl_t_array))->values[0];
	assert_int_equal(YAJL_GET_INTEGER(yajl_tree_get(e0, p_status, yajl_t_number)), 401);
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(e0, p_code, yajl_t_string)), "not_authenticated");
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(e0, p_detail, yajl_t_string)),
			    "Missing \"Authorization\" header.\n");
	assert_null(yajl_tree_get(e0, p_src, yajl_t_any));
	yajl_tree_free(v);
	buf_reset(&out);
	jsonapi_error_write(&out, 429, "throttled", "Request was throttled.", "Slow down.", "/data");
	v = check_doc(out.ptr, 1);
	e0 = YAJL_GET_ARRAY(yajl_tree_get(v, (const char *[]){ "errors", NULL }, yajl_t_array))->values[0];
	assert_string_equal(YAJL_GET_STRING(yajl_tree_get(e0, p_ptr, yajl_t_string)), "/data");
	yajl_tree_free(v);
	/* invalid UTF-8 in a detail still yields a valid document */
	buf_reset(&out);
	jsonapi_error_write(&out, 415, "unsupported_media_type", "Unsupported media type.", "bad \xff", NULL);
	v = check_doc(out.ptr, 1);
	yajl_tree_free(v);
	/* ids differ */
	{
		struct buf o2 = BUF_INIT;
		buf_reset(&out);
		jsonapi_error_write(&out, 403, "permission_denied", "t", "d", NULL);
		jsonapi_error_write(&o2, 403, "permission_denied", "t", "d", NULL);
		assert_string_not_equal(out.ptr, o2.ptr);
		buf_release(&o2);
	}
	/* an empty list writes {"errors": []} (the one JSON writer: Python separators) */
	{
		struct jsonapi_errors none = JSONAPI_ERRORS_INIT;
		buf_reset(&out);
		jsonapi_errors_write(&none, &out);
		assert_string_equal(out.ptr, "{\"errors\": []}");
	}
	buf_release(&out);
}

static void test_jsonapi_reuse(void **state)
{
	struct jsonapi_sub sub = JSONAPI_SUB_INIT;
	struct jsonapi_errors errs = JSONAPI_ERRORS_INIT;

	(void)state;
	/* out is released by each call, errors accumulate */
	assert_int_equal(jsonapi_parse_subscription(klaviyo_example, strlen(klaviyo_example), &sub, &errs), 0);
	assert_int_equal(jsonapi_parse_subscription(klaviyo_example, strlen(klaviyo_example), &sub, &errs), 0);
	assert_string_equal(sub.variant_id, "SKU-1");
	assert_int_equal(jsonapi_parse_subscription("{}", 2, &sub, &errs), 400);
	assert_null(sub.variant_id);
	assert_int_equal(errs.nr, 1);
	jsonapi_errors_add(&errs, 405, "method_not_allowed", "Method not allowed.", "Use POST.", NULL);
	assert_int_equal(errs.nr, 2);
	assert_null(errs.v[1].pointer);
	jsonapi_sub_release(&sub);
	jsonapi_errors_release(&errs);
	assert_int_equal(errs.nr, 0);
}

/* The subscribe validator accepts only what the mailer can send to (dot-atom local parts). */
static void test_email_dot_atom(void **state)
{
	static const char *good[] = { "o'brien+tag@example.com", "a.b.c@example.com",
				      "x!#$%&*=?^_`{|}~-@example.org", "j\xc3\xb6rg@example.de" };
	static const char *bad[] = { "a..b@example.com", ".a@example.com", "a.@example.com",
				     "a\"b@example.com", "a(b)@example.com", "a,b@example.com",
				     "a\\b@example.com", "a:b@example.com" };
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_true(email_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_false(email_valid(bad[i], strlen(bad[i])));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_has_control),
		cmocka_unit_test(test_email_valid),
		cmocka_unit_test(test_span_trim),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_ue_basic),
		cmocka_unit_test(test_ue_decoding),
		cmocka_unit_test(test_ue_bad_percent),
		cmocka_unit_test(test_ue_nul_utf8),
		cmocka_unit_test(test_ue_duplicates_rollback),
		cmocka_unit_test(test_ue_limits),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_form_add),
		cmocka_unit_test(test_mp_curl),
		cmocka_unit_test(test_mp_browser),
		cmocka_unit_test(test_mp_shapes),
		cmocka_unit_test(test_mp_boundary),
		cmocka_unit_test(test_mp_malformed),
		cmocka_unit_test(test_mp_limits),
		cmocka_unit_test(test_parse_body),
		cmocka_unit_test(test_cookie_basic),
		cmocka_unit_test(test_cookie_malformed),
		cmocka_unit_test(test_jsonapi_valid),
		cmocka_unit_test(test_jsonapi_not_json),
		cmocka_unit_test(test_jsonapi_data),
		cmocka_unit_test(test_jsonapi_channels),
		cmocka_unit_test(test_jsonapi_profile),
		cmocka_unit_test(test_jsonapi_variant),
		cmocka_unit_test(test_jsonapi_many_errors),
		cmocka_unit_test(test_jsonapi_depth),
		cmocka_unit_test(test_jsonapi_size),
		cmocka_unit_test(test_jsonapi_write),
		cmocka_unit_test(test_jsonapi_reuse),
		cmocka_unit_test(test_email_dot_atom),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
