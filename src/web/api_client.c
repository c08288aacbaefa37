/* api_client: POST/OPTIONS /client/back-in-stock-subscriptions?company_id= — the browser JSON:API endpoint. */
#include <string.h>

#include "http/form.h"
#include "web/cors.h"
#include "web/handlers.h"
#include "web/jsonapi_sub.h"

void h_client_subscriptions(struct req *r)
{
	const struct settings *s;
	struct form q;
	const char *company;

	cors_headers(r);
	if (!strcmp(r->method, "OPTIONS")) {
		buf_reset(&r->headers);	/* cors_preflight adds them again */
		cors_preflight(r, "revision, content-type, accept");
		return;
	}
	s = req_settings(r);
	form_init(&q);
	if (form_parse_query(&q, r->query) != 0) {
		jsonapi_fail(r, 400, "invalid", "Invalid input.",
			     "The query string is malformed.", NULL);
		goto out;
	}
	company = form_get(&q, "company_id");
	if (!company || !*company) {
		jsonapi_fail(r, 400, "invalid", "Invalid input.",
			     "The company_id query parameter is required.", NULL);
		goto out;
	}
	if (!s || strcmp(company, settings_get(s, "public_key"))) {
		jsonapi_fail(r, 400, "invalid", "Invalid input.",
			     "company_id is not a valid public API key.", NULL);
		goto out;
	}
	jsonapi_subscribe(r, SRC_CLIENT);
out:
	form_release(&q);
}
