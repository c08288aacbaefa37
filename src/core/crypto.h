/* crypto: random bytes, hex, HMAC-SHA256 and constant-time compare (OpenSSL libcrypto). */
#ifndef RESTOCK_CRYPTO_H
#define RESTOCK_CRYPTO_H

#include <stddef.h>

#include "core/buf.h"

/* random_bytes: fill with cryptographically secure bytes. 0 or -1. */
int random_bytes(void *p, size_t n);
/* random_hex: append 2*n hex digits from n random bytes. 0 or -1. */
int random_hex(struct buf *out, size_t n);
/* random_alnum: append n random characters from [a-zA-Z0-9]. 0 or -1. */
int random_alnum(struct buf *out, size_t n);
void hex_encode(struct buf *out, const void *p, size_t n);
/* hmac_sha256_hex: append the hex HMAC-SHA256 of msg under key. */
void hmac_sha256_hex(struct buf *out, const void *key, size_t klen,
		     const void *msg, size_t mlen);
/* b64url: append unpadded base64url of data. */
void b64url_encode(struct buf *out, const void *data, size_t n);
/* b64url_decode: 0, or -1 on invalid input. */
int b64url_decode(struct buf *out, const char *s, size_t n);
/* mem_equal_ct: 1 if equal, compared in constant time for equal lengths. */
int mem_equal_ct(const void *a, size_t alen, const void *b, size_t blen);

#endif
