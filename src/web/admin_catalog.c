/* admin_catalog: GET /admin/catalog — positions paging, exact-id lookup, bounded title/stock/policy/waiters scans. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/catalog.h"
#include "store/db.h"
#include "store/subs.h"
#include "tmpl/escape.h"
#include "web/admin.h"

struct filters {
	const char *q, *stock, *policy;
	int waiters;
	long long min_inventory;
};

static void cat_url(struct buf *out, struct admin *a, const struct filters *f,
		    long long page, long long pos)
{
	char sep = '?';
	admin_url(out, a, "/catalog");
#define ARG(name, val) do { buf_addch(out, sep); sep = '&'; buf_adds(out, name "="); \
		esc_url_component(out, val, strlen(val)); } while (0)
	if (*f->q) ARG("q", f->q);
	if (*f->stock) ARG("stock", f->stock);
	if (*f->policy) ARG("policy", f->policy);
	if (f->waiters) ARG("waiters", "1");
#undef ARG
	if (page > 0) {
		buf_addf(out, "%cpage=%lld", sep, page);
		sep = '&';
	}
	if (pos >= 0)
		buf_addf(out, "%cpos=%lld", sep, pos);
}

static int matches(const struct filters *f, const struct item *it)
{
	if (*f->q && !(it->title && strcasestr(it->title, f->q)))
		return 0;
	if (!strcmp(f->stock, "in") && !item_in_stock(it, f->min_inventory))
		return 0;
	if (!strcmp(f->stock, "out") && item_in_stock(it, f->min_inventory))
		return 0;
	if (*f->policy && it->policy != atoi(f->policy))
		return 0;
	return 1;
}

/*
 * Waiter counts: waiting.gdbm (small: only variants with waiters) says
 * whether to look; subs.gdbm (large) is opened only for the first row
 * that has waiters.
 */
struct waiters {
	const char *home;
	struct db w, s;
	int w_open, s_open, s_tried;
};

static long long waiters_of(struct waiters *wt, const char *id)
{
	struct variant_head h;
	if (!wt->w_open || !db_exists(&wt->w, id, strlen(id)))
		return 0;
	if (!wt->s_tried) {
		wt->s_tried = 1;
		wt->s_open = db_open(&wt->s, wt->home, DB_SUBS, DB_READ, NULL) == 0;
	}
	if (!wt->s_open || variant_head_get(&wt->s, id, &h) != 1)
		return 0;
	return h.waiting;
}

static void push_item(struct admin *a, struct tval *rows, struct waiters *wt,
		      const struct filters *f, const struct item *it,
		      const char *id_only)
{
	struct tval *e = tv_map();
	struct buf u = BUF_INIT, p = BUF_INIT;
	struct variant_head h;
	const char *id = it ? it->id : id_only;

	memset(&h, 0, sizeof(h));
	h.waiting = waiters_of(wt, id);
	tv_set_str(e, "id", id);
	admin_url(&u, a, "/subs?variant=");
	esc_url_component(&u, id, strlen(id));
	tv_set_str(e, "href", u.ptr);
	admin_set_num(e, "waiters", h.waiting);
	tv_set_bool(e, "has_waiters", h.waiting > 0);
	tv_set_bool(e, "in_catalog", it != NULL);
	if (it) {
		tv_set_int(e, "pos", it->seq + 1);
		tv_set_str(e, "title", it->title ? it->title : "");
		if (it->has_price)
			buf_addf(&p, "%.2f", it->price);
		tv_set_str(e, "price", p.ptr);
		buf_reset(&p);
		if (it->has_quantity)
			admin_num(&p, it->quantity);
		else
			buf_adds(&p, "—");
		tv_set_str(e, "quantity", p.ptr);
		tv_set_str(e, "policy", it->policy ? (it->policy == 1 ? "1 (hide when out)" : "2 (show)") : "—");
		tv_set_bool(e, "in_stock", item_in_stock(it, f->min_inventory));
		tv_set_bool(e, "tracked", it->has_quantity);
	} else {
		tv_set_str(e, "pos", "");
		tv_set_str(e, "title", "");
		tv_set_str(e, "price", "");
		tv_set_str(e, "quantity", "—");
		tv_set_str(e, "policy", "—");
		tv_set_bool(e, "in_stock", 0);
		tv_set_bool(e, "tracked", 0);
	}
	tv_push(rows, e);
	buf_release(&u);
	buf_release(&p);
}

