/* rec: encode and decode tagged, length-prefixed, versioned records. */
#include "core/rec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rec_begin(struct buf *b, unsigned char version)
{
	buf_reset(b);
	buf_addch(b, version);
}

void rec_put(struct buf *b, unsigned char tag, const void *data, size_t len)
{
	size_t n = len;
	buf_addch(b, tag);
	do {
		unsigned char c = n & 0x7f;
		n >>= 7;
		if (n)
			c |= 0x80;
		buf_addch(b, c);
	} while (n);
	buf_add(b, data, len);
}

void rec_put_str(struct buf *b, unsigned char tag, const char *s)
{
	if (s)
		rec_put(b, tag, s, strlen(s));
}

void rec_put_ll(struct buf *b, unsigned char tag, long long v)
{
	char s[32];
	int n = snprintf(s, sizeof(s), "%lld", v);
	rec_put(b, tag, s, (size_t)n);
}

void rec_put_dbl(struct buf *b, unsigned char tag, double v)
{
	char s[64];
	int n = snprintf(s, sizeof(s), "%.17g", v);
	rec_put(b, tag, s, (size_t)n);
}

int rec_reader_init(struct rec_reader *r, const void *data, size_t len)
{
	r->p = data;
	r->end = r->p + len;
	if (!len)
		return -1;
	r->version = *r->p++;
	return 0;
}

int rec_next(struct rec_reader *r, unsigned char *tag, const char **data,
	     size_t *len)
{
	size_t n = 0;
	int shift = 0;

	if (r->p >= r->end)
		return 0;
	*tag = *r->p++;
	for (;;) {
		if (r->p >= r->end || shift > 56)
			return -1;
		unsigned char c = *r->p++;
		n |= (size_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
		shift += 7;
	}
	if (n > (size_t)(r->end - r->p))
		return -1;
	*data = (const char *)r->p;
	*len = n;
	r->p += n;
	return 1;
}

long long rec_ll(const char *data, size_t len)
{
	char s[32];
	if (len >= sizeof(s))
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	return strtoll(s, NULL, 10);
}

double rec_dbl(const char *data, size_t len)
{
	char s[64];
	if (len >= sizeof(s))
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	return strtod(s, NULL);
}
