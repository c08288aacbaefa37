/* test_engine: release arithmetic, FIFO release and crash recovery, backoff, UTM links, templates in strict mode. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bis/deliver.h"
#include "bis/home.h"
#include "bis/message.h"
#include "bis/purge.h"
#include "bis/restock.h"
#include "bis/token.h"
#include "core/buf.h"
#include "store/catalog.h"
#include "store/db.h"
#include "store/outbox.h"
#include "store/settings.h"
#include "store/subs.h"

/* ---- fixtures ---- */

static char templates_dir[4096];

/* A fresh home in a temp dir (caller frees the string; files are left for the OS tmp cleaner). */
static char *new_home(void)
{
	char tmpl[] = "/tmp/restock-unit-engine.XXXXXX";
	struct home_init_opts o = { "abc123", NULL, "http://shop.test/r/" };
	struct buf err = BUF_INIT;
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	assert_int_equal(home_init(d, &o, &err), 0);
	buf_release(&err);
	return xstrdup(d);
}

static void rm_home(char *home)
{
	struct buf cmd = BUF_INIT;
	buf_addf(&cmd, "rm -rf '%s'", home);
	if (system(cmd.ptr) != 0)
		fprintf(stderr, "# could not remove %s\n", home);
	buf_release(&cmd);
	free(home);
}

static void set(const char *home, const char *k, const char *v)
{
	struct buf err = BUF_INIT;
	if (settings_set(home, k, v, &err) < 0)
		fail_msg("setting %s=%s: %s", k, v, err.ptr);
	buf_release(&err);
}

struct item_spec {
	const char *id, *title, *cat;
	long long qty;	/* -1: no quantity */
	int policy;
};

static void build_catalog(const char *home, const struct item_spec *specs, size_t n)
{
	struct catalog_writer w;
	struct buf err = BUF_INIT;
	assert_int_equal(catalog_begin(&w, home, 1, &err), 0);
	for (size_t i = 0; i < n; i++) {
		struct item it;
		struct buf link = BUF_INIT;
		item_init(&it);
		it.id = xstrdup(specs[i].id);
		it.title = xstrdup(specs[i].title);
		buf_addf(&link, "https://shop.example/p/%s", specs[i].id);
		it.link = buf_detach(&link, NULL);
		it.image_link = xstrdup("https://shop.example/i.jpg");
		it.description = xstrdup("A fine thing & more.");
		it.price = 12.5;
		it.has_price = 1;
		it.quantity = specs[i].qty;
		it.has_quantity = specs[i].qty >= 0;
		it.policy = specs[i].policy;
		item_add_category(&it, specs[i].cat, strlen(specs[i].cat));
		item_add_meta(&it, "color", "Teal", 4, FT_STRING);
		assert_true(catalog_put(&w, &it) >= 0);
		item_release(&it);
	}
	assert_int_equal(catalog_commit(&w, &err), 0);
	buf_release(&err);
}

/* subscribe_direct: n waiters on variant through the store (the web path is tested end to end). */
static void subscribe_direct(const char *home, const char *variant, int from, int to)
{
	struct db db;
	struct buf err = BUF_INIT, e = BUF_INIT;
	assert_int_equal(waiting_add(home, variant, &err), 0);
	assert_int_equal(db_open(&db, home, DB_SUBS, DB_WRITE, &err), 0);
	for (int i = from; i <= to; i++) {
		struct sub s;
		sub_init(&s);
		buf_reset(&e);
		buf_addf(&e, "u%d@example.com", i);
		s.email = xstrdup(e.ptr);
		s.email_key = email_key(e.ptr);
		s.variant = xstrdup(variant);
		s.platform = xstrdup("api");
		s.channels = CH_EMAIL;
		s.created_us = 1000000LL * i;
		assert_int_equal(subs_enqueue(&db, &s), 0);
		sub_release(&s);
	}
	db_close(&db);
	buf_release(&err);
	buf_release(&e);
}

