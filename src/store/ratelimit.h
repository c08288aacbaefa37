/* ratelimit: sliding-window request counters kept in subs.gdbm. */
#ifndef RESTOCK_RATELIMIT_H
#define RESTOCK_RATELIMIT_H

#include "store/db.h"

/*
 * ratelimit_hit: count one request for key (e.g. "i:203.0.113.9") in a
 * sliding window of window_s seconds allowing limit requests. A limit of
 * 0 turns the check off. Returns 0 allowed (and counted), a positive
 * Retry-After in seconds when over the limit, -1 on a storage error.
 * The window is the usual two-bucket estimate: the previous bucket's count
 * weighted by how much of it still overlaps, plus the current bucket.
 */
long ratelimit_hit(struct db *db, const char *key, long limit, long window_s,
		   long long now);

#endif
