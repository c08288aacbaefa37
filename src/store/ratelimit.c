/* ratelimit: two-bucket sliding window counters. */
#include "store/ratelimit.h"

#include <stdio.h>
#include <string.h>

long ratelimit_hit(struct db *db, const char *key, long limit, long window_s,
		   long long now)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	long long start = 0, cur = 0, prev = 0;
	long rc = -1;
	int got;

	if (limit <= 0)
		return 0;
	buf_addf(&k, "r:%s", key);
	got = db_get(db, k.ptr, k.len, &v);
	if (got < 0)
		goto out;
	if (got == 1 && sscanf(v.ptr, "%lld %lld %lld", &start, &cur, &prev) != 3)
		start = cur = prev = 0;
	long long bucket = now - now % window_s;
	if (bucket != start) {
		prev = bucket - start == window_s ? cur : 0;
		cur = 0;
		start = bucket;
	}
	double elapsed = (double)(now - bucket) / (double)window_s;
	double estimate = (double)prev * (1.0 - elapsed) + (double)cur;
	if (estimate + 1 > (double)limit) {
		long wait = (long)(bucket + window_s - now);
		rc = wait > 0 ? wait : 1;
		goto out;
	}
	cur++;
	buf_reset(&v);
	buf_addf(&v, "%lld %lld %lld", start, cur, prev);
	rc = db_put(db, k.ptr, k.len, v.ptr, v.len) < 0 ? -1 : 0;
out:
	buf_release(&k);
	buf_release(&v);
	return rc;
}
