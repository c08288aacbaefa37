/* cors: answer browsers' cross-origin checks for the subscribe endpoints. */
#include "web/cors.h"

#include <string.h>

#include "core/lines.h"

#define CORS_MAX_AGE "86400"

/* origin_listed: 1 if origin is one of the lines of list. */
static int origin_listed(const char *list, const char *origin)
{
	size_t n = strlen(origin), len;
	const char *p = list, *s;
	while (line_next(&p, &s, &len))
		if (len == n && !memcmp(s, origin, n))
			return 1;
	return 0;
}

void cors_headers(struct req *r)
{
	const struct settings *s = req_settings(r);
	const char *list = s ? settings_get(s, "cors_origins") : "";

	if (!*list) {
		req_add_header(r, "Access-Control-Allow-Origin", "*");
		return;
	}
	req_add_header(r, "Vary", "Origin");
	if (r->origin && origin_listed(list, r->origin))
		req_add_header(r, "Access-Control-Allow-Origin", r->origin);
}

void cors_preflight(struct req *r, const char *allow_headers)
{
	cors_headers(r);
	req_add_header(r, "Access-Control-Allow-Methods", "POST, OPTIONS");
	req_add_header(r, "Access-Control-Allow-Headers", allow_headers);
	req_add_header(r, "Access-Control-Max-Age", CORS_MAX_AGE);
	r->status = 204;
	buf_reset(&r->out);
}
