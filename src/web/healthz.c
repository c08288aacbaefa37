/* healthz: GET /healthz — liveness and a cheap check that the home is readable. */
#include <unistd.h>

#include "web/handlers.h"

void h_healthz(struct req *r)
{
	if (access(r->home, R_OK | X_OK) != 0) {
		req_json(r, 503, "{\"status\": \"unavailable\"}");
		return;
	}
	req_json(r, 200, "{\"status\": \"ok\"}");
}
