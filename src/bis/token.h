/* token: HMAC-signed tokens for unsubscribe and confirmation links. */
#ifndef RESTOCK_TOKEN_H
#define RESTOCK_TOKEN_H

#include "core/buf.h"

/*
 * A token is base64url(payload) "." hex(HMAC-SHA256(secret, purpose "\n" payload))
 * truncated to 32 hex digits. The purpose ("unsub", "confirm") keeps a token
 * made for one link from working on another.
 */
void token_make(struct buf *out, const char *secret, const char *purpose,
		const char *payload, size_t len);
/* token_open: 0 with the payload in out when the signature is right, else -1. */
int token_open(struct buf *out, const char *secret, const char *purpose,
	       const char *token);

#endif
