/* admin: the /admin/ sub-router — security headers, session and CSRF checks, layout rendering, PRG flashes. */
#include "web/admin.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bis/message.h"
#include "core/crypto.h"
#include "core/limits.h"
#include "core/log.h"
#include "http/cookie.h"
#include "tmpl/escape.h"
#include "web/handlers.h"

#define ADMIN_MAX_TEMPLATE_NAME 64

enum { A_GET = 1, A_POST = 2 };

struct admin_route {
	const char *path;	/* exact, or a prefix when it ends in '/' */
	unsigned methods;
	void (*fn)(struct admin *);
};

/* Routes behind the login. Each page file sorts out its own sub-paths. */
static const struct admin_route routes[] = {
	{ "/", A_GET, admin_dashboard },
	{ "/settings", A_GET | A_POST, admin_settings },
	{ "/feed", A_GET | A_POST, admin_feed },
	{ "/feed/", A_POST, admin_feed },
	{ "/catalog", A_GET, admin_catalog },
	{ "/subs", A_GET, admin_subs },
	{ "/subs/", A_GET | A_POST, admin_subs },
	{ "/activity", A_GET, admin_activity },
	{ "/activity/", A_GET | A_POST, admin_activity },
	{ "/email", A_GET | A_POST, admin_email },
	{ "/email/", A_POST, admin_email },
	{ "/logout", A_POST, admin_login },
	{ NULL, 0, NULL },
};

static const struct { const char *key, *path, *label; } nav[] = {
	{ "dashboard", "/", "Dashboard" },
	{ "settings", "/settings", "Back in Stock Settings" },
	{ "feed", "/feed", "Catalog feed" },
	{ "catalog", "/catalog", "Catalog" },
	{ "subs", "/subs", "Subscriptions" },
	{ "activity", "/activity", "Activity" },
	{ "email", "/email", "Email" },
	{ NULL, NULL, NULL },
};

const char *admin_q(const struct admin *a, const char *name)
{
	const char *v = form_get(&a->q, name);
	return v ? v : "";
}

const char *admin_p(const struct admin *a, const char *name)
{
	const char *v = form_get(&a->f, name);
	return v ? v : "";
}

void admin_url(struct buf *out, const struct admin *a, const char *path)
{
	buf_adds(out, a->r->base);
	buf_adds(out, "/admin");
	buf_adds(out, path);
}

void admin_num(struct buf *out, long long n)
{
	char d[32];
	int len, i;
	if (n < 0) {
		buf_addch(out, '-');
		n = n == LLONG_MIN ? LLONG_MAX : -n;
	}
	len = snprintf(d, sizeof(d), "%lld", n);
	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf_addch(out, ',');
		buf_addch(out, d[i]);
	}
}

void admin_set_num(struct tval *ctx, const char *key, long long n)
{
	struct buf b = BUF_INIT;
	admin_num(&b, n);
	tv_set_str(ctx, key, b.ptr);
	buf_release(&b);
}

void admin_time(struct buf *out, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char d[40];
	if (t <= 0) {
		buf_adds(out, "never");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(d, sizeof(d), "%Y-%m-%d %H:%M:%S UTC", &tm);
	buf_adds(out, d);
}

void admin_templates_dir(struct buf *out)
{
	/* one lookup for every template: $RESTOCK_TEMPLATES, <exe>/../templates, the install prefix */
	message_templates_dir(out);
}

/* ---- rendering ---- */

struct loader {
	struct buf dir;
	const char *page;
};

static int read_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->len + n > TMPL_MAX_BYTES) {
			fclose(f);
			return -2;
		}
		buf_add(out, chunk, n);
	}
	fclose(f);
	return 0;
}

static int name_ok(const char *name)
{
	size_t n = strlen(name);
	if (!n || n > ADMIN_MAX_TEMPLATE_NAME)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || name[i] == '_'))
			return 0;
	return 1;
}

/* load_template: templates/admin/NAME.html into out. 0, -1 missing. */
static int load_template(const struct buf *dir, const char *name, struct buf *out)
{
	struct buf path = BUF_INIT;
	int rc;
	if (!name_ok(name))
		return -1;
	buf_addf(&path, "%s/admin/%s.html", dir->ptr, name);
	rc = read_file(path.ptr, out);
	buf_release(&path);
	return rc == -2 ? -2 : rc;
}

