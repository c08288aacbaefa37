/* legacy_form: the shared adapter of Klaviyo's two form endpoints (SPEC 3.1). */
#ifndef RESTOCK_LEGACY_FORM_H
#define RESTOCK_LEGACY_FORM_H

#include "bis/subscribe.h"
#include "web/req.h"

/* legacy_subscribe: decode the form body, subscribe, answer exactly as Klaviyo does. */
void legacy_subscribe(struct req *r, enum sub_source source);

#endif
