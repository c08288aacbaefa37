/* admin: the /admin/ pages' shared request state and helpers (admin.c), and one entry point per page. */
#ifndef RESTOCK_ADMIN_H
#define RESTOCK_ADMIN_H

#include "bis/session.h"
#include "http/form.h"
#include "tmpl/tmpl.h"
#include "web/req.h"

#define ADMIN_COOKIE		"restock_admin"	/* the session id */
#define ADMIN_LOGIN_COOKIE	"restock_login"	/* login form CSRF (double submit) */
#define ADMIN_PAGE_SIZE		50		/* rows per list page */
#define ADMIN_SCAN_MAX		20000		/* records examined per filtered list request */
#define ADMIN_QUEUE_PROBE_MAX	5000		/* queue slots probed per subscriptions page */
#define ADMIN_EXPORT_MAX_BYTES	(256L * 1024 * 1024)	/* CSV buffered for one download */
#define ADMIN_MOSTWANTED_N	10		/* most-wanted items on the dashboard */
#define ADMIN_MOSTWANTED_TTL_S	300		/* the most-wanted list is recomputed at most this often */
#define ADMIN_MOSTWANTED_MIN_S	10		/* ... and, when waiters came or went, after this ... */
#define ADMIN_MOSTWANTED_CHEAP_MS 100		/* ... if computing it took at most this */
#define ADMIN_CHART_DAYS	30

/* The state of one admin request (lives on the stack of h_admin). */
struct admin {
	struct req *r;
	const struct settings *st;	/* req_settings(r) */
	const char *sub;		/* path below /admin: "/", "/catalog", "/subs/delete" ... */
	int post;			/* POST (body parsed into f, CSRF checked) */
	struct session sess;		/* valid when authed */
	int authed;
	struct form q;			/* query string */
	struct form f;			/* POST body */
	long long now;
};

/* ---- helpers (admin.c) ---- */

/* admin_q / admin_p: a query / POST field, "" when absent. Points into a. */
const char *admin_q(const struct admin *a, const char *name);
const char *admin_p(const struct admin *a, const char *name);
/* admin_url: base + "/admin" + path into out (appended; path is not escaped). */
void admin_url(struct buf *out, const struct admin *a, const char *path);

/*
 * admin_ctx: a new template context with what the layout needs (title,
 * base URLs, navigation with `nav` current, CSRF token, the flash). The
 * caller adds its keys and hands it to admin_render.
 */
struct tval *admin_ctx(struct admin *a, const char *title, const char *nav);
/*
 * admin_render: render templates/admin/layout.html with `page`.html as the
 * "content" partial (strict: unknown names are errors) into the response
 * with status. Frees ctx. A template error answers 500.
 */
void admin_render(struct admin *a, int status, const char *page,
		  struct tval *ctx);
/* admin_error_page: a small HTML error page with status and message. */
void admin_error_page(struct admin *a, int status, const char *msg);
/* admin_redirect: 303 See Other to base/admin + path_query (already URL-safe). */
void admin_redirect(struct admin *a, const char *path_query);
/*
 * admin_done: the end of a POST: store a flash message (printf-style) in
 * the session and redirect to path_query (Post/Redirect/Get).
 */
void admin_done(struct admin *a, const char *path_query, int error,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* admin_time: "2026-11-26 16:00:05 UTC" for unix seconds (0: "never"). */
void admin_time(struct buf *out, long long t);
/* admin_templates_dir: $RESTOCK_TEMPLATES, <exe>/../templates, or the install prefix. */
void admin_templates_dir(struct buf *out);
/* admin_set_num: ctx[key] = n with thousands separators ("1,000,000"). */
void admin_set_num(struct tval *ctx, const char *key, long long n);
/* admin_num: append n with thousands separators. */
void admin_num(struct buf *out, long long n);

/*
 * admin_setting_fields: the form fields (a list for the "setting_field"
 * partial) of the named settings with their current values, help and, from
 * explain (may be NULL), a sentence with the current numbers.
 */
typedef void (*admin_explain_fn)(struct admin *a, const char *name, struct buf *out);
struct tval *admin_setting_fields(struct admin *a, const char *const *names,
				  const char *const *labels, admin_explain_fn explain);
/*
 * admin_settings_save: validate every named setting present in the POST
 * with settings_validate (as restockctl settings does); when all pass, store
 * the changed ones. Returns the number changed, or -1 with the reasons in
 * msg (then nothing was stored).
 */
int admin_settings_save(struct admin *a, const char *const *names,
			struct buf *msg);

/* ---- pages: one file and one entry point each ---- */
void admin_login(struct admin *a);	/* admin_login.c: /login (GET form, POST), /logout (POST) */
void admin_dashboard(struct admin *a);	/* admin_dashboard.c: / */
void admin_settings(struct admin *a);	/* admin_settings.c: /settings */
void admin_feed(struct admin *a);	/* admin_feed.c: /feed, /feed/sync */
void admin_catalog(struct admin *a);	/* admin_catalog.c: /catalog */
void admin_subs(struct admin *a);	/* admin_subs.c: /subs, /subs/delete, /subs/export, /subs/suppress */
void admin_activity(struct admin *a);	/* admin_activity.c: /activity, /activity/retry, /activity/preview */
void admin_email(struct admin *a);	/* admin_email.c: /email, /email/test */
void admin_static(struct admin *a);	/* admin_static.c: /static/admin.css */

#endif
