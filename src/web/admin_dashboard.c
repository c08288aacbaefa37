/* admin_dashboard: GET /admin/ — counts, last sync, a 30-day chart from the D: counters, most-wanted items. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bis/chart.h"
#include "bis/sync_report.h"
#include "core/log.h"
#include "store/catalog.h"
#include "store/db.h"
#include "store/outbox.h"
#include "store/subs.h"
#include "tmpl/escape.h"
#include "web/admin.h"

#define MW_CACHE_KEY	"c:mostwanted"
#define MW_CHUNK	10000	/* variants looked up per subs.gdbm read transaction */

struct wanted {
	long long waiting, oldest_us;
	char *variant;
};

/* chart: 30 direct lookups per series in subs.gdbm. */
static void add_chart(struct admin *a, struct tval *c, struct db *subs)
{
	long long s[ADMIN_CHART_DAYS] = { 0 }, q[ADMIN_CHART_DAYS] = { 0 },
		  n[ADMIN_CHART_DAYS] = { 0 };
	char lab[ADMIN_CHART_DAYS][8];
	const char *labels[ADMIN_CHART_DAYS];
	struct buf k = BUF_INIT, svg = BUF_INIT;
	int open = subs != NULL;
	long long tot_s = 0, tot_n = 0;

	for (int i = 0; i < ADMIN_CHART_DAYS; i++) {
		long long t = a->now - (long long)(ADMIN_CHART_DAYS - 1 - i) * 86400;
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(lab[i], sizeof(lab[i]), "%m-%d", &tm);
		labels[i] = lab[i];
		if (!open)
			continue;
		day_key(&k, t, "s");
		s[i] = db_get_ll(subs, k.ptr, 0);
		day_key(&k, t, "q");
		q[i] = db_get_ll(subs, k.ptr, 0);
		day_key(&k, t, "n");
		n[i] = db_get_ll(subs, k.ptr, 0);
		tot_s += s[i];
		tot_n += n[i];
	}
	struct chart_series se[3] = {
		{ "Subscriptions", s, 1, "s1" },
		{ "Notifications queued", q, 0, "s2" },
		{ "Notifications sent", n, 0, "s3" },
	};
	chart_svg(&svg, "Subscriptions and notifications per day, last 30 days (UTC)",
		  labels, ADMIN_CHART_DAYS, se, 3);
	tv_set_str(c, "chart_svg_raw", svg.ptr);	/* raw on purpose: chart.c escapes every text */
	admin_set_num(c, "chart_subscribed", tot_s);
	admin_set_num(c, "chart_sent", tot_n);
	buf_release(&k);
	buf_release(&svg);
}

static int cmp_wanted(const void *x, const void *y)
{
	const struct wanted *a = x, *b = y;
	if (a->waiting != b->waiting)
		return a->waiting > b->waiting ? -1 : 1;
	return strcmp(a->variant, b->variant);
}

/*
 * compute_wanted: the variants with the most waiters, from waiting.gdbm
 * (only variants that have waiters), as cache text: lines
 * "<waiting>\t<oldest_us>\t<variant>".
 */