static long long waiting_on(const char *home, const char *variant)
{
	struct db db;
	struct variant_head h;
	assert_int_equal(db_open(&db, home, DB_SUBS, DB_READ, NULL), 0);
	variant_head_get(&db, variant, &h);
	db_close(&db);
	return h.waiting;
}

/* outbox_emails: the recipients of the outbox records in id order, space separated. */
static char *outbox_emails(const char *home, char state)
{
	struct db ob;
	struct notif n;
	struct buf out = BUF_INIT;
	if (db_open(&ob, home, DB_OUTBOX, DB_READ, NULL) < 0)
		return buf_detach(&out, NULL);
	notif_init(&n);
	for (long long id = 0; id < outbox_next_id(&ob); id++)
		if (outbox_get(&ob, id, &n) == 1 && (!state || n.state == state))
			buf_addf(&out, "%s%s", out.len ? " " : "", n.email);
	notif_release(&n);
	db_close(&ob);
	return buf_detach(&out, NULL);
}

/* ---- release arithmetic ---- */

static void test_quota(void **state)
{
	struct restock_rules all = { 1, 0, 1, 3600 };
	struct restock_rules pu = { 1, 1, 1, 3600 };
	struct restock_rules pu5 = { 2, 1, 5, 3600 };
	(void)state;
	assert_int_equal(restock_quota(&all, 1, 100), 100);
	assert_int_equal(restock_quota(&all, 0, 100), 0);
	assert_int_equal(restock_quota(&all, 5, 0), 0);
	assert_int_equal(restock_quota(&pu, 1, 100), 1);
	assert_int_equal(restock_quota(&pu, 3, 2), 2);
	assert_int_equal(restock_quota(&pu5, 20, 150), 100);
	assert_int_equal(restock_quota(&pu5, 1, 150), 0);	/* below min_inventory 2 */
	assert_int_equal(restock_quota(&pu5, 2, 150), 10);
	assert_int_equal(restock_quota(&pu5, 1000000000000000LL, 7), 7);	/* no overflow */
	assert_int_equal(restock_quota(&pu, -4, 10), 0);
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(deliver_backoff(60, 1), 60);
	assert_int_equal(deliver_backoff(60, 2), 120);
	assert_int_equal(deliver_backoff(60, 3), 240);
	assert_int_equal(deliver_backoff(60, 6), 1920);
	assert_int_equal(deliver_backoff(60, 200), DELIVER_BACKOFF_MAX_S);
	assert_int_equal(deliver_backoff(86400, 10), DELIVER_BACKOFF_MAX_S);
	assert_int_equal(deliver_backoff(0, 1), 1);
}

static void expect_url(const char *link, int utm, const char *want)
{
	struct buf b = BUF_INIT;
	message_product_url(&b, link, utm);
	assert_string_equal(b.ptr, want);
	buf_release(&b);
}

static void test_utm_links(void **state)
{
	(void)state;
	expect_url("https://s.example/p/1", 1, "https://s.example/p/1?" MSG_UTM_QUERY);
	expect_url("https://s.example/p?id=1", 1, "https://s.example/p?id=1&" MSG_UTM_QUERY);
	expect_url("https://s.example/p?", 1, "https://s.example/p?" MSG_UTM_QUERY);
	expect_url("https://s.example/p?a=1&", 1, "https://s.example/p?a=1&" MSG_UTM_QUERY);
	expect_url("https://s.example/p#reviews", 1, "https://s.example/p?" MSG_UTM_QUERY "#reviews");
	expect_url("https://s.example/p?a=1#x?y", 1, "https://s.example/p?a=1&" MSG_UTM_QUERY "#x?y");
	expect_url("https://s.example/p?a=1", 0, "https://s.example/p?a=1");
	expect_url("", 1, "");
}