static int partial(void *vctx, const char *name, struct buf *out)
{
	struct loader *l = vctx;
	int rc = load_template(&l->dir, strcmp(name, "content") ? name : l->page, out);
	return rc;
}

struct tval *admin_ctx(struct admin *a, const char *title, const char *nav_key)
{
	struct tval *c = tv_map(), *list = tv_list();
	struct buf u = BUF_INIT;

	tv_set_str(c, "title", title);
	tv_set_str(c, "base", a->r->base);
	admin_url(&u, a, "");
	tv_set_str(c, "admin", u.ptr);
	buf_release(&u);
	tv_set_str(c, "store_name", a->st ? settings_get(a->st, "store_name") : "");
	tv_set_bool(c, "logged_in", a->authed);
	tv_set_str(c, "csrf", a->authed ? a->sess.csrf : "");
	for (int i = 0; nav[i].key; i++) {
		struct tval *e = tv_map();
		buf_reset(&u);
		admin_url(&u, a, nav[i].path);
		tv_set_str(e, "href", u.ptr);
		tv_set_str(e, "label", nav[i].label);
		tv_set_bool(e, "current", nav_key && !strcmp(nav_key, nav[i].key));
		tv_push(list, e);
	}
	buf_release(&u);
	tv_set(c, "nav", list);
	if (a->authed && a->sess.flash && a->sess.flash_kind[0]) {
		tv_set_str(c, "flash", a->sess.flash);
		tv_set_bool(c, "flash_error", !strcmp(a->sess.flash_kind, "error"));
	} else {
		tv_set_str(c, "flash", "");
		tv_set_bool(c, "flash_error", 0);
	}
	return c;
}

void admin_render(struct admin *a, int status, const char *page,
		  struct tval *ctx)
{
	struct loader l = { BUF_INIT, page };
	struct buf tpl = BUF_INIT, err = BUF_INIT;
	struct tmpl_opts o = TMPL_OPTS_INIT;

	admin_templates_dir(&l.dir);
	o.strict = 1;
	o.partial = partial;
	o.partial_ctx = &l;
	buf_reset(&a->r->out);
	if (load_template(&l.dir, "layout", &tpl) < 0) {
		log_error("admin: no template %s/admin/layout.html", l.dir.ptr);
		buf_adds(&err, "missing");
		goto fail;
	}
	if (tmpl_render(tpl.ptr, tpl.len, ctx, &o, &a->r->out, &err) < 0) {
		log_error("admin: template %s: %s", page, err.ptr);
		goto fail;
	}
	a->r->status = status;
	req_add_header(a->r, "Content-Type", "text/html; charset=utf-8");
	goto out;
fail:
	buf_reset(&a->r->out);
	buf_adds(&a->r->out, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		 "<title>Error</title></head><body><p>The admin page could not be rendered "
		 "(template error; see the server log).</p></body></html>\n");
	a->r->status = 500;
	req_add_header(a->r, "Content-Type", "text/html; charset=utf-8");
out:
	tv_free(ctx);
	buf_release(&tpl);
	buf_release(&err);
	buf_release(&l.dir);
}

void admin_error_page(struct admin *a, int status, const char *msg)
{
	struct tval *c = admin_ctx(a, req_reason(status), NULL);
	tv_set_int(c, "status", status);
	tv_set_str(c, "message", msg);
	admin_render(a, status, "error", c);
}

void admin_redirect(struct admin *a, const char *path_query)
{
	struct buf u = BUF_INIT;
	admin_url(&u, a, path_query);
	a->r->status = 303;
	req_add_header(a->r, "Location", u.ptr);
	buf_reset(&a->r->out);
	buf_release(&u);
}

void admin_done(struct admin *a, const char *path_query, int error,
		const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&m, fmt, ap);
	va_end(ap);
	if (a->authed && session_flash(a->r->home, &a->sess, error, m.ptr) < 0)
		log_error("admin: could not store a flash message");
	buf_release(&m);
	admin_redirect(a, path_query);
}

/* ---- settings forms (Back in Stock, feed, email) ---- */

