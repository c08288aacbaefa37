/* admin_settings: GET/POST /admin/settings — the Back in Stock Settings (SPEC 4), shown once a Subscribed event exists. */
#include <errno.h>
#include <string.h>

#include "store/db.h"
#include "store/events.h"
#include "web/admin.h"

static const char *const names[] = {
	"min_inventory", "notify_mode", "customers_per_unit", "wait_minutes",
	"recheck_before_send", "double_opt_in", "unconfirmed_purge_days", NULL,
};
static const char *const labels[] = {
	"Minimum inventory", "Notify mode", "Customers per unit", "Wait between batches (minutes)",
	"Re-check stock before sending", "Double opt-in", "Delete unconfirmed after (days)", NULL,
};

#define EXAMPLE_UNITS 20	/* the quantity used in the explanations */

/* any_subscribed: 1 once a "Subscribed to Back in Stock" event exists, 0 before, -1 error. */
static int any_subscribed(const char *home)
{
	struct db db;
	int rc;
	if (db_open(&db, home, DB_SUBS, DB_READ, NULL) < 0)
		return errno == ENOENT ? 0 : -1;
	rc = events_any_subscribed(&db);
	db_close(&db);
	return rc;
}

static void minutes(struct buf *out, long long w)
{
	if (w < 60)
		buf_addf(out, "%lld minute%s", w, w == 1 ? "" : "s");
	else if (w % 60 == 0)
		buf_addf(out, "%lld hour%s", w / 60, w == 60 ? "" : "s");
	else
		buf_addf(out, "%lld h %lld min", w / 60, w % 60);
}

static void explain(struct admin *a, const char *name, struct buf *o)
{
	long long m = settings_get_ll(a->st, "min_inventory");
	long long c = settings_get_ll(a->st, "customers_per_unit");
	long long w = settings_get_ll(a->st, "wait_minutes");
	long long d = settings_get_ll(a->st, "unconfirmed_purge_days");
	int per_unit = !strcmp(settings_get(a->st, "notify_mode"), "per_unit");
	int recheck = settings_get_bool(a->st, "recheck_before_send");
	int doi = settings_get_bool(a->st, "double_opt_in");

	if (!strcmp(name, "min_inventory")) {
		buf_addf(o, "Now: an item with %lld or more units counts as back in stock; with %lld or fewer it stays out of stock.",
			 m, m - 1);
	} else if (!strcmp(name, "notify_mode")) {
		if (per_unit) {
			buf_addf(o, "Now per_unit: an item back with %d units releases %d units × %lld per unit = the oldest %lld waiting subscribers, then the next batch after ",
				 EXAMPLE_UNITS, EXAMPLE_UNITS, c, EXAMPLE_UNITS * c);
			minutes(o, w);
			buf_adds(o, " if it is still in stock.");
		} else {
			buf_adds(o, "Now all: when an item is back in stock, everyone waiting for it is notified at once.");
		}
	} else if (!strcmp(name, "customers_per_unit")) {
		buf_addf(o, "Now: %d units × %lld per unit = the oldest %lld waiting subscribers per batch.",
			 EXAMPLE_UNITS, c, EXAMPLE_UNITS * c);
		if (!per_unit)
			buf_adds(o, " Used only when notify mode is per_unit (now: all).");
	} else if (!strcmp(name, "wait_minutes")) {
		if (w == 0) {
			buf_adds(o, "Now: no wait; the next batch goes out at the next evaluation.");
		} else {
			buf_adds(o, "Now: ");
			minutes(o, w);
			buf_adds(o, " between batches of the same item.");
		}
		if (!per_unit)
			buf_adds(o, " Used only when notify mode is per_unit (now: all).");
	} else if (!strcmp(name, "recheck_before_send")) {
		if (recheck)
			buf_addf(o, "Now on: a notification whose item fell below %lld unit%s before delivery is held back, and the subscriber keeps their place in line.",
				 m, m == 1 ? "" : "s");
		else
			buf_adds(o, "Now off: notifications are sent even if the item sold out again in the meantime.");
	} else if (!strcmp(name, "double_opt_in")) {
		if (doi)
			buf_adds(o, "Now on: a subscriber gets a confirmation email first and waits only after clicking its link.");
		else
			buf_adds(o, "Now off: a subscription counts as soon as it is made.");
	} else if (!strcmp(name, "unconfirmed_purge_days")) {
		buf_addf(o, "Now: unconfirmed subscriptions are deleted after %lld day%s.", d, d == 1 ? "" : "s");
		if (!doi)
			buf_adds(o, " Used only with double opt-in (now off).");
	}
}

void admin_settings(struct admin *a)
{
	int any = any_subscribed(a->r->home);
	struct tval *c;

	if (any < 0) {
		admin_error_page(a, 500, "The activity log could not be read.");
		return;
	}
	if (a->post) {
		struct buf msg = BUF_INIT;
		int n;
		if (!any) {
			admin_done(a, "/settings", 1, "The Back in Stock Settings can be changed once a subscription has been captured.");
			return;
		}
		n = admin_settings_save(a, names, &msg);
		if (n < 0)
			admin_done(a, "/settings", 1, "Nothing was saved: %s", msg.ptr);
		else if (n == 0)
			admin_done(a, "/settings", 0, "No setting changed.");
		else
			admin_done(a, "/settings", 0, "Saved %d setting%s.", n, n == 1 ? "" : "s");
		buf_release(&msg);
		return;
	}
	c = admin_ctx(a, "Back in Stock Settings", "settings");
	tv_set_bool(c, "any_subscribed", any);
	tv_set_str(c, "public_key", settings_get(a->st, "public_key"));
	tv_set_str(c, "base_url", settings_get(a->st, "base_url"));
	tv_set(c, "fields", any ? admin_setting_fields(a, names, labels, explain) : tv_list());
	admin_render(a, 200, "settings", c);
}
