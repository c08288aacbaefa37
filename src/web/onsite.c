/* onsite: POST/OPTIONS /onsite/components/back-in-stock/subscribe — the browser form endpoint (CORS). */
#include <string.h>

#include "web/cors.h"
#include "web/handlers.h"
#include "web/legacy_form.h"

void h_onsite_subscribe(struct req *r)
{
	if (!strcmp(r->method, "OPTIONS")) {
		cors_preflight(r, "Content-Type");
		return;
	}
	legacy_subscribe(r, SRC_ONSITE);
}
