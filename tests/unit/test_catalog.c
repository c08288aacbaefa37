/* test_catalog: the catalog writer and readers — listing chunks, categories, duplicates, history. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/catalog.h"

static char home[64];

static void make_item(struct item *it, int i, long long qty, int policy)
{
	char s[64];
	item_init(it);
	snprintf(s, sizeof(s), "SKU-%d", i);
	it->id = strdup(s);
	it->title = strdup("T");
	it->link = strdup("https://example.com/p");
	it->description = strdup("d");
	it->image_link = strdup("https://example.com/i.jpg");
	it->price = 9.5;
	it->has_price = 1;
	it->quantity = qty;
	it->has_quantity = 1;
	it->policy = policy;
	item_add_category(it, i % 2 ? "Odd" : "Even", i % 2 ? 3 : 4);
	if (i % 10 == 0)
		item_add_category(it, "Tens", 4);
}

/* build: n items (ids 0..n-1), then the ids in dups again (last wins). */
static void build(int n, const int *dups, int ndups, long long qty)
{
	struct catalog_writer w;
	struct buf err = BUF_INIT;
	struct item it;
	assert_int_equal(catalog_begin(&w, home, 1, &err), 0);
	for (int i = 0; i < n; i++) {
		make_item(&it, i, qty, i % 7 == 0 ? 1 : 0);
		assert_int_equal(catalog_put(&w, &it), 0);
		item_release(&it);
	}
	for (int d = 0; d < ndups; d++) {
		make_item(&it, dups[d], qty + 1, 0);
		assert_int_equal(catalog_put(&w, &it), 1);
		item_release(&it);
	}
	assert_int_equal(catalog_commit(&w, &err), 0);
	buf_release(&err);
}

static void test_listing_across_chunks(void **state)
{
	struct catalog c;
	struct buf err = BUF_INIT;
	struct item it;
	(void)state;
	build(200, NULL, 0, 0);
	assert_int_equal(catalog_open(&c, home, &err), 0);
	assert_int_equal(catalog_count(&c, "#items"), 200);
	assert_int_equal(catalog_count(&c, "#nseq"), 200);
	item_init(&it);
	for (int i = 0; i < 200; i++) {
		char want[32];
		snprintf(want, sizeof(want), "SKU-%d", i);
		assert_int_equal(catalog_at(&c, i, &it), 1);
		assert_string_equal(it.id, want);
	}
	/* backwards, to defeat the chunk cache */
	for (int i = 199; i >= 0; i -= 37) {
		assert_int_equal(catalog_at(&c, i, &it), 1);
		assert_int_equal(it.seq, i);
	}
	assert_int_equal(catalog_at(&c, 200, &it), 0);
	assert_int_equal(catalog_at(&c, -1, &it), 0);
	assert_int_equal(catalog_cat_count(&c, "Even"), 100);
	assert_int_equal(catalog_cat_count(&c, "Tens"), 20);
	for (int k = 0; k < 100; k++) {
		char want[32];
		snprintf(want, sizeof(want), "SKU-%d", 2 * k + 1);
		assert_int_equal(catalog_cat_at(&c, "Odd", k, &it), 1);
		assert_string_equal(it.id, want);
		assert_int_equal(catalog_cat_at(&c, "Even", k, &it), 1);
	}
	assert_int_equal(catalog_cat_at(&c, "Odd", 100, &it), 0);
	assert_int_equal(catalog_cat_at(&c, "Nope", 0, &it), 0);
	assert_int_equal(catalog_count(&c, "#policy1"), 29);	/* 0, 7, ... 196 */
	item_release(&it);
	catalog_close(&c);
	buf_release(&err);
}

static void test_duplicates_and_history(void **state)
{
	struct catalog c;
	struct buf err = BUF_INIT;
	struct item it;
	const int dups[] = { 3, 70 };
	(void)state;
	build(100, NULL, 0, 0);
	build(100, dups, 2, 5);	/* everything restocked to 5; 3 and 70 repeated with 6 */
	assert_int_equal(catalog_open(&c, home, &err), 0);
	assert_int_equal(catalog_count(&c, "#items"), 100);
	assert_int_equal(catalog_count(&c, "#nseq"), 102);
	assert_int_equal(catalog_count(&c, "#instock"), 100);
	item_init(&it);
	/* the first places of the repeated ids are gaps now */
	assert_int_equal(catalog_at(&c, 3, &it), 0);
	assert_int_equal(catalog_at(&c, 70, &it), 0);
	assert_int_equal(catalog_at(&c, 100, &it), 1);
	assert_string_equal(it.id, "SKU-3");
	assert_int_equal(it.quantity, 6);	/* the last wins */
	assert_true(it.has_prev);
	assert_int_equal(it.prev_quantity, 0);	/* from the previous sync */
	assert_int_equal(catalog_get(&c, "SKU-50", &it), 1);
	assert_int_equal(it.quantity, 5);
	assert_int_equal(it.prev_quantity, 0);
	assert_int_equal(catalog_get(&c, "SKU-100", &it), 0);
	item_release(&it);
	catalog_close(&c);
	buf_release(&err);
}

static void test_abort_keeps_old(void **state)
{
	struct catalog_writer w;
	struct catalog c;
	struct buf err = BUF_INIT, path = BUF_INIT;
	struct item it;
	(void)state;
	build(10, NULL, 0, 0);
	assert_int_equal(catalog_begin(&w, home, 1, &err), 0);
	make_item(&it, 99, 1, 0);
	assert_int_equal(catalog_put(&w, &it), 0);
	item_release(&it);
	catalog_abort(&w);
	db_home_path(&path, home, DB_CATALOG ".new");
	assert_int_not_equal(access(path.ptr, F_OK), 0);
	assert_int_equal(catalog_open(&c, home, &err), 0);
	assert_int_equal(catalog_count(&c, "#items"), 10);
	catalog_close(&c);
	buf_release(&path);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listing_across_chunks),
		cmocka_unit_test(test_duplicates_and_history),
		cmocka_unit_test(test_abort_keeps_old),
	};
	int rc;
	snprintf(home, sizeof(home), "/tmp/restock-catalog-XXXXXX");
	if (!mkdtemp(home))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", home);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
