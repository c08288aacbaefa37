/* test_feed: unit tests for feed value parsing, mapping, validation, detection and both parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "bis/feed.h"
#include "bis/sync_report.h"
#include "core/limits.h"
#include "feed/builder.h"
#include "feed/detect.h"
#include "feed/fetch.h"
#include "feed/json.h"
#include "feed/map.h"
#include "feed/validate.h"
#include "feed/xml.h"
#include "store/catalog.h"

/* ---- a collecting sink ---- */

struct got {
	struct item items[16];
	size_t n;
	char reasons[16][256];
	size_t nrej;
	long long rej_item[16];
};

static int got_item(void *ctx, struct item *it, long long itemno)
{
	struct got *g = ctx;
	(void)itemno;
	if (g->n < 16) {
		g->items[g->n] = *it;	/* take ownership */
		item_init(it);
		g->n++;
	}
	return 0;
}

static void got_reject(void *ctx, long long itemno, const char *id,
		       const char *field, const char *reason)
{
	struct got *g = ctx;
	(void)id;
	if (g->nrej < 16) {
		g->rej_item[g->nrej] = itemno;
		snprintf(g->reasons[g->nrej++], 256, "%s: %s", field, reason);
	}
}

static void got_release(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		item_release(&g->items[i]);
	memset(g, 0, sizeof(*g));
}

/* parse: run text through detection and the right parser. Returns the parser's rc. */
static int parse(const char *text, const char *mapping, struct got *g,
		 struct buf *err)
{
	struct feed_mapping m;
	struct feed_builder b;
	struct feed_input in;
	struct feed_sink sink = { got_item, got_reject, NULL, g };
	struct buf el = BUF_INIT;
	int rc, fmt;

	memset(g, 0, sizeof(*g));
	assert_int_equal(feed_mapping_init(&m, "auto", mapping, err), 0);
	feed_builder_init(&b, &m, &sink);
	feed_input_mem(&in, text, strlen(text));
	fmt = feed_detect_format(&in, NULL, err);
	if (fmt == FEED_JSON)
		rc = feed_parse_json(&in, &b, err);
	else if (fmt == FEED_XML && feed_detect_item_element(&in, &m, &el, err) == 0)
		rc = feed_parse_xml(&in, el.ptr, &b, err);
	else
		rc = -1;
	buf_release(&el);
	feed_builder_release(&b);
	feed_mapping_release(&m);
	return rc;
}

#define ITEM(extra) "{\"id\":\"A\",\"title\":\"T\",\"link\":\"https://x.example/a\"," \
	"\"description\":\"D\",\"price\":1,\"image_link\":\"https://x.example/a.jpg\"" extra "}"

/* ---- value parsers ---- */

static void test_numbers(void **state)
{
	double d;
	(void)state;
	assert_int_equal(feed_parse_number("5", 1, &d), 0);
	assert_true(d == 5);
	assert_int_equal(feed_parse_number(" 19.99", 6, &d), 0);
	assert_true(d == 19.99);
	assert_int_equal(feed_parse_number("1e3 ", 4, &d), 0);
	assert_true(d == 1000);
	assert_int_equal(feed_parse_number("abc", 3, &d), -1);
	assert_int_equal(feed_parse_number("", 0, &d), -1);
	assert_int_equal(feed_parse_number("0x10", 4, &d), -1);
	assert_int_equal(feed_parse_number("nan", 3, &d), -1);
	assert_int_equal(feed_parse_number("1.2.3", 5, &d), -1);
	assert_int_equal(feed_parse_number("123456789012345678901234567890", 30, &d), 0);
	assert_true(d > 1e29);
	assert_int_equal(feed_parse_price("12.99 USD", 9, &d), 0);
	assert_true(d == 12.99);
	assert_int_equal(feed_parse_price("7EUR", 4, &d), 0);
	assert_int_equal(feed_parse_price("12.99 dollars", 13, &d), -1);
}