static int compute_wanted(const char *home, struct buf *out)
{
	struct db w, s;
	struct db_iter it;
	char **keys = NULL;
	size_t n = 0, alloc = 0, ntop = 0;
	struct wanted top[ADMIN_MOSTWANTED_N + 1];
	int rc = 0;

	if (db_open(&w, home, DB_WAITING, DB_READ, NULL) < 0)
		return errno == ENOENT ? 0 : -1;
	for (int more = db_iter_first(&w, &it); more; more = db_iter_next(&w, &it)) {
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 1024;
			keys = xrealloc(keys, alloc * sizeof(*keys));
		}
		keys[n++] = xstrndup(it.key.dptr, (size_t)it.key.dsize);
	}
	db_iter_release(&it);
	db_close(&w);
	for (size_t i = 0; i < n && rc == 0; i += MW_CHUNK) {
		if (db_open(&s, home, DB_SUBS, DB_READ, NULL) < 0) {
			rc = errno == ENOENT ? 0 : -1;
			break;
		}
		for (size_t j = i; j < n && j < i + MW_CHUNK; j++) {
			struct variant_head h;
			if (variant_head_get(&s, keys[j], &h) < 0 || h.waiting <= 0)
				continue;
			if (ntop == ADMIN_MOSTWANTED_N && h.waiting <= top[ntop - 1].waiting)
				continue;
			top[ntop].waiting = h.waiting;
			top[ntop].variant = keys[j];
			top[ntop].oldest_us = 0;
			qsort(top, ntop + 1, sizeof(top[0]), cmp_wanted);
			ntop += ntop < ADMIN_MOSTWANTED_N;
		}
		/* the oldest waiter of each current leader, while the file is open */
		if (i + MW_CHUNK >= n) {
			for (size_t t = 0; t < ntop; t++) {
				long long seq;
				struct sub sb;
				sub_init(&sb);
				if (subs_next(&s, top[t].variant, 0, &seq) == 1 &&
				    subs_get(&s, top[t].variant, seq, &sb) == 1)
					top[t].oldest_us = sb.created_us;
				sub_release(&sb);
			}
		}
		db_close(&s);
	}
	for (size_t t = 0; t < ntop && rc == 0; t++)
		buf_addf(out, "%lld\t%lld\t%s\n", top[t].waiting, top[t].oldest_us,
			 top[t].variant);
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	return rc;
}

static void add_wanted(struct admin *a, struct tval *c, long long waiting,
		       struct catalog *catp)
{
	struct buf cache = BUF_INIT, data = BUF_INIT, u = BUF_INIT, t = BUF_INIT;
	struct tval *list = tv_list();
	long long at = 0;
	const char *p;

	long long cached_waiting = -1, cost_ms = 0;
	if (admin_kv_get(a->r->home, MW_CACHE_KEY, &cache) == 1 &&
	    sscanf(cache.ptr, "%lld %lld %lld", &at, &cached_waiting, &cost_ms) != 3)
		at = 0;
	/*
	 * Fresh while younger than the TTL; a cheap list (a small store) is
	 * also redone when waiters came or went, after the minimum age.
	 */
	if (at && a->now >= at && a->now - at < ADMIN_MOSTWANTED_TTL_S &&
	    (cached_waiting == waiting || a->now - at < ADMIN_MOSTWANTED_MIN_S ||
	     cost_ms > ADMIN_MOSTWANTED_CHEAP_MS) &&
	    strcmp(admin_q(a, "refresh"), "1")) {
		p = strchr(cache.ptr, '\n');
		buf_adds(&data, p ? p + 1 : "");
	} else {
		struct timespec t0, t1;
		at = a->now;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (compute_wanted(a->r->home, &data) < 0) {
			log_error("admin: most-wanted: could not read the waiting index");
		} else {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			cost_ms = (long long)(t1.tv_sec - t0.tv_sec) * 1000 +
				  (t1.tv_nsec - t0.tv_nsec) / 1000000;
			buf_reset(&cache);
			buf_addf(&cache, "%lld %lld %lld\n%s", at, waiting, cost_ms, data.ptr);
			admin_kv_put(a->r->home, MW_CACHE_KEY, cache.ptr, cache.len);
		}
	}
	for (p = data.ptr; *p;) {
		const char *nl = strchr(p, '\n');
		char line[4096];
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		long long waiting, oldest;
		int off = 0;
		struct item it;
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		if (sscanf(line, "%lld\t%lld\t%n", &waiting, &oldest, &off) != 2 || !off)
			continue;
		struct tval *e = tv_map();
		const char *variant = line + off;
		tv_set_str(e, "variant", variant);
		admin_set_num(e, "waiting", waiting);
		buf_reset(&t);
		admin_time(&t, oldest / 1000000);
		tv_set_str(e, "oldest", t.ptr);
		buf_reset(&u);
		admin_url(&u, a, "/subs?variant=");
		esc_url_component(&u, variant, strlen(variant));
		tv_set_str(e, "href", u.ptr);
		item_init(&it);
		if (catp->open && catalog_get(catp, variant, &it) == 1) {
			tv_set_str(e, "item_title", it.title ? it.title : "");
			tv_set_bool(e, "in_catalog", 1);
			if (it.has_quantity)
				admin_set_num(e, "quantity", it.quantity);
			else
				tv_set_str(e, "quantity", "—");
		} else {
			tv_set_str(e, "item_title", "");
			tv_set_bool(e, "in_catalog", 0);
			tv_set_str(e, "quantity", "—");
		}
		item_release(&it);
		tv_push(list, e);
	}
	tv_set_bool(c, "have_wanted", list->nitems > 0);
	tv_set(c, "wanted", list);
	buf_reset(&t);
	admin_time(&t, at);
	tv_set_str(c, "wanted_at", t.ptr);
	buf_reset(&u);
	admin_url(&u, a, "/?refresh=1#wanted");
	tv_set_str(c, "refresh_href", u.ptr);
	buf_release(&cache);
	buf_release(&data);
	buf_release(&u);
	buf_release(&t);
}

