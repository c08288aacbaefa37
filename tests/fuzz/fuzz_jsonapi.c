/* fuzz_jsonapi: libFuzzer harness for JSON:API subscription bodies and error output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "http/jsonapi.h"
#include "http/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonapi_sub sub = JSONAPI_SUB_INIT;
	struct jsonapi_errors errs = JSONAPI_ERRORS_INIT;
	struct buf out = BUF_INIT;
	int r;

	r = jsonapi_parse_subscription((const char *)data, size, &sub, &errs);
	if (r == 0) {
		/* an accepted subscription honours every rule */
		if (errs.nr || !sub.variant_id || !sub.channels)
			abort();
		if (sub.email && !email_valid(sub.email, strlen(sub.email)))
			abort();
		if (sub.phone && !phone_e164_valid(sub.phone))
			abort();
		if (!sub.email && !sub.phone && !sub.external_id)
			abort();
	} else if (r == 400) {
		if (!errs.nr || sub.email || sub.variant_id)
			abort();
		jsonapi_errors_write(&errs, &out);
		if (out.len < 13 || memcmp(out.ptr, "{\"errors\": [", 12))
			abort();
	} else if (r != 413) {
		abort();
	}
	jsonapi_sub_release(&sub);
	jsonapi_errors_release(&errs);
	buf_release(&out);
	return 0;
}
