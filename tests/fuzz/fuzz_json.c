/* fuzz_json: libFuzzer harness: parse the bytes as a json feed into the item builder with a no-op sink. */
#include <stddef.h>
#include <stdint.h>

#include "feed/builder.h"
#include "feed/detect.h"
#include "feed/json.h"
#include "feed/xml.h"

static int sink_item(void *ctx, struct item *it, long long itemno)
{
	(void)ctx;
	(void)it;
	(void)itemno;
	return 0;
}

static void sink_reject(void *ctx, long long itemno, const char *id,
			const char *field, const char *reason)
{
	(void)ctx;
	(void)itemno;
	(void)id;
	(void)field;
	(void)reason;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed_mapping m;
	struct feed_builder b;
	struct feed_input in;
	struct feed_sink sink = { sink_item, sink_reject, NULL, NULL };
	struct buf err = BUF_INIT;
	struct buf el = BUF_INIT;

	if (feed_mapping_init(&m, "auto", "qty=$inventory_quantity:Number\nwhen=added:Date\nflag=f:Boolean\ntags=t:List", &err) < 0)
		return 0;
	feed_builder_init(&b, &m, &sink);
	feed_input_mem(&in, data, size);
	in.max_bytes = 1 << 20;
	feed_detect_format(&in, NULL, &err);
	feed_parse_json(&in, &b, &err);
	buf_release(&el);
	buf_release(&err);
	feed_builder_release(&b);
	feed_mapping_release(&m);
	return 0;
}
