/* input: one byte stream for the feed parsers (a file descriptor or memory), with a size cap and progress. */
#ifndef RESTOCK_FEED_INPUT_H
#define RESTOCK_FEED_INPUT_H

#include <stddef.h>

/* progress: bytes read so far and the total when known (else -1). */
typedef void (*feed_progress_fn)(void *ctx, long long bytes, long long total);

struct feed_input {
	int fd;			/* -1 for a memory input */
	const char *mem;	/* memory input (not owned) */
	size_t memlen;
	long long pos;		/* bytes delivered so far */
	long long total;	/* size when known, else -1 */
	long long max_bytes;	/* 0: no cap */
	int over;		/* set when the cap was exceeded */
	int io_errno;		/* set when read() failed */
	feed_progress_fn progress;
	void *progress_ctx;
};

/* feed_input_fd: read fd from offset 0 (the fd stays owned by the caller). */
void feed_input_fd(struct feed_input *in, int fd, long long total,
		   long long max_bytes);
/* feed_input_mem: read a memory block (not copied; must outlive the input). */
void feed_input_mem(struct feed_input *in, const void *data, size_t len);
/* feed_input_rewind: start again from the first byte. */
void feed_input_rewind(struct feed_input *in);
/*
 * feed_input_read: up to n bytes into p. Returns the count, 0 at the end,
 * or -1 on a read error or when the cap is exceeded (in->over set).
 */
long feed_input_read(struct feed_input *in, void *p, size_t n);
/* feed_input_peek: the first up to n bytes without moving; returns the count or -1. */
long feed_input_peek(struct feed_input *in, void *p, size_t n);

#endif