static void test_quantity(void **state)
{
	long long q;
	(void)state;
	assert_int_equal(feed_parse_quantity("5", 1, &q), 0);
	assert_int_equal(q, 5);
	assert_int_equal(feed_parse_quantity("5.0", 3, &q), 0);
	assert_int_equal(q, 5);
	assert_int_equal(feed_parse_quantity("-2", 2, &q), 0);
	assert_int_equal(q, -2);
	assert_int_equal(feed_parse_quantity("5.5", 3, &q), -1);
	assert_int_equal(feed_parse_quantity("abc", 3, &q), -1);
	assert_int_equal(feed_parse_quantity("123456789012345678901234567890", 30, &q), -2);
	assert_int_equal(feed_parse_quantity("1000000000000000", 16, &q), 0);
	assert_int_equal(feed_parse_quantity("1000000000000001", 16, &q), -2);
}

static void test_bool_date_list(void **state)
{
	int b;
	struct buf out = BUF_INIT;
	(void)state;
	assert_int_equal(feed_parse_bool(" Yes", 4, &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(feed_parse_bool("FALSE", 5, &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(feed_parse_bool("0", 1, &b), 0);
	assert_int_equal(feed_parse_bool("maybe", 5, &b), -1);

	assert_int_equal(feed_parse_date("2024-02-29", 10, &out), 0);
	assert_string_equal(out.ptr, "2024-02-29T00:00:00Z");
	assert_int_equal(feed_parse_date("2023-02-29", 10, &out), -1);
	assert_int_equal(feed_parse_date("2024-05-01T10:20:30+02:00", 25, &out), 0);
	assert_string_equal(out.ptr, "2024-05-01T08:20:30Z");
	assert_int_equal(feed_parse_date("2024-12-31T23:30:00.123-01:00", 29, &out), 0);
	assert_string_equal(out.ptr, "2025-01-01T00:30:00Z");
	assert_int_equal(feed_parse_date("2024-05-01 10:20Z", 17, &out), 0);
	assert_string_equal(out.ptr, "2024-05-01T10:20:00Z");
	assert_int_equal(feed_parse_date("May 1 2024", 10, &out), -1);
	assert_int_equal(feed_parse_date("2024-13-01", 10, &out), -1);

	assert_int_equal(feed_split_list(" a, b ,,c ", 10, &out), 3);
	assert_memory_equal(out.ptr, "a\0b\0c\0", 6);
	assert_int_equal(feed_split_list("", 0, &out), 0);
	buf_reset(&out);
	feed_json_string(&out, "a\"b\\\n", 5);
	assert_string_equal(out.ptr, "\"a\\\"b\\\\\\u000a\"");
	buf_release(&out);
}

/* ---- mapping ---- */

static void test_mapping_rules(void **state)
{
	struct feed_mapping m;
	struct buf err = BUF_INIT;
	(void)state;
	assert_int_equal(feed_mapping_init(&m, "auto",
		"sku=$id\n# comment\n\nqty = $inventory_quantity:Number\nwhen=added:Date\ng:x=g:y:String\n", &err), 0);
	assert_int_equal(m.nrules, 4);
	assert_string_equal(m.rules[0].to, "$id");
	assert_string_equal(m.rules[2].to, "added");
	assert_int_equal(m.rules[2].type, FT_DATE);
	assert_string_equal(m.rules[3].from, "g:x");
	assert_string_equal(m.rules[3].to, "g:y");
	assert_true(feed_map_is_id(&m, FEED_PRESET_DEFAULT, "sku"));
	assert_true(feed_map_is_id(&m, FEED_PRESET_DEFAULT, "$id"));
	assert_true(feed_map_is_id(&m, FEED_PRESET_AUTO, "g:id"));
	assert_false(feed_map_is_id(&m, FEED_PRESET_DEFAULT, "g:id"));
	feed_mapping_release(&m);
	assert_int_equal(feed_mapping_init(&m, "auto", "x=$nope", &err), -1);
	assert_non_null(strstr(err.ptr, "unknown Klaviyo field"));
	buf_reset(&err);
	assert_int_equal(feed_mapping_init(&m, "auto", "no equals", &err), -1);
	buf_reset(&err);
	assert_int_equal(feed_mapping_init(&m, "weird", "", &err), -1);
	buf_release(&err);
}

static void test_mapping_json(void **state)
{
	struct got g;
	struct buf err = BUF_INIT;
	(void)state;
	assert_int_equal(parse("[" ITEM(",\"inventory_quantity\":\" 7 \",\"categories\":\"a, b,a\","
		"\"color\":\"red\",\"when\":\"2024-01-02\",\"sale\":\"yes\",\"tags\":[\"x\",\"y\"],"
		"\"inventory_policy\":\"1\"") "]",
		"when=added:Date\nsale=on_sale:Boolean\n", &g, &err), 0);
	assert_int_equal(g.n, 1);
	struct item *it = &g.items[0];
	assert_string_equal(it->id, "A");
	assert_true(it->has_quantity);
	assert_int_equal(it->quantity, 7);
	assert_int_equal(it->policy, 1);
	assert_int_equal(it->ncategories, 2);
	assert_string_equal(it->categories[1], "b");
	assert_string_equal(item_meta_get(it, "color"), "red");
	assert_string_equal(item_meta_get(it, "added"), "2024-01-02T00:00:00Z");
	assert_string_equal(item_meta_get(it, "on_sale"), "true");
	assert_string_equal(item_meta_get(it, "tags"), "[\"x\",\"y\"]");
	got_release(&g);
	buf_release(&err);
}

static void test_dollar_keys_and_google(void **state)
{
	struct got g;
	struct buf err = BUF_INIT;
	(void)state;
	assert_int_equal(parse("{\"items\":[{\"$id\":\"Z\",\"$title\":\"T\",\"$link\":\"http://x.example/\","
		"\"$description\":\"d\",\"$price\":\"3\",\"$image_link\":\"http://x.example/i\"}]}",
		"", &g, &err), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.items[0].id, "Z");
	assert_false(g.items[0].has_quantity);
	got_release(&g);

	assert_int_equal(parse("<rss xmlns:g=\"http://base.google.com/ns/1.0\"><channel><title>s</title>"
		"<link>http://x.example</link><description>x</description>"
		"<item><g:id>G</g:id><title>T</title><link>http://x.example/g</link><description>d</description>"
		"<g:price>12.99 USD</g:price><g:image_link>http://x.example/g.jpg</g:image_link>"
		"<g:availability>out of stock</g:availability><g:product_type>A, B</g:product_type></item>"
		"</channel></rss>", "", &g, &err), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.items[0].id, "G");
	assert_true(g.items[0].price == 12.99);
	assert_true(g.items[0].has_quantity);
	assert_int_equal(g.items[0].quantity, 0);
	assert_int_equal(g.items[0].ncategories, 2);
	got_release(&g);
	buf_release(&err);
}

/* ---- validation ---- */

static const char *reject_reason(const char *json)
{
	static char why[256];
	struct got g;
	struct buf err = BUF_INIT;
	assert_int_equal(parse(json, "", &g, &err), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.nrej, 1);
	snprintf(why, sizeof(why), "%s", g.reasons[0]);
	got_release(&g);
	buf_release(&err);
	return why;
}

static void test_validation(void **state)
{
	(void)state;
	assert_string_equal(reject_reason("[{\"id\":\"A\"}]"), "$title: missing");
	assert_string_equal(reject_reason("[" ITEM(",\"title\":\" \"") "]"), "$title: blank");
	assert_string_equal(reject_reason("[" ITEM(",\"price\":\"abc\"") "]"), "price: not a number");
	assert_string_equal(reject_reason("[" ITEM(",\"price\":-1") "]"), "$price: must not be negative");
	assert_string_equal(reject_reason("[" ITEM(",\"inventory_quantity\":\"abc\"") "]"),
			    "inventory_quantity: not a whole number");
	assert_string_equal(reject_reason("[" ITEM(",\"inventory_quantity\":1e20") "]"),
			    "inventory_quantity: out of range (more than 10^15)");
	assert_string_equal(reject_reason("[" ITEM(",\"inventory_policy\":3") "]"),
			    "inventory_policy: must be 0, 1 or 2");
	assert_string_equal(reject_reason("[" ITEM(",\"link\":\"/relative\"") "]"),
			    "$link: not an http(s) URL");
	assert_string_equal(reject_reason("[" ITEM(",\"id\":\"a\\tb\"") "]"),
			    "$id: contains control characters");
	assert_string_equal(reject_reason("[" ITEM(",\"x\":{\"y\":1}") "]"),
			    "x: nested objects are not supported");
	assert_string_equal(reject_reason("[" ITEM(",\"x\":[[1]]") "]"),
			    "x: lists may only hold strings, numbers or booleans");
	assert_string_equal(reject_reason("[" ITEM(",\"x\":\"a\\u0000b\"") "]"),
			    "x: contains a NUL character");
	assert_string_equal(reject_reason("[42]"), ": the item is not an object");
	assert_true(utf8_valid("h\xc3\xa9", 3));
	assert_false(utf8_valid("\xc3", 1));
	assert_false(utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(utf8_valid("\xc0\xaf", 2));	/* overlong */
	assert_true(feed_http_url("https://a.example/x?y=1"));
	assert_false(feed_http_url("https:///x"));
	assert_false(feed_http_url("ftp://a.example/"));
}

static void test_limits(void **state)
{
	struct got g;
	struct buf err = BUF_INIT, json = BUF_INIT;
	(void)state;
	/* a value of exactly FEED_MAX_FIELD_BYTES is fine, one more rejects the item */
	for (int over = 0; over <= 1; over++) {
		buf_reset(&json);
		buf_adds(&json, "[" ITEM(""));
		buf_setlen(&json, json.len - 1);	/* drop the closing brace */
		buf_adds(&json, ",\"big\":\"");
		for (int i = 0; i < FEED_MAX_FIELD_BYTES + over; i++)
			buf_addch(&json, 'x');
		buf_adds(&json, "\"}]");
		assert_int_equal(parse(json.ptr, "", &g, &err), 0);
		assert_int_equal(g.n, over ? 0 : 1);
		if (over)
			assert_string_equal(g.reasons[0], "big: field big longer than 65536 bytes");
		got_release(&g);
	}
	/* 256 fields are fine, 257 reject the item */
	for (int over = 0; over <= 1; over++) {
		buf_reset(&json);
		buf_adds(&json, "[" ITEM(""));
		buf_setlen(&json, json.len - 1);
		for (int i = 6; i < FEED_MAX_FIELDS + over; i++)
			buf_addf(&json, ",\"f%d\":1", i);
		buf_adds(&json, "}]");
		assert_int_equal(parse(json.ptr, "", &g, &err), 0);
		assert_int_equal(g.n, over ? 0 : 1);
		if (over)
			assert_string_equal(g.reasons[0], ": more than 256 fields");
		got_release(&g);
	}
	/* depth 32 is fine, 33 is a malformed feed */
	for (int over = 0; over <= 1; over++) {
		buf_reset(&json);
		for (int i = 0; i < FEED_MAX_JSON_DEPTH + over; i++)
			buf_addch(&json, '[');
		for (int i = 0; i < FEED_MAX_JSON_DEPTH + over; i++)
			buf_addch(&json, ']');
		buf_reset(&err);
		assert_int_equal(parse(json.ptr, "", &g, &err), over ? -1 : 0);
		if (over)
			assert_non_null(strstr(err.ptr, "nested deeper than 32"));
		got_release(&g);
	}
	buf_release(&json);
	buf_release(&err);
}

/* ---- detection and parsers ---- */

static void test_detect(void **state)
{
	struct feed_input in;
	struct feed_mapping m;
	struct buf err = BUF_INIT, el = BUF_INIT;
	(void)state;
	feed_input_mem(&in, "\xef\xbb\xbf \n<a/>", 9);
	assert_int_equal(feed_detect_format(&in, NULL, &err), FEED_XML);
	feed_input_mem(&in, "  [1]", 5);
	assert_int_equal(feed_detect_format(&in, NULL, &err), FEED_JSON);
	assert_int_equal(feed_detect_format(&in, "xml", &err), FEED_XML);
	feed_input_mem(&in, "   ", 3);
	assert_int_equal(feed_detect_format(&in, NULL, &err), -1);
	feed_input_mem(&in, "hello", 5);
	assert_int_equal(feed_detect_format(&in, NULL, &err), -1);

	feed_mapping_init(&m, "auto", "", &err);
	const char *docs[][2] = {
		{ "<items><item><id>1</id></item><item><id>2</id></item></items>", "item" },
		{ "<rss><Products><Product><id>1</id></Product><Product><id>2</id></Product></Products></rss>", "Product" },
		{ "<rss><channel><title>t</title><link>l</link><item><g:id xmlns:g='x'>1</g:id></item></channel></rss>", "item" },
		{ "<items><item><id>1</id><categories><category>a</category></categories></item></items>", "item" },
		{ "<feed><entry><sku>1</sku></entry><entry><sku>2</sku></entry><info><a>1</a></info></feed>", "entry" },
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		feed_input_mem(&in, docs[i][0], strlen(docs[i][0]));
		assert_int_equal(feed_detect_item_element(&in, &m, &el, &err), 0);
		assert_string_equal(el.ptr, docs[i][1]);
	}
	feed_mapping_release(&m);
	buf_release(&err);
	buf_release(&el);
}

static void test_xml_parser(void **state)
{
	struct got g;
	struct buf err = BUF_INIT;
	(void)state;
	assert_int_equal(parse("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'EXPANDED'>]>"
		"<items><item><id>X1</id><title>A &amp; &e;B</title><link>http://x.example/1</link>"
		"<description><![CDATA[<b>bold</b>]]></description><price>2</price>"
		"<image_link>http://x.example/1.jpg</image_link><empty/>"
		"<categories><category>c1</category><category>c2</category></categories>"
		"<size>S</size><size>M</size></item></items>", "", &g, &err), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.items[0].title, "A & B");
	assert_string_equal(g.items[0].description, "<b>bold</b>");
	assert_int_equal(g.items[0].ncategories, 2);
	assert_string_equal(item_meta_get(&g.items[0], "size"), "[\"S\",\"M\"]");
	assert_string_equal(item_meta_get(&g.items[0], "empty"), "");
	got_release(&g);

	buf_reset(&err);
	assert_int_equal(parse("<items><item><id>1</id></item>\n<item><id>2</oops></item></items>",
			       "", &g, &err), -1);
	assert_non_null(strstr(err.ptr, "malformed XML at line 2"));
	got_release(&g);
	buf_reset(&err);
	assert_int_equal(parse("<items><item><id>1</id></item><item>", "", &g, &err), -1);
	got_release(&g);
	buf_release(&err);
}

static void test_json_parser(void **state)
{
	struct got g;
	struct buf err = BUF_INIT;
	(void)state;
	assert_int_equal(parse("{\"tags\":[\"a\"],\"empty\":[],\"products\":[" ITEM(",\"n\":null,\"b\":false") "," ITEM(",\"id\":\"B\"") "]}",
			       "", &g, &err), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.items[1].id, "B");
	assert_null(item_meta_get(&g.items[0], "n"));
	assert_string_equal(item_meta_get(&g.items[0], "b"), "false");
	got_release(&g);
	buf_reset(&err);
	assert_int_equal(parse("[" ITEM("") ",\n{\"id\":", "", &g, &err), -1);
	assert_non_null(strstr(err.ptr, "malformed JSON"));
	got_release(&g);
	buf_reset(&err);
	assert_int_equal(parse("[{\"id\":\"\xff\"}]", "", &g, &err), -1);
	got_release(&g);
	buf_release(&err);
}

/* ---- the sync and its report ---- */

static void test_sync_report_roundtrip(void **state)
{
	struct sync_report r, back;
	struct buf json = BUF_INIT, err = BUF_INIT, text = BUF_INIT;
	(void)state;
	sync_report_init(&r);
	sync_report_init(&back);
	sync_report_add_source(&r, "a.xml");
	r.accepted = 5;
	r.bytes = 2 * 1024 * 1024;
	sync_report_reject(&r, "a.xml", 3, "id\x01", "$price", "missing");
	sync_report_warn(&r, "duplicate id %s", "X");
	sync_report_fail(&r, "feed a.xml: HTTP 404");
	sync_report_json(&r, &json);
	assert_int_equal(sync_report_parse(&back, json.ptr, &err), 0);
	assert_int_equal(back.accepted, 5);
	assert_int_equal(back.rejected, 1);
	assert_int_equal(back.warnings, 1);
	assert_string_equal(back.rows[0].id, "id?");
	assert_string_equal(back.error, "feed a.xml: HTTP 404");
	sync_report_text(&back, &text);
	assert_non_null(strstr(text.ptr, "sync: 5 items accepted, 1 rejected, 1 warnings (2.0 MB in"));
	assert_non_null(strstr(text.ptr, "rejected: a.xml item 3 (id id?): $price: missing"));
	sync_report_release(&r);
	sync_report_release(&back);
	buf_release(&json);
	buf_release(&err);
	buf_release(&text);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_bis_sync(void **state)
{
	char home[] = "/tmp/restock-test-XXXXXX";
	char path[256], path2[256];
	struct sync_report rep, last;
	struct buf err = BUF_INIT;
	struct catalog c;
	struct item it;
	(void)state;
	assert_non_null(mkdtemp(home));
	snprintf(path, sizeof(path), "%s/a.json", home);
	snprintf(path2, sizeof(path2), "%s/bad.json", home);
	write_file(path, "[" ITEM(",\"inventory_quantity\":3") "," ITEM(",\"id\":\"B\"") "," ITEM(",\"price\":\"x\"") "]");
	write_file(path2, "[" ITEM(",\"id\":\"C\"") ",");

	const char *srcs[] = { path };
	sync_report_init(&rep);
	assert_int_equal(bis_sync(home, srcs, 1, &rep, NULL, &err), 0);
	assert_int_equal(rep.accepted, 2);
	assert_int_equal(rep.rejected, 1);
	sync_report_release(&rep);

	/* a malformed second source fails everything and keeps the catalog */
	const char *srcs2[] = { path, path2 };
	sync_report_init(&rep);
	assert_int_equal(bis_sync(home, srcs2, 2, &rep, NULL, &err), -1);
	assert_non_null(strstr(err.ptr, "bad.json: malformed JSON"));
	sync_report_release(&rep);
	sync_report_init(&last);
	assert_int_equal(sync_report_load(home, &last, &err), 1);
	assert_false(last.ok);
	assert_non_null(last.error);
	sync_report_release(&last);

	assert_int_equal(catalog_open(&c, home, &err), 0);
	assert_int_equal(catalog_count(&c, "#items"), 2);
	item_init(&it);
	assert_int_equal(catalog_get(&c, "A", &it), 1);
	assert_int_equal(it.quantity, 3);
	assert_int_equal(catalog_get(&c, "C", &it), 0);
	item_release(&it);
	catalog_close(&c);
	buf_release(&err);

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	assert_int_equal(system(cmd), 0);
}

static void test_private_addr(void **state)
{
	struct sockaddr_in a;
	(void)state;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	const char *priv[] = { "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255",
			       "192.168.1.1", "169.254.169.254", "0.0.0.0" };
	const char *pub[] = { "8.8.8.8", "172.32.0.1", "192.169.0.1", "1.1.1.1" };
	for (size_t i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
		inet_pton(AF_INET, priv[i], &a.sin_addr);
		assert_true(feed_private_addr((struct sockaddr *)&a));
	}
	for (size_t i = 0; i < sizeof(pub) / sizeof(pub[0]); i++) {
		inet_pton(AF_INET, pub[i], &a.sin_addr);
		assert_false(feed_private_addr((struct sockaddr *)&a));
	}
	struct sockaddr_in6 b;
	memset(&b, 0, sizeof(b));
	b.sin6_family = AF_INET6;
	const char *priv6[] = { "::1", "fc00::1", "fd12::1", "fe80::1", "::ffff:127.0.0.1" };
	for (size_t i = 0; i < sizeof(priv6) / sizeof(priv6[0]); i++) {
		inet_pton(AF_INET6, priv6[i], &b.sin6_addr);
		assert_true(feed_private_addr((struct sockaddr *)&b));
	}
	inet_pton(AF_INET6, "2001:db8::1", &b.sin6_addr);
	assert_false(feed_private_addr((struct sockaddr *)&b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_quantity),
		cmocka_unit_test(test_bool_date_list),
		cmocka_unit_test(test_mapping_rules),
		cmocka_unit_test(test_mapping_json),
		cmocka_unit_test(test_dollar_keys_and_google),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_xml_parser),
		cmocka_unit_test(test_json_parser),
		cmocka_unit_test(test_sync_report_roundtrip),
		cmocka_unit_test(test_bis_sync),
		cmocka_unit_test(test_private_addr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
