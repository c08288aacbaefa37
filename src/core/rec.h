/* rec: the one versioned record encoding (tag, varint length, bytes) used for stored values. */
#ifndef RESTOCK_REC_H
#define RESTOCK_REC_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/*
 * A record is: one version byte, then fields, each a tag byte, a LEB128
 * length and that many bytes. Integers are stored as decimal text so that
 * records stay readable in a hex dump. Unknown tags are skipped on read,
 * so fields can be added without a migration.
 */
void rec_begin(struct buf *b, unsigned char version);
void rec_put(struct buf *b, unsigned char tag, const void *data, size_t len);
void rec_put_str(struct buf *b, unsigned char tag, const char *s);
void rec_put_ll(struct buf *b, unsigned char tag, long long v);
void rec_put_dbl(struct buf *b, unsigned char tag, double v);

struct rec_reader {
	const unsigned char *p, *end;
	unsigned char version;
};
/* rec_reader_init: 0, or -1 when the buffer is empty. */
int rec_reader_init(struct rec_reader *r, const void *data, size_t len);
/* rec_next: 1 with tag/data/len set, 0 at end, -1 on a corrupt record. */
int rec_next(struct rec_reader *r, unsigned char *tag, const char **data,
	     size_t *len);
long long rec_ll(const char *data, size_t len);
double rec_dbl(const char *data, size_t len);

#endif
