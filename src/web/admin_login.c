/* admin_login: GET/POST /admin/login (password, throttled per IP, new session id) and POST /admin/logout. */
#include <stdio.h>
#include <string.h>

#include "bis/password.h"
#include "core/crypto.h"
#include "core/log.h"
#include "http/cookie.h"
#include "web/admin.h"

/* set_cookie: Set-Cookie for name=value on base/admin[path_suffix]; max_age < 0: a session cookie. */
static void set_cookie(struct admin *a, const char *name, const char *value,
		       const char *path_suffix, long max_age)
{
	struct buf c = BUF_INIT;
	buf_addf(&c, "%s=%s; Path=", name, value);
	admin_url(&c, a, path_suffix);
	buf_adds(&c, "; HttpOnly; SameSite=Strict");
	if (a->r->https)
		buf_adds(&c, "; Secure");
	if (max_age >= 0)
		buf_addf(&c, "; Max-Age=%ld", max_age);
	req_add_header(a->r, "Set-Cookie", c.ptr);
	buf_release(&c);
}

static void login_form(struct admin *a, int status, const char *error)
{
	struct buf tok = BUF_INIT;
	struct tval *c;

	if (random_hex(&tok, SESSION_CSRF_BYTES) < 0) {
		admin_error_page(a, 500, "No random bytes available.");
		return;
	}
	set_cookie(a, ADMIN_LOGIN_COOKIE, tok.ptr, "/login", -1);
	c = admin_ctx(a, "Log in", NULL);
	tv_set_str(c, "login_token", tok.ptr);
	tv_set_str(c, "error", error ? error : "");
	tv_set_bool(c, "logged_out", !strcmp(admin_q(a, "out"), "1"));
	tv_set_bool(c, "no_password", !*settings_get(a->st, "admin_password"));
	admin_render(a, status, "login", c);
	buf_release(&tok);
}

static int login_token_ok(struct admin *a)
{
	struct buf cookie = BUF_INIT;
	const struct form_field *f = form_find(&a->f, "csrf");
	int ok = cookie_get(req_header(a->r, "HTTP_COOKIE"), ADMIN_LOGIN_COOKIE, &cookie) == 1 &&
		 cookie.len == 2 * SESSION_CSRF_BYTES && f &&
		 mem_equal_ct(f->value, f->value_len, cookie.ptr, cookie.len);
	buf_release(&cookie);
	return ok;
}

static void do_login(struct admin *a)
{
	const char *hash = settings_get(a->st, "admin_password");
	const char *pw = admin_p(a, "password");
	long long idle = 60 * settings_get_ll(a->st, "session_idle_minutes");
	long long max = 3600 * settings_get_ll(a->st, "session_max_hours");
	struct buf id = BUF_INIT, err = BUF_INIT, old = BUF_INIT;
	long wait;

	if (!login_token_ok(a)) {
		login_form(a, 403, "The login form expired. Please try again.");
		return;
	}
	wait = login_throttle(a->r->home, a->r->remote_addr, a->now);
	if (wait < 0) {
		admin_error_page(a, 500, "The session store could not be written.");
		return;
	}
	if (wait > 0) {
		char ra[32];
		snprintf(ra, sizeof(ra), "%ld", wait);
		req_add_header(a->r, "Retry-After", ra);
		login_form(a, 429, "Too many failed logins from your address. Wait a minute and try again.");
		return;
	}
	if (!*hash || !*pw || strlen(pw) > PASSWORD_MAX_BYTES || !password_verify(pw, hash)) {
		log_warn("admin: failed login from %s", a->r->remote_addr);
		login_form(a, 401, "Wrong password.");
		return;
	}
	login_throttle_reset(a->r->home, a->r->remote_addr);
	/* no fixation: whatever session the browser had is ended, and a new id is made */
	if (cookie_get(req_header(a->r, "HTTP_COOKIE"), ADMIN_COOKIE, &old) == 1) {
		struct session s;
		session_init(&s);
		if (session_load(a->r->home, old.ptr, a->now, idle, max, 0, &s) == 1)
			session_destroy(a->r->home, &s);
		session_release(&s);
	}
	if (session_create(a->r->home, a->now, idle, max, &a->sess, &id, &err) < 0) {
		log_error("admin: %s", err.ptr);
		admin_error_page(a, 500, "The session store could not be written.");
	} else {
		a->authed = 1;
		set_cookie(a, ADMIN_COOKIE, id.ptr, "", -1);
		set_cookie(a, ADMIN_LOGIN_COOKIE, "", "/login", 0);
		log_info("admin: login from %s", a->r->remote_addr);
		admin_redirect(a, "/");
	}
	buf_release(&id);
	buf_release(&err);
	buf_release(&old);
}

void admin_login(struct admin *a)
{
	if (!strcmp(a->sub, "/logout")) {
		/* h_admin has checked the session and the CSRF token */
		session_destroy(a->r->home, &a->sess);
		a->authed = 0;
		set_cookie(a, ADMIN_COOKIE, "", "", 0);
		admin_redirect(a, "/login?out=1");
		return;
	}
	if (a->post) {
		do_login(a);
		return;
	}
	/* always the form, even with a session: a new login replaces whatever session the browser holds */
	login_form(a, 200, NULL);
}