static void add_options(struct tval *e, const char *choices, const char *cur)
{
	struct tval *opts = tv_list();
	const char *p = choices;
	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		struct tval *o = tv_map();
		tv_set_strn(o, "value", p, len);
		tv_set_bool(o, "selected", strlen(cur) == len && !memcmp(cur, p, len));
		tv_push(opts, o);
		p = bar ? bar + 1 : NULL;
	}
	tv_set(e, "options", opts);
}

struct tval *admin_setting_fields(struct admin *a, const char *const *names,
				  const char *const *labels, admin_explain_fn explain)
{
	struct tval *list = tv_list();
	struct buf x = BUF_INIT;
	for (size_t i = 0; names[i]; i++) {
		const struct setting_def *d = setting_find(names[i]);
		struct tval *e;
		const char *v;
		if (!d)
			continue;
		v = settings_get(a->st, d->name);
		e = tv_map();
		tv_set_str(e, "name", d->name);
		tv_set_str(e, "label", labels ? labels[i] : d->name);
		tv_set_str(e, "help", d->help);
		tv_set_str(e, "value", v);
		tv_set_bool(e, "is_int", d->kind == SK_INT);
		tv_set_bool(e, "is_enum", d->kind == SK_ENUM || d->kind == SK_BOOL);
		tv_set_bool(e, "is_text", d->kind == SK_TEXT);
		tv_set_bool(e, "is_line", d->kind != SK_INT && d->kind != SK_ENUM &&
			    d->kind != SK_BOOL && d->kind != SK_TEXT);
		tv_set_str(e, "input_type", d->kind == SK_EMAIL ? "email" : "text");
		tv_set_int(e, "min", d->min);
		tv_set_int(e, "max", d->max);
		if (d->kind == SK_ENUM)
			add_options(e, d->choices, v);
		else if (d->kind == SK_BOOL)
			add_options(e, "on|off", settings_get_bool(a->st, d->name) ? "on" : "off");
		else
			tv_set(e, "options", tv_list());
		buf_reset(&x);
		if (explain)
			explain(a, d->name, &x);
		tv_set_str(e, "explain", x.ptr);
		tv_push(list, e);
	}
	buf_release(&x);
	return list;
}

int admin_settings_save(struct admin *a, const char *const *names,
			struct buf *msg)
{
	size_t n = 0;
	struct buf err = BUF_INIT;
	char **vals;
	int changed = 0, bad = 0;

	while (names[n])
		n++;
	vals = xcalloc(n + 1, sizeof(*vals));
	for (size_t i = 0; i < n; i++) {
		const struct setting_def *d = setting_find(names[i]);
		const char *v = form_get(&a->f, names[i]);
		struct buf out = BUF_INIT;
		if (!d || !v)
			continue;
		buf_reset(&err);
		if (settings_validate(d, v, &out, &err) < 0) {
			if (bad++)
				buf_adds(msg, "; ");
			buf_adds(msg, err.ptr);
			buf_release(&out);
			continue;
		}
		if (strcmp(out.ptr, settings_get(a->st, d->name)))
			vals[i] = buf_detach(&out, NULL);
		buf_release(&out);
	}
	for (size_t i = 0; i < n && !bad; i++) {
		if (!vals[i])
			continue;
		buf_reset(&err);
		if (settings_set(a->r->home, names[i], vals[i], &err) < 0) {
			if (bad++)
				buf_adds(msg, "; ");
			buf_adds(msg, err.ptr);
			break;
		}
		changed++;
	}
	for (size_t i = 0; i < n; i++)
		free(vals[i]);
	free(vals);
	buf_release(&err);
	return bad ? -1 : changed;
}

/* ---- the entry point ---- */