static void set_sel(struct tval *c, const char *key, const char *cur,
		    const char *const *vals, const char *const *labs)
{
	struct tval *l = tv_list();
	for (int i = 0; vals[i]; i++) {
		struct tval *o = tv_map();
		tv_set_str(o, "value", vals[i]);
		tv_set_str(o, "label", labs[i]);
		tv_set_bool(o, "selected", !strcmp(cur, vals[i]));
		tv_push(l, o);
	}
	tv_set(c, key, l);
}

void admin_catalog(struct admin *a)
{
	static const char *const stock_v[] = { "", "in", "out", NULL };
	static const char *const stock_l[] = { "any", "in stock", "out of stock", NULL };
	static const char *const pol_v[] = { "", "1", "2", "0", NULL };
	static const char *const pol_l[] = { "any", "1 (hide when out)", "2 (show)", "none", NULL };
	struct filters f;
	struct catalog cat, *catp = NULL;
	struct waiters wt;
	struct waiters *sp = &wt;
	struct tval *c, *rows = tv_list(), *exact = tv_list();
	struct buf u = BUF_INIT, msg = BUF_INIT;
	struct item it;
	long long total, page = 0, pos = 0, next = -1;
	int filtered;

	f.q = admin_q(a, "q");
	f.stock = admin_q(a, "stock");
	f.policy = admin_q(a, "policy");
	f.waiters = !strcmp(admin_q(a, "waiters"), "1");
	f.min_inventory = settings_get_ll(a->st, "min_inventory");
	if (strcmp(f.stock, "in") && strcmp(f.stock, "out"))
		f.stock = "";
	if (strcmp(f.policy, "0") && strcmp(f.policy, "1") && strcmp(f.policy, "2"))
		f.policy = "";
	filtered = *f.q || *f.stock || *f.policy || f.waiters;

	catp = req_catalog(a->r);
	if (!catp && catalog_open(&cat, a->r->home, NULL) == 0)
		catp = &cat;
	if (!catp) {
		tv_free(rows);
		tv_free(exact);
		admin_error_page(a, 500, "The catalog could not be read.");
		return;
	}
	memset(&wt, 0, sizeof(wt));
	wt.home = a->r->home;
	wt.w_open = db_open(&wt.w, a->r->home, DB_WAITING, DB_READ, NULL) == 0;
	total = catalog_count(catp, "#nseq");
	item_init(&it);
	c = admin_ctx(a, "Catalog", "catalog");

	if (!filtered) {
		long long pages = (total + ADMIN_PAGE_SIZE - 1) / ADMIN_PAGE_SIZE;
		page = strtoll(admin_q(a, "page"), NULL, 10);
		if (page < 1)
			page = 1;
		if (page > (pages ? pages : 1))
			page = pages ? pages : 1;
		for (long long s = (page - 1) * ADMIN_PAGE_SIZE;
		     s < page * ADMIN_PAGE_SIZE && s < total; s++)
			if (catalog_at(catp, s, &it) == 1)
				push_item(a, rows, sp, &f, &it, NULL);
		buf_addf(&msg, "Page %lld of %lld: positions ", page, pages ? pages : 1);
		admin_num(&msg, total ? (page - 1) * ADMIN_PAGE_SIZE + 1 : 0);
		buf_adds(&msg, "–");
		admin_num(&msg, page * ADMIN_PAGE_SIZE < total ? page * ADMIN_PAGE_SIZE : total);
		buf_adds(&msg, " of ");
		admin_num(&msg, total);
		buf_adds(&msg, ".");
		tv_set_bool(c, "paged", 1);
		tv_set_int(c, "page", page);
		tv_set_int(c, "pages", pages ? pages : 1);
		buf_reset(&u);
		if (page > 1)
			cat_url(&u, a, &f, page - 1, -1);
		tv_set_str(c, "prev_href", u.ptr);
		buf_reset(&u);
		if (page < pages)
			cat_url(&u, a, &f, page + 1, -1);
		tv_set_str(c, "next_href", u.ptr);
		buf_reset(&u);
		cat_url(&u, a, &f, pages ? pages : 1, -1);
		tv_set_str(c, "last_href", u.ptr);
	} else {
		long long examined = 0, found = 0;
		pos = strtoll(admin_q(a, "pos"), NULL, 10);
		if (pos < 0 || pos > total + ADMIN_SCAN_MAX)
			pos = 0;
		/* an exact id is a direct lookup; titles are searched only when asked or when no id matched */
		if (*f.q && pos == 0 && strcmp(admin_q(a, "titles"), "1") &&
		    catalog_get(catp, f.q, &it) == 1) {
			push_item(a, exact, sp, &f, &it, NULL);
			buf_reset(&u);
			cat_url(&u, a, &f, 0, -1);
			buf_adds(&u, strchr(u.ptr, '?') ? "&titles=1" : "?titles=1");
			tv_set_str(c, "titles_href", u.ptr);
			buf_adds(&msg, "Found the item with this id. ");
			tv_set_bool(c, "paged", 0);
			tv_set_int(c, "page", 1);
			tv_set_int(c, "pages", 1);
			tv_set_str(c, "prev_href", "");
			tv_set_str(c, "last_href", "");
			tv_set_str(c, "next_href", "");
		} else if (f.waiters) {
			struct db w;
			struct db_iter di;
			long long k = 0;
			if (!wt.s_tried) {
				wt.s_tried = 1;
				wt.s_open = db_open(&wt.s, a->r->home, DB_SUBS, DB_READ, NULL) == 0;
			}
			total = wt.s_open ? db_get_ll(&wt.s, "#variants", 0) : 0;
			if (db_open(&w, a->r->home, DB_WAITING, DB_READ, NULL) == 0) {
				int more;
				for (more = db_iter_first(&w, &di); more; more = db_iter_next(&w, &di), k++) {
					char *id;
					int got;
					if (k < pos)
						continue;
					if (examined >= ADMIN_SCAN_MAX || found >= ADMIN_PAGE_SIZE)
						break;
					examined++;
					id = xstrndup(di.key.dptr, (size_t)di.key.dsize);
					got = catalog_get(catp, id, &it);
					if (got == 1 && matches(&f, &it)) {
						push_item(a, rows, sp, &f, &it, NULL);
						found++;
					} else if (got == 0 && !*f.q && !*f.stock && !*f.policy) {
						push_item(a, rows, sp, &f, NULL, id);
						found++;
					}
					free(id);
				}
				if (more)
					next = k;
				db_iter_release(&di);
				db_close(&w);
			}
			buf_adds(&msg, "Looked at variants with waiters ");
		} else {
			long long s;
			for (s = pos; s < total && examined < ADMIN_SCAN_MAX && found < ADMIN_PAGE_SIZE; s++) {
				examined++;
				if (catalog_at(catp, s, &it) == 1 && matches(&f, &it)) {
					push_item(a, rows, sp, &f, &it, NULL);
					found++;
				}
			}
			if (s < total)
				next = s;
			buf_adds(&msg, "Searched catalog positions ");
		}
		if (exact->nitems)
			goto summarised;
		admin_num(&msg, examined ? pos + 1 : pos);
		buf_adds(&msg, "–");
		admin_num(&msg, pos + examined);
		buf_adds(&msg, " of ");
		admin_num(&msg, total);
		buf_addf(&msg, " (at most %d per request) and found %lld match%s.",
			 ADMIN_SCAN_MAX, found, found == 1 ? "" : "es");
		if (next < 0)
			buf_adds(&msg, " The search is complete.");
		tv_set_bool(c, "paged", 0);
		tv_set_int(c, "page", 1);
		tv_set_int(c, "pages", 1);
		tv_set_str(c, "prev_href", "");
		tv_set_str(c, "last_href", "");
		buf_reset(&u);
		if (next >= 0)
			cat_url(&u, a, &f, 0, next);
		tv_set_str(c, "next_href", u.ptr);
	}
summarised:
	if (!tv_get(c, "titles_href"))
		tv_set_str(c, "titles_href", "");
	tv_set_str(c, "summary", msg.ptr);
	tv_set_str(c, "q", f.q);
	set_sel(c, "stock_options", f.stock, stock_v, stock_l);
	set_sel(c, "policy_options", f.policy, pol_v, pol_l);
	tv_set_bool(c, "waiters", f.waiters);
	tv_set_bool(c, "filtered", filtered);
	tv_set_bool(c, "have_exact", exact->nitems > 0);
	tv_set(c, "exact", exact);
	tv_set_bool(c, "have_rows", rows->nitems > 0);
	tv_set(c, "rows", rows);
	tv_set_int(c, "min_inventory", f.min_inventory);
	item_release(&it);
	if (wt.s_open)
		db_close(&wt.s);
	if (wt.w_open)
		db_close(&wt.w);
	if (catp == &cat)
		catalog_close(&cat);
	buf_release(&u);
	buf_release(&msg);
	admin_render(a, 200, "catalog", c);
}
