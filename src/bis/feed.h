/* feed: the catalog sync (fetch -> detect -> parse -> map -> validate -> atomic swap). */
#ifndef RESTOCK_BIS_FEED_H
#define RESTOCK_BIS_FEED_H

#include <stddef.h>

#include "bis/sync_report.h"
#include "core/buf.h"

/* Progress of a running sync: bytes read (all sources), total when known (else -1), items so far. */
struct sync_progress {
	void (*fn)(void *ctx, long long bytes, long long total, long long items);
	void *ctx;
};

/*
 * bis_sync: ingest the sources (or, when nsources is 0, the lines of the
 * feed_sources setting; relative paths there are relative to the home)
 * into a new catalog and swap it in. All-or-nothing: a source that cannot
 * be fetched, is malformed, is over feed_max_bytes or yields no valid item
 * fails the sync and leaves the live catalog untouched. rep (init'ed by
 * the caller, released by the caller) is filled in either way and saved
 * as settings "#last_sync". Returns 0, or -1 with a one-line reason in err.
 */
int bis_sync(const char *home, const char *const *sources, size_t nsources,
	     struct sync_report *rep, const struct sync_progress *progress,
	     struct buf *err);

#endif
