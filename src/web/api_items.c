/* api_items: GET /api/catalog/items — the product feed for recommendation blocks (SPEC 7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/log.h"
#include "http/form.h"
#include "store/catalog.h"
#include "web/handlers.h"
#include "web/item_json.h"

struct items_query {
	const char *category;	/* NULL: all */
	long long limit, offset;
};

/* parse_query: 0, or -1 with a message for a 400 answer. */
static int parse_query(struct form *f, struct items_query *q, const char **msg)
{
	const char *v;
	char *end;

	q->category = NULL;
	q->limit = API_ITEMS_DEFAULT_LIMIT;
	q->offset = 0;
	v = form_get(f, "category");
	if (v && *v)
		q->category = v;
	if ((v = form_get(f, "limit")) && *v) {
		q->limit = strtoll(v, &end, 10);
		if (*end || q->limit < 1 || q->limit > API_ITEMS_MAX_LIMIT) {
			*msg = "limit must be a whole number from 1 to 500.";
			return -1;
		}
	}
	if ((v = form_get(f, "offset")) && *v) {
		q->offset = strtoll(v, &end, 10);
		if (*end || q->offset < 0) {
			*msg = "offset must be a whole number, 0 or more.";
			return -1;
		}
	}
	return 0;
}

/*
 * fetch_at: the k-th candidate item (of the category, or of the catalog).
 * Returns 1, 0 for a gap, -1 error.
 */
static int fetch_at(struct catalog *c, const struct items_query *q, long long k,
		    struct item *it)
{
	if (q->category)
		return catalog_cat_at(c, q->category, k, it);
	return catalog_at(c, k, it);
}

void h_catalog_items(struct req *r)
{
	struct form f;
	struct items_query q;
	struct catalog own, *c = NULL;
	struct buf err = BUF_INIT;
	struct item it;
	struct json j;
	const char *msg = "Invalid query.";
	const struct settings *s = req_settings(r);
	long long min_inv, total, k, skipped = 0, written = 0;
	int direct;

	form_init(&f);
	item_init(&it);
	if (form_parse_query(&f, r->query) != 0 || parse_query(&f, &q, &msg) < 0) {
		answer_error(r, 400, msg);
		goto out;
	}
	c = req_catalog(r);
	if (s && !c && catalog_open(&own, r->home, &err) == 0)
		c = &own;
	if (!s || !c) {
		log_error("catalog items: %s", err.ptr);
		answer_error(r, 503, "The catalog is not available.");
		goto out;
	}
	min_inv = settings_get_ll(s, "min_inventory");
	total = q.category ? catalog_cat_count(c, q.category) :
			     catalog_count(c, "#nseq");
	/*
	 * Jump straight to the offset when nothing can be hidden and the
	 * listing has no gaps; otherwise count visible items from the start.
	 */
	direct = !q.category && catalog_count(c, "#policy1") == 0 &&
		 catalog_count(c, "#nseq") == catalog_count(c, "#items");
	k = direct ? q.offset : 0;
	skipped = direct ? q.offset : 0;

	buf_reset(&r->out);
	json_init(&j, &r->out);
	json_obj_begin(&j);
	json_key(&j, "data");
	json_arr_begin(&j);
	for (; k < total && written < q.limit; k++) {
		int rc = fetch_at(c, &q, k, &it);
		if (rc < 0) {
			log_error("catalog items: corrupt record at %lld", k);
			continue;
		}
		if (rc == 0 || !item_visible(&it, min_inv))
			continue;
		if (skipped < q.offset) {
			skipped++;
			continue;
		}
		item_json(&j, &it);
		written++;
	}
	json_arr_end(&j);
	json_key(&j, "meta");
	json_obj_begin(&j);
	json_key(&j, "offset");
	json_int(&j, q.offset);
	json_key(&j, "limit");
	json_int(&j, q.limit);
	json_key(&j, "count");
	json_int(&j, written);
	json_key(&j, "more");
	json_bool(&j, k < total);
	json_obj_end(&j);
	json_obj_end(&j);
	if (c == &own)
		catalog_close(&own);
	r->status = 200;
	req_add_header(r, "Content-Type", "application/json");
	req_add_header(r, "Access-Control-Allow-Origin", "*");
out:
	item_release(&it);
	form_release(&f);
	buf_release(&err);
}
