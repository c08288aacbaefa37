/* fetch: turn a feed source (path, "-" or http(s) URL) into a seekable file descriptor. */
#ifndef RESTOCK_FEED_FETCH_H
#define RESTOCK_FEED_FETCH_H

#include "core/buf.h"
#include "feed/input.h"

struct feed_fetch_opts {
	long long max_bytes;		/* feed_max_bytes */
	const char *allowed_hosts;	/* feed_allowed_hosts: one per line */
	const char *spool_dir;		/* where downloads are spooled (the home) */
	feed_progress_fn progress;	/* download progress, may be NULL */
	void *progress_ctx;
};

/*
 * feed_fetch_open: a path is opened as is (a non-regular file, "-" and
 * URLs are copied to an unlinked temporary file in spool_dir). URLs are
 * fetched with libcurl: http/https only (also for redirects, at most
 * FEED_MAX_REDIRECTS), timeouts, the size cap, HTTP >= 400 an error, and
 * addresses in loopback/private/link-local ranges refused unless the host
 * is listed in allowed_hosts. Returns an fd positioned anywhere (read it
 * with pread) that the caller closes, with its size in *size; or -1 with a
 * one-line reason in err (without the source name).
 */
int feed_fetch_open(const char *source, const struct feed_fetch_opts *o,
		    long long *size, struct buf *err);

/* feed_is_url: 1 for http:// and https:// sources. */
int feed_is_url(const char *source);
/* feed_private_addr: 1 when the sockaddr is loopback/private/link-local/unspecified. */
struct sockaddr;
int feed_private_addr(const struct sockaddr *sa);

#endif
