/* unsubscribe: GET /unsubscribe?t= (confirmation form) and POST (suppress; RFC 8058 one-click). */
#include <string.h>

#include "bis/home.h"
#include "bis/purge.h"
#include "bis/token.h"
#include "core/log.h"
#include "http/form.h"
#include "tmpl/escape.h"
#include "web/unsubscribe.h"

#define PAGE_CSP "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static void add_html(struct buf *b, const char *s)
{
	esc_html(b, s, strlen(s));
}

void link_page(struct req *r, int status, const char *title,
	       const char *body_html)
{
	const struct settings *s = req_settings(r);
	const char *store = s ? settings_get(s, "store_name") : "";
	struct buf *b = &r->out;

	buf_reset(b);
	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		 "<meta name=\"robots\" content=\"noindex\">\n<title>");
	add_html(b, title);
	buf_adds(b, " - ");
	add_html(b, store);
	buf_adds(b, "</title>\n<style>\n"
		 "body{margin:0;background:#f4f4f5;color:#18181b;font:16px/1.5 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}\n"
		 "main{max-width:480px;margin:48px auto;background:#fff;border-radius:8px;padding:28px 32px}\n"
		 ".store{font-weight:bold;color:#71717a;font-size:14px;margin:0 0 8px}\n"
		 "h1{font-size:22px;margin:0 0 16px}\n"
		 "button{font:inherit;font-weight:bold;color:#fff;background:#dc2626;border:0;border-radius:6px;padding:12px 24px;cursor:pointer}\n"
		 "</style>\n</head>\n<body>\n<main>\n<p class=\"store\">");
	add_html(b, store);
	buf_adds(b, "</p>\n<h1>");
	add_html(b, title);
	buf_adds(b, "</h1>\n");
	buf_adds(b, body_html);
	buf_adds(b, "\n</main>\n</body>\n</html>\n");
	r->status = status;
	req_add_header(r, "Content-Type", "text/html; charset=utf-8");
	req_add_header(r, "Content-Security-Policy", PAGE_CSP);
	req_add_header(r, "Cache-Control", "no-store");
	req_add_header(r, "X-Content-Type-Options", "nosniff");
	req_add_header(r, "Referrer-Policy", "no-referrer");
}

static void invalid_link(struct req *r)
{
	link_page(r, 400, "This link is not valid",
		  "<p>The unsubscribe link is incomplete or has been changed. "
		  "Please use the link from the email exactly as it was sent.</p>");
}

/* form_token: t from the POST body (urlencoded), else from the query. */
static const char *form_token(struct req *r, struct form *q, struct form *body)
{
	const char *t = NULL;
	const char *ct = r->content_type ? r->content_type : "";
	if (!strcmp(r->method, "POST") && req_body(r) == 0 &&
	    !strncmp(ct, "application/x-www-form-urlencoded", 33) &&
	    form_parse_urlencoded(body, r->body.ptr, r->body.len) == 0)
		t = form_get(body, "t");
	if (!t && form_parse_query(q, r->query) == 0)
		t = form_get(q, "t");
	return t;
}

static void ask(struct req *r, const char *token, const char *email)
{
	struct buf h = BUF_INIT;
	buf_adds(&h, "<p>Stop all back-in-stock emails to <strong>");
	add_html(&h, email);
	buf_adds(&h, "</strong>? Your waiting alerts will be cancelled.</p>\n"
		 "<form method=\"post\" action=\"");
	add_html(&h, r->base);
	buf_adds(&h, "/unsubscribe\">\n<input type=\"hidden\" name=\"t\" value=\"");
	add_html(&h, token);
	buf_adds(&h, "\">\n<button type=\"submit\">Unsubscribe</button>\n</form>");
	link_page(r, 200, "Unsubscribe", h.ptr);
	buf_release(&h);
}

static void unsubscribe(struct req *r, const char *email)
{
	struct buf err = BUF_INIT, h = BUF_INIT;
	long long dropped = 0;

	if (bis_unsubscribe(r->home, email, &dropped, &err) < 0) {
		log_error("unsubscribe: %s", err.ptr);
		link_page(r, 503, "Please try again",
			  "<p>We could not process your request just now. Please try again in a minute.</p>");
	} else {
		buf_adds(&h, "<p><strong>");
		add_html(&h, email);
		buf_adds(&h, "</strong> will not receive back-in-stock emails from us any more.</p>");
		link_page(r, 200, "You are unsubscribed", h.ptr);
	}
	buf_release(&err);
	buf_release(&h);
}

void h_unsubscribe(struct req *r)
{
	struct form q = FORM_INIT, body = FORM_INIT;
	struct buf secret = BUF_INIT, email = BUF_INIT, err = BUF_INIT;
	const char *t = form_token(r, &q, &body);

	if (home_secret(r->home, &secret, &err) < 0) {
		log_error("unsubscribe: %s", err.ptr);
		link_page(r, 503, "Please try again",
			  "<p>We could not process your request just now.</p>");
	} else if (!t || token_open(&email, secret.ptr, "unsub", t) < 0 ||
		   !email.len || memchr(email.ptr, '\0', email.len)) {
		invalid_link(r);
	} else if (!strcmp(r->method, "POST")) {
		unsubscribe(r, email.ptr);
	} else {
		ask(r, t, email.ptr);
	}
	form_release(&q);
	form_release(&body);
	buf_release(&secret);
	buf_release(&email);
	buf_release(&err);
}
