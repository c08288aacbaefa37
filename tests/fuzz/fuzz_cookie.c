/* fuzz_cookie: libFuzzer harness for Cookie header lookup; first line is the name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "http/cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t nlen = nl ? (size_t)(nl - (const char *)data) : 0;
	char *name = xstrndup((const char *)data, nlen);
	char *header = xstrndup(nl ? nl + 1 : (const char *)data,
				nl ? size - nlen - 1 : size);
	struct buf out = BUF_INIT;
	int r;

	r = cookie_get(header, name, &out);
	if (r == 1 && out.len > MAX_COOKIE_BYTES)
		abort();
	if (r != 1 && out.len)
		abort();
	cookie_get(header, "sid", &out);
	buf_release(&out);
	free(name);
	free(header);
	return 0;
}
