/* fuzz_form: libFuzzer harness for urlencoded bodies and query strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "http/form.h"
#include "http/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f = FORM_INIT;
	char *qs;
	size_t i;

	if (form_parse_urlencoded(&f, (const char *)data, size) == 0) {
		for (i = 0; i < f.nr; i++) {
			/* invariants of an accepted field */
			if (strlen(f.fields[i].name) != f.fields[i].name_len ||
			    strlen(f.fields[i].value) != f.fields[i].value_len ||
			    !utf8_valid(f.fields[i].value, f.fields[i].value_len) ||
			    form_get(&f, f.fields[i].name) != f.fields[i].value)
				abort();
			email_valid(f.fields[i].value, f.fields[i].value_len);
			phone_e164_valid(f.fields[i].value);
		}
	}
	form_release(&f);
	/* the same bytes as a QUERY_STRING */
	qs = xstrndup((const char *)data, size);
	form_parse_query(&f, qs);
	form_release(&f);
	free(qs);
	return 0;
}