static void security_headers(struct req *r)
{
	req_add_header(r, "Content-Security-Policy",
		       "default-src 'none'; style-src 'self'; img-src 'self' data:; "
		       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	req_add_header(r, "X-Frame-Options", "DENY");
	req_add_header(r, "X-Content-Type-Options", "nosniff");
	req_add_header(r, "Cache-Control", "no-store");
	req_add_header(r, "Referrer-Policy", "same-origin");
}

/* load_session: 1 logged in, 0 not, -1 storage error. */
static int load_session(struct admin *a)
{
	struct buf id = BUF_INIT;
	int rc = cookie_get(req_header(a->r, "HTTP_COOKIE"), ADMIN_COOKIE, &id);
	if (rc == 1)
		rc = session_load(a->r->home, id.ptr, a->now,
				  60 * settings_get_ll(a->st, "session_idle_minutes"),
				  3600 * settings_get_ll(a->st, "session_max_hours"),
				  !a->post, &a->sess);
	else
		rc = 0;
	buf_release(&id);
	return rc;
}

static int csrf_ok(struct admin *a)
{
	const struct form_field *f = form_find(&a->f, "csrf");
	return f && mem_equal_ct(f->value, f->value_len, a->sess.csrf,
				 strlen(a->sess.csrf));
}

static const struct admin_route *find_route(const char *sub)
{
	for (const struct admin_route *rt = routes; rt->path; rt++) {
		size_t n = strlen(rt->path);
		if (n > 1 && rt->path[n - 1] == '/') {
			if (!strncmp(sub, rt->path, n) && sub[n])
				return rt;
		} else if (!strcmp(sub, rt->path)) {
			return rt;
		}
	}
	return NULL;
}

/* parse_body: the POST form. 0, or the HTTP status to answer. */
static int parse_body(struct admin *a)
{
	int st = req_body(a->r);
	const char *ct = a->r->content_type ? a->r->content_type : "";
	if (st)
		return st;
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33))
		return 415;
	return form_parse_urlencoded(&a->f, a->r->body.ptr, a->r->body.len);
}

void h_admin(struct req *r)
{
	struct admin a;
	const struct admin_route *rt;
	int st;

	memset(&a, 0, sizeof(a));
	a.r = r;
	a.now = (long long)time(NULL);
	form_init(&a.q);
	form_init(&a.f);
	session_init(&a.sess);
	security_headers(r);

	a.sub = r->path + strlen("/admin");
	if (!*a.sub) {
		admin_redirect(&a, "/");
		goto out;
	}
	if (*a.sub != '/') {
		answer_not_found(r);
		goto out;
	}
	a.post = !strcmp(r->method, "POST");
	a.st = req_settings(r);
	if (!a.st) {
		admin_error_page(&a, 500, "The settings could not be read.");
		goto out;
	}
	if ((st = form_parse_query(&a.q, r->query)) != 0) {
		admin_error_page(&a, st == 414 ? 414 : 400, "Bad query string.");
		goto out;
	}
	if (!strcmp(a.sub, "/static/admin.css") && !a.post) {
		admin_static(&a);
		goto out;
	}
	if (a.post && (st = parse_body(&a)) != 0) {
		admin_error_page(&a, st, "The form could not be read.");
		goto out;
	}
	if (!strcmp(a.sub, "/login")) {
		admin_login(&a);
		goto out;
	}
	rt = find_route(a.sub);
	if (!rt) {
		/* unknown pages: the login still comes first, so nothing is revealed */
		st = load_session(&a);
		a.authed = st == 1;
		if (!a.authed && !a.post)
			admin_redirect(&a, "/login");
		else
			admin_error_page(&a, 404, "There is no such admin page.");
		goto out;
	}
	st = load_session(&a);
	if (st < 0) {
		admin_error_page(&a, 500, "The session store could not be read.");
		goto out;
	}
	a.authed = st == 1;
	if (!a.authed) {
		if (a.post) {
			admin_error_page(&a, 403, "Your session has ended. Please log in again.");
		} else {
			admin_redirect(&a, "/login");
		}
		goto out;
	}
	if (a.post && !csrf_ok(&a)) {
		admin_error_page(&a, 403, "The form's security token is missing or wrong. "
				 "Reload the page and try again.");
		goto out;
	}
	if (!(rt->methods & (a.post ? A_POST : A_GET))) {
		req_add_header(r, "Allow", rt->methods & A_POST ?
			       (rt->methods & A_GET ? "GET, HEAD, POST" : "POST") : "GET, HEAD");
		admin_error_page(&a, 405, "Method not allowed.");
		goto out;
	}
	rt->fn(&a);
out:
	form_release(&a.q);
	form_release(&a.f);
	session_release(&a.sess);
}
