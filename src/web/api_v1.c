/* api_v1: POST /api/v1/catalog/subscribe — Klaviyo's server-side form endpoint. */
#include "web/handlers.h"
#include "web/legacy_form.h"

void h_api_v1_subscribe(struct req *r)
{
	legacy_subscribe(r, SRC_API_V1);
}
