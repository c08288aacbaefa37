/* routes: the routing table — method, path and handler for every endpoint. */
#include <string.h>

#include "web/handlers.h"
#include "core/json.h"
#include "web/unsubscribe.h"

enum {
	M_GET = 1, M_POST = 2, M_OPTIONS = 4, M_HEAD = 8,
	SLASH_OK = 1,	/* "/path/" is the same route as "/path" */
	PREFIX = 2,	/* path is a prefix ("/admin/...") */
};

struct route {
	unsigned methods;
	const char *path;
	unsigned flags;
	void (*handler)(struct req *);
};

static const struct route routes[] = {
	{ M_GET | M_HEAD, "/healthz", 0, h_healthz },
	{ M_GET | M_HEAD, "/api/catalog/items", SLASH_OK, h_catalog_items },
	{ M_POST, "/api/v1/catalog/subscribe", SLASH_OK, h_api_v1_subscribe },
	{ M_POST | M_OPTIONS, "/onsite/components/back-in-stock/subscribe", SLASH_OK, h_onsite_subscribe },
	{ M_POST | M_OPTIONS, "/client/back-in-stock-subscriptions", SLASH_OK, h_client_subscriptions },
	{ M_POST, "/api/back-in-stock-subscriptions", SLASH_OK, h_server_subscriptions },
	{ M_GET | M_POST | M_HEAD, "/admin", PREFIX, h_admin },
	{ M_GET | M_POST, "/unsubscribe", SLASH_OK, h_unsubscribe },
	{ M_GET, "/confirm", SLASH_OK, h_confirm },
	{ 0, NULL, 0, NULL },
};

static unsigned method_bit(const char *m)
{
	if (!strcmp(m, "GET")) return M_GET;
	if (!strcmp(m, "POST")) return M_POST;
	if (!strcmp(m, "OPTIONS")) return M_OPTIONS;
	if (!strcmp(m, "HEAD")) return M_HEAD;
	return 0;
}

static int path_matches(const struct route *rt, const char *path)
{
	size_t n = strlen(rt->path);
	if (strncmp(path, rt->path, n))
		return 0;
	if (rt->flags & PREFIX)
		return 1;
	if (!path[n])
		return 1;
	return (rt->flags & SLASH_OK) && path[n] == '/' && !path[n + 1];
}

static void allow_list(char *dst, size_t cap, unsigned m)
{
	static const char *names[] = { "GET", "POST", "OPTIONS", "HEAD" };
	dst[0] = '\0';
	for (int i = 0; i < 4; i++) {
		if (!(m & (1u << i)))
			continue;
		if (dst[0])
			strncat(dst, ", ", cap - strlen(dst) - 1);
		strncat(dst, names[i], cap - strlen(dst) - 1);
	}
}

void route_dispatch(struct req *r)
{
	unsigned m = method_bit(r->method), allowed = 0;
	for (const struct route *rt = routes; rt->path; rt++) {
		if (!path_matches(rt, r->path))
			continue;
		if (rt->methods & m) {
			rt->handler(r);
			return;
		}
		allowed |= rt->methods;
	}
	if (allowed) {
		char allow[64];
		allow_list(allow, sizeof(allow), allowed);
		answer_method_not_allowed(r, allow);
		return;
	}
	answer_not_found(r);
}

void answer_error(struct req *r, int status, const char *message)
{
	struct json j;
	buf_reset(&r->out);
	json_init(&j, &r->out);
	json_obj_begin(&j);
	json_key(&j, "status");
	json_int(&j, status);
	json_key(&j, "message");
	json_str(&j, message);
	json_obj_end(&j);
	r->status = status;
	req_add_header(r, "Content-Type", "application/json");
}

void answer_not_found(struct req *r)
{
	answer_error(r, 404, "Not found.");
}

void answer_method_not_allowed(struct req *r, const char *allow)
{
	req_add_header(r, "Allow", allow);
	answer_error(r, 405, "Method not allowed.");
}
