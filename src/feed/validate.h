/* validate: the rules every catalog item must pass (SPEC 2), with one reason per rejection. */
#ifndef RESTOCK_FEED_VALIDATE_H
#define RESTOCK_FEED_VALIDATE_H

#include <stddef.h>

#include "feed/map.h"
#include "store/item.h"

/*
 * feed_validate_item: 0 when the mapped item is acceptable, else -1 with
 * p set to the Klaviyo field ("$price") and the reason.
 */
int feed_validate_item(const struct item *it, struct feed_problem *p);
#include "core/utf8.h"
/* feed_http_url: 1 when s is an absolute http(s) URL with a host and no spaces or controls. */
int feed_http_url(const char *s);

#endif
