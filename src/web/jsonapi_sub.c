/* jsonapi_sub: JSON:API body -> struct sub_request -> bis_subscribe -> 202 or error objects. */
#include "web/jsonapi_sub.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/jsonapi.h"

#define PTR_EMAIL "/data/attributes/profile/data/attributes/email"
#define PTR_PHONE "/data/attributes/profile/data/attributes/phone_number"

void jsonapi_fail(struct req *r, int status, const char *code, const char *title,
		  const char *detail, const char *pointer)
{
	buf_reset(&r->out);
	jsonapi_error_write(&r->out, status, code, title, detail, pointer);
	r->status = status;
	req_add_header(r, "Content-Type", "application/vnd.api+json");
}

/* revision_ok: "YYYY-MM-DD", optionally with a ".suffix" (e.g. 2024-10-15.pre). */
static int revision_ok(const char *v)
{
	if (!v || strlen(v) < 10)
		return 0;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (v[i] != '-')
				return 0;
		} else if (!isdigit((unsigned char)v[i])) {
			return 0;
		}
	}
	return v[10] == '\0' || v[10] == '.';
}

/* json_media: application/json or application/vnd.api+json (parameters ignored). */
static int json_media(const char *ct)
{
	if (!ct)
		return 0;
	size_t n = strcspn(ct, ";");
	while (n && ct[n - 1] == ' ')
		n--;
	return (n == 16 && !strncasecmp(ct, "application/json", 16)) ||
	       (n == 24 && !strncasecmp(ct, "application/vnd.api+json", 24));
}

static void answer_outcome(struct req *r, const struct sub_outcome *o)
{
	char s[32];
	switch (o->status) {
	case SUB_ACCEPTED:
	case SUB_PENDING:
	case SUB_DUPLICATE:
	case SUB_UNKNOWN_VARIANT:
	case SUB_SUPPRESSED:
	case SUB_DROPPED:
		r->status = 202;
		buf_reset(&r->out);
		return;
	case SUB_INVALID_EMAIL:
		jsonapi_fail(r, 400, "invalid", "Invalid input.",
			     "Invalid email address.", PTR_EMAIL);
		return;
	case SUB_INVALID_PHONE:
		jsonapi_fail(r, 400, "invalid", "Invalid input.",
			     "Invalid phone number: use E.164, e.g. +15005550006.", PTR_PHONE);
		return;
	case SUB_RATE_LIMITED:
	case SUB_CAP_REACHED:
		snprintf(s, sizeof(s), "%ld", o->retry_after > 0 ? o->retry_after : 1);
		req_add_header(r, "Retry-After", s);
		jsonapi_fail(r, 429, "throttled", "Request was throttled.",
			     "Request was throttled. Please try again later.", NULL);
		return;
	case SUB_ERROR:
		jsonapi_fail(r, 503, "service_unavailable", "Service unavailable.",
			     "Please try again later.", NULL);
		return;
	}
}

void jsonapi_subscribe(struct req *r, enum sub_source source)
{
	const struct settings *s = req_settings(r);
	struct jsonapi_sub js;
	struct jsonapi_errors errs;
	struct sub_request rq;
	struct sub_outcome out;
	int rc;

	jsonapi_sub_init(&js);
	jsonapi_errors_init(&errs);
	memset(&out, 0, sizeof(out));
	if (!s) {
		jsonapi_fail(r, 503, "service_unavailable", "Service unavailable.",
			     "Please try again later.", NULL);
		goto done;
	}
	if (!revision_ok(req_header(r, "HTTP_REVISION"))) {
		jsonapi_fail(r, 400, "invalid", "Invalid input.",
			     "The revision header is required, as YYYY-MM-DD.", NULL);
		goto done;
	}
	rc = req_body(r);
	if (rc == 413) {
		jsonapi_fail(r, 413, "payload_too_large", "Payload too large.",
			     "The request body is larger than 64 KiB.", NULL);
		goto done;
	}
	if (rc) {
		jsonapi_fail(r, 400, "invalid", "Invalid input.",
			     "The request body is incomplete.", "/");
		goto done;
	}
	if (!json_media(r->content_type)) {
		jsonapi_fail(r, 415, "unsupported_media_type", "Unsupported media type.",
			     "Send the body as application/json.", NULL);
		goto done;
	}
	rc = jsonapi_parse_subscription(r->body.ptr, r->body.len, &js, &errs);
	if (rc == 413) {
		jsonapi_fail(r, 413, "payload_too_large", "Payload too large.",
			     "The request body is larger than 64 KiB.", NULL);
		goto done;
	}
	if (rc) {
		buf_reset(&r->out);
		jsonapi_errors_write(&errs, &r->out);
		r->status = 400;
		req_add_header(r, "Content-Type", "application/vnd.api+json");
		goto done;
	}
	memset(&rq, 0, sizeof(rq));
	rq.source = source;
	rq.email = js.email;
	rq.phone = js.phone;
	rq.external_id = js.external_id;
	rq.variant = js.variant_id;
	rq.channels = js.channels;
	rq.platform = source == SRC_CLIENT ? "client" : "server";
	rq.client_ip = r->remote_addr;
	bis_subscribe(r->home, s, &rq, req_sub_env(r), &out);
	answer_outcome(r, &out);
done:
	sub_outcome_release(&out);
	jsonapi_sub_release(&js);
	jsonapi_errors_release(&errs);
}
