/* feed_harness: what the XML and JSON feed fuzz harnesses share: a builder with a no-op sink. */
#ifndef RESTOCK_FEED_HARNESS_H
#define RESTOCK_FEED_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "feed/builder.h"
#include "feed/detect.h"

#define HARNESS_MAX_BYTES (1 << 20)
#define HARNESS_MAPPING "qty=$inventory_quantity:Number\nwhen=added:Date\nflag=f:Boolean\ntags=t:List"

struct feed_harness {
	struct feed_mapping m;
	struct feed_builder b;
	struct feed_input in;
	struct feed_sink sink;
	struct buf err;
};

static int harness_item(void *ctx, struct item *it, long long itemno)
{
	(void)ctx;
	(void)it;
	(void)itemno;
	return 0;
}

static void harness_reject(void *ctx, long long itemno, const char *id,
			   const char *field, const char *reason)
{
	(void)ctx;
	(void)itemno;
	(void)id;
	(void)field;
	(void)reason;
}

/* harness_init: mapping with every type, builder, input over data. 0, or -1 to skip. */
static int harness_init(struct feed_harness *h, const uint8_t *data, size_t size)
{
	struct feed_sink sink = { harness_item, harness_reject, NULL, NULL };
	h->sink = sink;
	buf_init(&h->err);
	if (feed_mapping_init(&h->m, "auto", HARNESS_MAPPING, &h->err) < 0) {
		buf_release(&h->err);
		return -1;
	}
	feed_builder_init(&h->b, &h->m, &h->sink);
	feed_input_mem(&h->in, data, size);
	h->in.max_bytes = HARNESS_MAX_BYTES;
	feed_detect_format(&h->in, NULL, &h->err);
	return 0;
}

static void harness_release(struct feed_harness *h)
{
	buf_release(&h->err);
	feed_builder_release(&h->b);
	feed_mapping_release(&h->m);
}

#endif