/*
 * The counts of bis/status.c, read here with one open of each store that the
 * chart and the most-wanted list then share (opening the big GDBM files is
 * most of a page's cost).
 */
void admin_dashboard(struct admin *a)
{
	struct catalog own, *cat = req_catalog(a->r);
	struct db subs, ob;
	struct sync_report rep;
	struct buf err = BUF_INIT, t = BUF_INIT;
	struct tval *c, *o;
	int have_subs, have_ob, rc;
	long long waiting = 0, failed = 0;

	if (!cat && catalog_open(&own, a->r->home, &err) == 0)
		cat = &own;
	if (!cat) {
		log_error("admin: catalog: %s", err.ptr);
		buf_release(&err);
		admin_error_page(a, 500, "The catalog could not be read.");
		return;
	}
	have_subs = db_open(&subs, a->r->home, DB_SUBS, DB_READ, NULL) == 0;
	c = admin_ctx(a, "Dashboard", "dashboard");
	admin_set_num(c, "items", catalog_count(cat, "#items"));
	admin_set_num(c, "in_stock", catalog_count(cat, "#instock"));
	if (have_subs)
		waiting = db_get_ll(&subs, "#waiting", 0);
	admin_set_num(c, "waiting", waiting);
	admin_set_num(c, "variants", have_subs ? db_get_ll(&subs, "#variants", 0) : 0);
	o = tv_map();
	have_ob = db_open(&ob, a->r->home, DB_OUTBOX, DB_READ, NULL) == 0;
	admin_set_num(o, "pending", have_ob ? outbox_count(&ob, NS_PENDING) : 0);
	admin_set_num(o, "sent", have_ob ? outbox_count(&ob, NS_SENT) : 0);
	failed = have_ob ? outbox_count(&ob, NS_FAILED) : 0;
	admin_set_num(o, "failed", failed);
	admin_set_num(o, "skipped", have_ob ? outbox_count(&ob, NS_SKIPPED) : 0);
	tv_set_bool(o, "has_failed", failed > 0);
	if (have_ob)
		db_close(&ob);
	tv_set(c, "outbox", o);
	sync_report_init(&rep);
	/* the last report is a setting: already in the worker's snapshot */
	{
		const char *json = a->st ? settings_get(a->st, SYNC_REPORT_KEY) : "";
		rc = *json && sync_report_parse(&rep, json, &err) == 0 ? 1 : 0;
	}
	tv_set_bool(c, "have_sync", rc == 1);
	admin_time(&t, rc == 1 ? rep.finished : 0);
	tv_set_str(c, "sync_time", t.ptr);
	admin_set_num(c, "sync_accepted", rc == 1 ? rep.accepted : 0);
	admin_set_num(c, "sync_rejected", rc == 1 ? rep.rejected : 0);
	tv_set_bool(c, "sync_ok", rc == 1 && rep.ok);
	tv_set_str(c, "sync_error", rc == 1 && rep.error ? rep.error : "");
	sync_report_release(&rep);
	add_chart(a, c, have_subs ? &subs : NULL);
	if (have_subs)
		db_close(&subs);
	add_wanted(a, c, waiting, cat);
	if (cat == &own)
		catalog_close(&own);
	buf_release(&err);
	buf_release(&t);
	admin_render(a, 200, "dashboard", c);
}
