/* fuzz_token: libFuzzer harness for token_open (the signed link tokens of unsubscribe and confirm). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bis/token.h"
#include "core/buf.h"

#define FUZZ_SECRET "0123456789abcdef0123456789abcdef"
#define FUZZ_SIG_HEX 32		/* hex digits of the signature */
#define FUZZ_TOKEN_MAX 2048	/* token_open refuses longer tokens (TOKEN_MAX_BYTES in token.c) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is the token as a link would carry it. Whatever it is, opening
 * must not crash; when it opens, the payload must re-sign to the same
 * signature (a forged signature never verifies); and a token made for any payload
 * must open to exactly that payload for its own purpose only (unless it
 * is longer than token_open accepts).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *tok = xstrndup((const char *)data, size);
	struct buf out = BUF_INIT, again = BUF_INIT;

	if (token_open(&out, FUZZ_SECRET, "unsub", tok) == 0) {
		/* the signature is the payload's (base64 spelling may vary) */
		token_make(&again, FUZZ_SECRET, "unsub", out.ptr, out.len);
		if (size < FUZZ_SIG_HEX || again.len < FUZZ_SIG_HEX ||
		    memcmp(again.ptr + again.len - FUZZ_SIG_HEX,
			   tok + size - FUZZ_SIG_HEX, FUZZ_SIG_HEX))
			abort();
	} else if (out.len) {
		abort();	/* a refused token leaves no payload behind */
	}
	token_make(&again, FUZZ_SECRET, "confirm", (const char *)data, size);
	if (again.len > FUZZ_TOKEN_MAX) {
		if (token_open(&out, FUZZ_SECRET, "confirm", again.ptr) == 0)
			abort();
	} else if (token_open(&out, FUZZ_SECRET, "confirm", again.ptr) != 0 ||
	    out.len != size || (size && memcmp(out.ptr, data, size)))
		abort();
	if (token_open(&out, FUZZ_SECRET, "unsub", again.ptr) == 0)
		abort();
	buf_release(&out);
	buf_release(&again);
	free(tok);
	return 0;
}