static void test_restock_now_override(void **state)
{
	(void)state;
	setenv("RESTOCK_NOW", "1700000000", 1);
	assert_int_equal(restock_now(), 1700000000LL);
	setenv("RESTOCK_NOW", "junk", 1);
	assert_true(restock_now() > 1700000000LL);
	unsetenv("RESTOCK_NOW");
}

/* ---- the engine against a real home ---- */

static void test_evaluate_fifo_per_unit(void **state)
{
	static const struct item_spec items[] = {
		{ "V1", "One", "C", 20, 0 }, { "V2", "Two", "C", 0, 0 },
	};
	struct restock_report rep;
	struct buf err = BUF_INIT, want = BUF_INIT;
	char *home = new_home(), *got;
	(void)state;

	setenv("RESTOCK_NOW", "1700000000", 1);
	set(home, "notify_mode", "per_unit");
	set(home, "customers_per_unit", "5");
	set(home, "wait_minutes", "60");
	build_catalog(home, items, 2);
	subscribe_direct(home, "V1", 1, 150);
	subscribe_direct(home, "V2", 1001, 1003);
	assert_int_equal(restock_evaluate(home, &rep, &err), 0);
	assert_int_equal(rep.released, 100);
	assert_int_equal(rep.variants, 2);
	assert_int_equal(waiting_on(home, "V1"), 50);
	assert_int_equal(waiting_on(home, "V2"), 3);
	got = outbox_emails(home, 0);
	for (int i = 1; i <= 100; i++)
		buf_addf(&want, "%su%d@example.com", i > 1 ? " " : "", i);
	assert_string_equal(got, want.ptr);	/* the oldest 100, in order */
	free(got);

	/* inside the wait: nothing; at its end: the next batch */
	assert_int_equal(restock_evaluate(home, &rep, &err), 0);
	assert_int_equal(rep.released, 0);
	assert_int_equal(rep.in_wait, 1);
	setenv("RESTOCK_NOW", "1700003600", 1);
	assert_int_equal(restock_evaluate(home, &rep, &err), 0);
	assert_int_equal(rep.released, 50);
	assert_int_equal(waiting_on(home, "V1"), 0);
	assert_int_equal(rep.emptied, 1);
	unsetenv("RESTOCK_NOW");
	buf_release(&err);
	buf_release(&want);
	rm_home(home);
}

static void test_evaluate_crash_recovery_and_requeue(void **state)
{
	static const struct item_spec items[] = { { "V", "Vee", "C", 3, 0 } };
	struct restock_report rep;
	struct buf err = BUF_INIT;
	struct db ob, db;
	struct notif n;
	struct sub s;
	char *home = new_home(), *got;
	(void)state;

	build_catalog(home, items, 1);
	subscribe_direct(home, "V", 1, 3);
	/* a crash after queueing u1 but before removing its subscription */
	assert_int_equal(db_open(&db, home, DB_SUBS, DB_READ, NULL), 0);
	sub_init(&s);
	assert_int_equal(subs_get(&db, "V", 0, &s), 1);
	db_close(&db);
	notif_init(&n);
	n.email = xstrdup(s.email);
	n.variant = xstrdup("V");
	sub_encode(&s, &n.sub);
	assert_int_equal(db_open(&ob, home, DB_OUTBOX, DB_WRITE, NULL), 0);
	assert_int_equal(outbox_add(&ob, &n, "V\n0"), 1);
	db_close(&ob);

	assert_int_equal(restock_evaluate(home, &rep, &err), 0);
	assert_int_equal(rep.released, 3);
	assert_int_equal(rep.requeued, 1);
	got = outbox_emails(home, 0);
	assert_string_equal(got, "u1@example.com u2@example.com u3@example.com");
	free(got);
	/* idempotent: nothing new */
	assert_int_equal(restock_evaluate(home, &rep, &err), 0);
	assert_int_equal(rep.released, 0);

	/* recheck put u1 back (skipped): a re-release queues it again */
	assert_int_equal(db_open(&ob, home, DB_OUTBOX, DB_WRITE, NULL), 0);
	assert_int_equal(outbox_get(&ob, 0, &n), 1);
	n.state = NS_SKIPPED;
	assert_int_equal(outbox_put(&ob, &n), 0);
	db_close(&ob);
	assert_int_equal(waiting_add(home, "V", &err), 0);
	assert_int_equal(db_open(&db, home, DB_SUBS, DB_WRITE, NULL), 0);
	assert_int_equal(subs_put_back(&db, &s), 0);
	db_close(&db);
	assert_int_equal(restock_evaluate(home, &rep, &err), 0);
	assert_int_equal(rep.released, 1);
	assert_int_equal(rep.requeued, 0);
	got = outbox_emails(home, NS_PENDING);
	assert_string_equal(got, "u2@example.com u3@example.com u1@example.com");
	free(got);

	notif_release(&n);
	sub_release(&s);
	buf_release(&err);
	rm_home(home);
}

