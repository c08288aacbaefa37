/* input: the feed byte stream (fd or memory) that enforces feed_max_bytes while reading. */
#include "feed/input.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void feed_input_fd(struct feed_input *in, int fd, long long total,
		   long long max_bytes)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->total = total;
	in->max_bytes = max_bytes;
}

void feed_input_mem(struct feed_input *in, const void *data, size_t len)
{
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->mem = data;
	in->memlen = len;
	in->total = (long long)len;
}

void feed_input_rewind(struct feed_input *in)
{
	in->pos = 0;
	in->over = 0;
	in->io_errno = 0;
}

static long raw_read(struct feed_input *in, long long off, void *p, size_t n)
{
	if (in->fd < 0) {
		if (off >= (long long)in->memlen)
			return 0;
		size_t left = in->memlen - (size_t)off;
		if (n > left)
			n = left;
		memcpy(p, in->mem + off, n);
		return (long)n;
	}
	for (;;) {
		ssize_t r = pread(in->fd, p, n, (off_t)off);
		if (r >= 0)
			return (long)r;
		if (errno != EINTR) {
			in->io_errno = errno;
			return -1;
		}
	}
}

long feed_input_read(struct feed_input *in, void *p, size_t n)
{
	long r;
	if (in->over)
		return -1;
	r = raw_read(in, in->pos, p, n);
	if (r <= 0)
		return r;
	in->pos += r;
	if (in->max_bytes > 0 && in->pos > in->max_bytes) {
		in->over = 1;
		return -1;
	}
	if (in->progress)
		in->progress(in->progress_ctx, in->pos, in->total);
	return r;
}

long feed_input_peek(struct feed_input *in, void *p, size_t n)
{
	return raw_read(in, 0, p, n);
}
