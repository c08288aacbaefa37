/* ratemap: sliding-window rate limits in a shared mmap'd table (HOME/ratelimit.map), no GDBM. */
#ifndef RESTOCK_RATEMAP_H
#define RESTOCK_RATEMAP_H

#include <stddef.h>
#include <sys/types.h>

#include "core/buf.h"

#define RATEMAP_FILE	"ratelimit.map"
#define RATEMAP_SLOTS	65536		/* 32 bytes each: a 2 MiB file */
#define RATEMAP_PROBE	32		/* slots looked at per key before evicting */
#define RATEMAP_LOCK_MS	1000		/* bounded wait for the table's flock */

/*
 * The file is a header and RATEMAP_SLOTS slots {64-bit key hash, window
 * start, current count, previous count, window length, kind}, shared by
 * every process with MAP_SHARED and changed only under flock(LOCK_EX) on
 * the file (a few microseconds). A key lives in one of RATEMAP_PROBE slots
 * after its hash; when none is free or expired, the slot with the oldest
 * window is evicted (an evicted key starts a fresh window).
 */
struct ratemap {
	int fd;
	void *base;
	size_t size;
	dev_t dev;
	ino_t ino;
	char *path;
};

void ratemap_init(struct ratemap *m);
/*
 * ratemap_open: map HOME/ratelimit.map (created when missing), or keep the
 * current mapping when it is still that file (a stat() per call); remaps
 * when the file was replaced. 0, or -1 with err.
 */
int ratemap_open(struct ratemap *m, const char *home, struct buf *err);
/* ratemap_close: unmap and close. Safe on a closed map. */
void ratemap_close(struct ratemap *m);

/*
 * ratemap_hit: the semantics of ratelimit_hit (store/ratelimit.h): count
 * one request for key in a two-bucket sliding window of window_s seconds
 * allowing limit requests (0 = off). 0 allowed and counted, a positive
 * Retry-After when over the limit, -1 on error (callers fail closed).
 */
long ratemap_hit(struct ratemap *m, const char *key, long limit, long window_s,
		 long long now);
/*
 * ratemap_hit_all: ratemap_hit for each rule in order under one lock,
 * stopping at the first that refuses (later ones are not counted), and,
 * when mark_key is not NULL, *mark = ratemap_peek(mark_key). Returns as
 * ratemap_hit.
 */
struct rate_rule {
	const char *key;
	long limit, window_s;
};
long ratemap_hit_all(struct ratemap *m, const struct rate_rule *rules, int n,
		     const char *mark_key, long long *mark, long long now);
/*
 * ratemap_mark / ratemap_peek: a small remembered number per key with a
 * time to live (value 0 clears). peek returns the value, 0 when absent or
 * expired, -1 on error. Used as a hint ("this email may be at its cap").
 */
int ratemap_mark(struct ratemap *m, const char *key, long long value,
		 long long now, long ttl_s);
long long ratemap_peek(struct ratemap *m, const char *key, long long now);

#endif
