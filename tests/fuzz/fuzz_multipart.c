/* fuzz_multipart: libFuzzer harness for form bodies; first input line is the Content-Type. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "http/form.h"
#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	struct form f = FORM_INIT;
	size_t ctlen = nl ? (size_t)(nl - (const char *)data) : size;
	const char *body = nl ? nl + 1 : "";
	size_t blen = nl ? size - ctlen - 1 : 0;
	char *ct = xstrndup((const char *)data, ctlen);
	size_t i;

	if (form_parse_body(&f, ct, body, blen) == 0)
		for (i = 0; i < f.nr; i++)
			if (strlen(f.fields[i].value) != f.fields[i].value_len)
				abort();
	form_release(&f);
	form_parse_multipart(&f, ct, body, blen);
	form_release(&f);
	free(ct);
	return 0;
}