static void test_purge_unconfirmed(void **state)
{
	struct db db;
	struct sub s;
	struct buf v = BUF_INIT, err = BUF_INIT;
	long long purged = 0;
	char *home = new_home();
	(void)state;

	/* two pending confirmations the way subscribe stores them: old, then new */
	assert_int_equal(db_open(&db, home, DB_SUBS, DB_WRITE, NULL), 0);
	for (int i = 0; i < 2; i++) {
		char k[64], id[16];
		sub_init(&s);
		s.email = xstrdup(i ? "new@example.com" : "old@example.com");
		s.variant = xstrdup("V");
		s.created_us = (i ? 1700000000LL : 1690000000LL) * 1000000;
		snprintf(id, sizeof(id), "id%d", i);
		sub_encode(&s, &v);
		snprintf(k, sizeof(k), "p:%s", id);
		db_put(&db, k, strlen(k), v.ptr, v.len);
		snprintf(k, sizeof(k), "u:%s\nV", s.email);
		db_puts(&db, k, id);
		snprintf(k, sizeof(k), "P:%d", i);
		db_puts(&db, k, id);
		sub_release(&s);
	}
	db_put_ll(&db, "#pn", 2);
	db_close(&db);

	assert_int_equal(purge_unconfirmed(home, 1700000000LL + 3600, 7 * 86400, &purged, &err), 0);
	assert_int_equal(purged, 1);
	assert_int_equal(db_open(&db, home, DB_SUBS, DB_READ, NULL), 0);
	assert_int_equal(db_exists(&db, "p:id0", 5), 0);
	assert_int_equal(db_exists(&db, "u:old@example.com\nV", 19), 0);
	assert_int_equal(db_exists(&db, "p:id1", 5), 1);
	assert_int_equal(db_get_ll(&db, "#pcur", 0), 1);
	db_close(&db);
	buf_release(&v);
	buf_release(&err);
	rm_home(home);
}

static void test_unsubscribe_drops_all(void **state)
{
	static const struct item_spec items[] = {
		{ "A", "A", "C", 0, 0 }, { "B", "B", "C", 0, 0 },
	};
	struct buf err = BUF_INIT;
	long long dropped = -1;
	struct db db;
	char *home = new_home();
	(void)state;

	build_catalog(home, items, 2);
	subscribe_direct(home, "A", 1, 3);
	subscribe_direct(home, "B", 2, 2);
	assert_int_equal(bis_unsubscribe(home, "U2@Example.com", &dropped, &err), 1);
	assert_int_equal(dropped, 2);
	assert_int_equal(waiting_on(home, "A"), 2);
	assert_int_equal(waiting_on(home, "B"), 0);
	assert_int_equal(db_open(&db, home, DB_SUBS, DB_READ, NULL), 0);
	assert_int_equal(subs_suppressed(&db, "u2@example.com"), 1);
	db_close(&db);
	assert_int_equal(bis_unsubscribe(home, "u2@example.com", &dropped, &err), 0);
	assert_int_equal(dropped, 0);
	buf_release(&err);
	rm_home(home);
}

