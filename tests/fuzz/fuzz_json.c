/* fuzz_json: libFuzzer harness: parse the bytes as a JSON feed into the item builder with a no-op sink. */
#include "feed_harness.h"
#include "feed/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed_harness h;

	if (harness_init(&h, data, size) < 0)
		return 0;
	feed_parse_json(&h.in, &h.b, &h.err);
	harness_release(&h);
	return 0;
}
