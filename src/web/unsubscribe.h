/* unsubscribe: the link pages of emails — /unsubscribe (suppression) and /confirm (double opt-in). */
#ifndef RESTOCK_WEB_UNSUBSCRIBE_H
#define RESTOCK_WEB_UNSUBSCRIBE_H

#include "web/req.h"

/* h_unsubscribe: GET shows a confirmation form; POST (also RFC 8058 one-click) unsubscribes. */
void h_unsubscribe(struct req *r);		/* unsubscribe.c */
/* h_confirm: GET /confirm?t=TOKEN confirms a double opt-in subscription. */
void h_confirm(struct req *r);			/* confirm.c */

/*
 * link_page: answer status with a small self-contained HTML page: title and
 * body_html (already escaped by the caller) under the store name.
 * Sets Content-Type text/html; charset=utf-8, a strict
 * Content-Security-Policy and no-store caching.
 */
void link_page(struct req *r, int status, const char *title,
	       const char *body_html);

#endif