/* ---- templates ---- */

static void render_all(const char *home, const char *item_id, int expect_recos)
{
	struct settings s;
	struct catalog cat;
	struct msg_env env;
	struct item it;
	struct message m;
	struct buf err = BUF_INIT, eml = BUF_INIT;
	struct tval *ctx, *recos;

	assert_int_equal(settings_load(&s, home, &err), 0);
	assert_int_equal(catalog_open(&cat, home, &err), 0);
	assert_int_equal(msg_env_init(&env, home, &s, &cat, &err), 0);
	item_init(&it);
	assert_int_equal(catalog_get(&cat, item_id, &it), 1);
	ctx = message_context(&env, &it, "jane@example.com", "pendingid");
	recos = tv_get(ctx, "recommendations");
	assert_non_null(recos);
	assert_int_equal((int)recos->nitems, expect_recos);
	for (int k = 0; k < MSG_NKINDS; k++) {
		message_init(&m);
		if (message_render(&env, (enum msg_kind)k, ctx, &m, &err) < 0)
			fail_msg("kind %d: %s", k, err.ptr);
		assert_true(m.subject.len > 0 && m.text.len > 0 && m.html.len > 0);
		assert_null(strchr(m.subject.ptr, '\n'));
		assert_non_null(strstr(m.unsubscribe_url.ptr, "http://shop.test/r/unsubscribe?t="));
		if (k == MSG_RESTOCK) {
			assert_non_null(strstr(m.text.ptr, "https://shop.example/p/"));
			assert_non_null(strstr(m.text.ptr, MSG_UTM_QUERY));
			assert_non_null(strstr(m.html.ptr, "utm_medium=email&amp;utm_campaign"));
		} else {
			assert_non_null(strstr(m.text.ptr, "http://shop.test/r/confirm?t="));
		}
		message_release(&m);
	}
	assert_int_equal(message_build(&env, MSG_RESTOCK, ctx, "jane@example.com", NULL,
				       &eml, &err), 0);
	assert_non_null(strstr(eml.ptr, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
	assert_non_null(strstr(eml.ptr, "multipart/alternative"));
	tv_free(ctx);
	item_release(&it);
	msg_env_release(&env);
	catalog_close(&cat);
	settings_release(&s);
	buf_release(&err);
	buf_release(&eml);
}

static void test_templates_strict(void **state)
{
	static const struct item_spec items[] = {
		{ "MAIN", "Main <b>&</b> \"thing\"", "C", 5, 0 },
		{ "OOS", "Gone", "C", 0, 0 },
		{ "HIDDEN", "Hidden", "C", 0, 1 },
		{ "NOQ", "No quantity", "C", -1, 0 },
		{ "R1", "Reco 1", "C", 3, 0 },
		{ "R2", "Reco 2", "C", 1, 1 },
		{ "R3", "Reco 3", "C", 9, 0 },
		{ "R4", "Reco 4", "C", 9, 0 },
		{ "ALONE", "Alone", "Other", 2, 0 },
	};
	struct buf eml = BUF_INIT, err = BUF_INIT;
	char *home = new_home();
	(void)state;

	setenv("RESTOCK_TEMPLATES", templates_dir, 1);
	build_catalog(home, items, sizeof(items) / sizeof(items[0]));
	render_all(home, "MAIN", 3);
	render_all(home, "ALONE", 0);
	render_all(home, "OOS", 3);

	assert_int_equal(message_preview(home, "MAIN", &eml, &err), 0);
	assert_non_null(strstr(eml.ptr, "Subject: Main <b>&</b> \"thing\" is back in stock"));
	/* the title reached the HTML part escaped (quoted-printable encodes '=') */
	assert_non_null(strstr(eml.ptr, "Main &lt;b&gt;&amp;&lt;/b&gt;"));
	assert_null(strstr(eml.ptr, "Reco 4"));	/* three recommendations at most */
	assert_null(strstr(eml.ptr, "Hidden"));
	buf_reset(&err);
	assert_int_equal(message_preview(home, "NOPE", &eml, &err), -1);
	assert_string_equal(err.ptr, "unknown item");
	buf_release(&eml);
	buf_release(&err);
	rm_home(home);
}

static void write_tpl(const char *dir, const char *name, const char *text)
{
	struct buf p = BUF_INIT;
	FILE *f;
	buf_addf(&p, "%s/email/%s", dir, name);
	f = fopen(p.ptr, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	buf_release(&p);
}

static void test_template_errors(void **state)
{
	static const struct item_spec items[] = { { "I", "Eye", "C", 5, 0 } };
	char tdir[] = "/tmp/restock-unit-tpl.XXXXXX";
	struct buf eml = BUF_INIT, err = BUF_INIT, p = BUF_INIT;
	char *home = new_home();
	(void)state;

	assert_non_null(mkdtemp(tdir));
	buf_addf(&p, "%s/email", tdir);
	assert_int_equal(mkdir(p.ptr, 0700), 0);
	write_tpl(tdir, "back-in-stock.subject", "{{title}} {{meta.fabric}}{{meta.color}}\n");
	write_tpl(tdir, "back-in-stock.txt", "{{product_url}}\n");
	write_tpl(tdir, "back-in-stock.html", "<p>{{title}}</p>");
	setenv("RESTOCK_TEMPLATES", tdir, 1);
	build_catalog(home, items, 1);
	/* meta.fabric is not on the item: empty, not an error */
	assert_int_equal(message_preview(home, "I", &eml, &err), 0);
	assert_non_null(strstr(eml.ptr, "Subject: Eye Teal"));

	write_tpl(tdir, "back-in-stock.txt", "{{product_ulr}}\n");
	buf_reset(&eml);
	assert_int_equal(message_preview(home, "I", &eml, &err), -1);
	assert_non_null(strstr(err.ptr, "back-in-stock.txt"));
	assert_non_null(strstr(err.ptr, "product_ulr"));
	setenv("RESTOCK_TEMPLATES", templates_dir, 1);

	buf_reset(&p);
	buf_addf(&p, "rm -rf '%s'", tdir);
	assert_int_equal(system(p.ptr), 0);
	buf_release(&eml);
	buf_release(&err);
	buf_release(&p);
	rm_home(home);
}

static void test_unsub_token_roundtrip(void **state)
{
	struct buf t = BUF_INIT, out = BUF_INIT;
	(void)state;
	token_make(&t, "secret", "unsub", "a@example.com", 13);
	assert_int_equal(token_open(&out, "secret", "unsub", t.ptr), 0);
	assert_string_equal(out.ptr, "a@example.com");
	assert_int_equal(token_open(&out, "secret", "confirm", t.ptr), -1);
	t.ptr[1] ^= 1;
	assert_int_equal(token_open(&out, "secret", "unsub", t.ptr), -1);
	buf_release(&t);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quota),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_utm_links),
		cmocka_unit_test(test_restock_now_override),
		cmocka_unit_test(test_evaluate_fifo_per_unit),
		cmocka_unit_test(test_evaluate_crash_recovery_and_requeue),
		cmocka_unit_test(test_purge_unconfirmed),
		cmocka_unit_test(test_unsubscribe_drops_all),
		cmocka_unit_test(test_templates_strict),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_unsub_token_roundtrip),
	};
	const char *t = getenv("RESTOCK_TEMPLATES");
	if (t && *t) {
		snprintf(templates_dir, sizeof(templates_dir), "%s", t);
	} else {
		char cwd[2048];
		if (!getcwd(cwd, sizeof(cwd)))
			return 1;
		snprintf(templates_dir, sizeof(templates_dir), "%s/templates", cwd);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
