/* jsonapi_sub: the shared adapter of the two JSON:API subscription endpoints (SPEC 3.2). */
#ifndef RESTOCK_JSONAPI_SUB_H
#define RESTOCK_JSONAPI_SUB_H

#include "bis/subscribe.h"
#include "web/req.h"

/* jsonapi_subscribe: check revision, parse the body, subscribe, answer 202 or JSON:API errors. */
void jsonapi_subscribe(struct req *r, enum sub_source source);
/* jsonapi_fail: answer one JSON:API error. */
void jsonapi_fail(struct req *r, int status, const char *code, const char *title,
		  const char *detail, const char *pointer);

#endif
