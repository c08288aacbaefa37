/* buf: the growable byte buffer used everywhere (always NUL-terminated). */
#ifndef RESTOCK_BUF_H
#define RESTOCK_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *ptr;	/* always NUL-terminated; never NULL after buf_init */
	size_t len;
	size_t cap;
};

#define BUF_INIT { buf_empty, 0, 0 }
extern char buf_empty[];

/* buf_init: make an empty buffer (no allocation). */
void buf_init(struct buf *b);
/* buf_release: free the storage and re-initialise. */
void buf_release(struct buf *b);
/* buf_reset: set length to zero, keep storage. */
void buf_reset(struct buf *b);
/* buf_grow: ensure room for extra more bytes (plus the NUL). Aborts on OOM. */
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_setlen(struct buf *b, size_t len);
/* buf_detach: return the malloc'd string (caller frees) and re-initialise. */
char *buf_detach(struct buf *b, size_t *len);
/* buf_trim: remove ASCII whitespace at both ends. */
void buf_trim(struct buf *b);

/* xmalloc family: abort with a message on allocation failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
