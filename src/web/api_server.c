/* api_server: POST /api/back-in-stock-subscriptions — the server JSON:API endpoint (private key). */
#include <string.h>

#include "core/crypto.h"
#include "web/handlers.h"
#include "web/jsonapi_sub.h"

#define AUTH_SCHEME "Klaviyo-API-Key "

void h_server_subscriptions(struct req *r)
{
	const struct settings *s = req_settings(r);
	const char *auth = req_header(r, "HTTP_AUTHORIZATION");
	const char *key, *want;

	if (!auth || strncmp(auth, AUTH_SCHEME, strlen(AUTH_SCHEME))) {
		jsonapi_fail(r, 401, "not_authenticated",
			     "Authentication credentials were not provided.",
			     "Missing or invalid authorization scheme. Use: Klaviyo-API-Key <private key>.",
			     NULL);
		return;
	}
	key = auth + strlen(AUTH_SCHEME);
	want = s ? settings_get(s, "private_key") : "";
	if (!*want || !mem_equal_ct(key, strlen(key), want, strlen(want))) {
		jsonapi_fail(r, 403, "permission_denied",
			     "You do not have permission to perform this action.",
			     "The private API key is not valid.", NULL);
		return;
	}
	jsonapi_subscribe(r, SRC_SERVER);
}
