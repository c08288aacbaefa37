/* handlers: the entry point of each endpoint or page (one file each), dispatched by routes.c. */
#ifndef RESTOCK_HANDLERS_H
#define RESTOCK_HANDLERS_H

#include "web/req.h"

void h_healthz(struct req *r);		/* healthz.c */
void h_catalog_items(struct req *r);	/* api_items.c */
void h_api_v1_subscribe(struct req *r);	/* api_v1.c */
void h_onsite_subscribe(struct req *r);	/* onsite.c */
void h_client_subscriptions(struct req *r);	/* api_client.c */
void h_server_subscriptions(struct req *r);	/* api_server.c */
void h_admin(struct req *r);		/* admin.c: /admin/... */

/* route_dispatch: find the handler for r's method and path and run it (404/405 otherwise). */
void route_dispatch(struct req *r);

/* Shared answers. */
void answer_not_found(struct req *r);
void answer_method_not_allowed(struct req *r, const char *allow);
void answer_error(struct req *r, int status, const char *message);

#endif
