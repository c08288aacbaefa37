/* fuzz_xml: libFuzzer harness: parse the bytes as an XML feed into the item builder with a no-op sink. */
#include "feed_harness.h"
#include "feed/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed_harness h;
	struct buf el = BUF_INIT;

	if (harness_init(&h, data, size) < 0)
		return 0;
	if (feed_detect_item_element(&h.in, &h.m, &el, &h.err) == 0)
		feed_parse_xml(&h.in, el.ptr, &h.b, &h.err);
	buf_reset(&h.err);
	feed_parse_xml(&h.in, "item", &h.b, &h.err);
	buf_release(&el);
	harness_release(&h);
	return 0;
}
