/* cookie: look up one cookie in an HTTP Cookie request header. */
#ifndef RESTOCK_COOKIE_H
#define RESTOCK_COOKIE_H

#include "core/buf.h"

/*
 * cookie_get: find the cookie called name (exact, case-sensitive) in a
 * Cookie header ("a=b; c=d", RFC 6265 section 5.4; NULL reads as empty).
 *
 * Returns 1 when found, with the value (whitespace-trimmed, one pair of
 * surrounding double quotes removed) copied into out; 0 when absent; -1
 * when the header is longer than MAX_COOKIE_BYTES, holds more than
 * MAX_COOKIES pairs, or holds a control character other than HTAB. The
 * whole header is checked before the lookup, so the answer does not depend
 * on where name appears. If name appears more than once the first wins
 * (browsers send the most specific path first). Empty pairs are skipped
 * and a pair without '=' is a nameless cookie that matches nothing.
 * out is reset in every case; the caller owns and releases it.
 */
int cookie_get(const char *header, const char *name, struct buf *out);

#endif
