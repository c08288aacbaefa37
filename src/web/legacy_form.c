/* legacy_form: form body -> struct sub_request -> bis_subscribe -> Klaviyo's exact JSON answers. */
#include "web/legacy_form.h"

#include <stdio.h>
#include <string.h>

#include "http/form.h"
#include "http/multipart.h"
#include "web/cors.h"
#include "web/handlers.h"
#include "core/json.h"

#define BODY_INVALID "{\"errors\": [\"There was something wrong with your request. Please try again.\"], \"data\": {}, \"success\": false}"
#define MSG_RATE_LIMITED "Too many requests. Please try again later."

static const char *const required[] = { "a", "email", "variant", "platform" };

static void answer_invalid(struct req *r)
{
	req_json(r, 400, BODY_INVALID);
}

static void answer_success(struct req *r, const char *email)
{
	struct json j;
	buf_reset(&r->out);
	json_init(&j, &r->out);
	json_obj_begin(&j);
	json_key(&j, "email");
	json_str(&j, email);
	json_key(&j, "success");
	json_bool(&j, 1);
	json_obj_end(&j);
	r->status = 200;
	req_add_header(r, "Content-Type", "application/json");
}

static void answer_limited(struct req *r, long retry_after)
{
	char s[32];
	snprintf(s, sizeof(s), "%ld", retry_after > 0 ? retry_after : 1);
	req_add_header(r, "Retry-After", s);
	answer_error(r, 429, MSG_RATE_LIMITED);
}

/* answer_missing: 1 when a required field is missing or empty (answered). */
static int answer_missing(struct req *r, const struct form *f)
{
	struct buf msg = BUF_INIT;
	buf_adds(&msg, "There was something wrong with your request:");
	size_t base = msg.len;
	for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++) {
		const char *v = form_get(f, required[i]);
		if (!v || !*v)
			buf_addf(&msg, " * %s * This field is required.", required[i]);
	}
	int missing = msg.len > base;
	if (missing)
		answer_error(r, 400, msg.ptr);
	buf_release(&msg);
	return missing;
}

/* email_as_given: the email field trimmed of ASCII whitespace, for the answer. */
static void email_as_given(struct buf *out, const char *email)
{
	buf_reset(out);
	buf_adds(out, email);
	buf_trim(out);
}

void legacy_subscribe(struct req *r, enum sub_source source)
{
	const struct settings *s = req_settings(r);
	struct form f;
	struct sub_request rq;
	struct sub_outcome out;
	struct buf email = BUF_INIT;
	int rc;

	form_init(&f);
	memset(&out, 0, sizeof(out));
	if (source == SRC_ONSITE)
		cors_headers(r);
	if (!s) {
		answer_error(r, 503, "Service unavailable.");
		goto done;
	}
	rc = req_body(r);
	if (rc == 413) {
		answer_error(r, 413, "Request body too large.");
		goto done;
	}
	if (rc) {
		answer_invalid(r);
		goto done;
	}
	rc = form_parse_body(&f, r->content_type, r->body.ptr, r->body.len);
	if (rc == 400 || rc == 413) {
		answer_invalid(r);	/* malformed encoding: never partly read */
		goto done;
	}
	/* 415 (not a form) leaves f empty: every field is then missing, as at Klaviyo */
	if (answer_missing(r, &f))
		goto done;
	if (strcmp(form_get(&f, "a"), settings_get(s, "public_key")) ||
	    strcmp(form_get(&f, "platform"), "api")) {
		answer_invalid(r);
		goto done;
	}
	email_as_given(&email, form_get(&f, "email"));
	if (source == SRC_ONSITE) {
		const char *hp = settings_get(s, "honeypot_field");
		const char *v = *hp ? form_get(&f, hp) : NULL;
		if (v && *v) {
			answer_success(r, email.ptr);	/* a bot: look accepted, keep nothing */
			goto done;
		}
	}
	memset(&rq, 0, sizeof(rq));
	rq.source = source;
	rq.email = form_get(&f, "email");
	rq.variant = form_get(&f, "variant");
	rq.platform = "api";
	rq.product = form_get(&f, "product");
	rq.store = form_get(&f, "store");
	rq.g = form_get(&f, "g");
	{
		const char *nl = form_get(&f, "subscribe_for_newsletter");
		rq.newsletter = nl && (!strcmp(nl, "true") || !strcmp(nl, "1") || !strcmp(nl, "on"));
	}
	rq.client_ip = r->remote_addr;
	bis_subscribe(r->home, s, &rq, req_sub_env(r), &out);
	switch (out.status) {
	case SUB_ACCEPTED:
	case SUB_PENDING:
	case SUB_DUPLICATE:
	case SUB_UNKNOWN_VARIANT:
	case SUB_SUPPRESSED:
	case SUB_DROPPED:
		answer_success(r, email.ptr);
		break;
	case SUB_INVALID_EMAIL:
	case SUB_INVALID_PHONE:
		answer_invalid(r);
		break;
	case SUB_RATE_LIMITED:
	case SUB_CAP_REACHED:
		answer_limited(r, out.retry_after);
		break;
	case SUB_ERROR:
		answer_error(r, 503, "Service unavailable. Please try again.");
		break;
	}
done:
	sub_outcome_release(&out);
	form_release(&f);
	buf_release(&email);
}
