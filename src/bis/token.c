/* token: sign and verify link tokens. */
#include "bis/token.h"

#include <string.h>

#include "core/crypto.h"

#define TOKEN_SIG_HEX 32
#define TOKEN_MAX_BYTES 2048

static void sign(struct buf *out, const char *secret, const char *purpose,
		 const char *payload, size_t len)
{
	struct buf msg = BUF_INIT, mac = BUF_INIT;
	buf_adds(&msg, purpose);
	buf_addch(&msg, '\n');
	buf_add(&msg, payload, len);
	hmac_sha256_hex(&mac, secret, strlen(secret), msg.ptr, msg.len);
	buf_add(out, mac.ptr, TOKEN_SIG_HEX);
	buf_release(&msg);
	buf_release(&mac);
}

void token_make(struct buf *out, const char *secret, const char *purpose,
		const char *payload, size_t len)
{
	buf_reset(out);
	b64url_encode(out, payload, len);
	buf_addch(out, '.');
	sign(out, secret, purpose, payload, len);
}

int token_open(struct buf *out, const char *secret, const char *purpose,
	       const char *token)
{
	const char *dot;
	struct buf want = BUF_INIT;
	int rc = -1;

	buf_reset(out);
	if (!token || strlen(token) > TOKEN_MAX_BYTES)
		return -1;
	dot = strrchr(token, '.');
	if (!dot || strlen(dot + 1) != TOKEN_SIG_HEX)
		return -1;
	if (b64url_decode(out, token, (size_t)(dot - token)) < 0)
		goto out;
	sign(&want, secret, purpose, out->ptr, out->len);
	if (mem_equal_ct(want.ptr, want.len, dot + 1, TOKEN_SIG_HEX))
		rc = 0;
out:
	if (rc < 0)
		buf_reset(out);
	buf_release(&want);
	return rc;
}
