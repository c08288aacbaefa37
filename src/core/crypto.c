/* crypto: thin wrappers over OpenSSL for tokens and signatures. */
#include "core/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>

int random_bytes(void *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

void hex_encode(struct buf *out, const void *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	const unsigned char *s = p;
	buf_grow(out, 2 * n);
	for (size_t i = 0; i < n; i++) {
		out->ptr[out->len++] = hx[s[i] >> 4];
		out->ptr[out->len++] = hx[s[i] & 15];
	}
	out->ptr[out->len] = '\0';
}

int random_hex(struct buf *out, size_t n)
{
	unsigned char b[64];
	while (n) {
		size_t k = n < sizeof(b) ? n : sizeof(b);
		if (random_bytes(b, k) < 0)
			return -1;
		hex_encode(out, b, k);
		n -= k;
	}
	return 0;
}

int random_alnum(struct buf *out, size_t n)
{
	static const char set[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	while (n) {
		unsigned char c;
		if (random_bytes(&c, 1) < 0)
			return -1;
		if (c >= 248)	/* 248 = 4 * 62: reject to avoid bias */
			continue;
		buf_addch(out, set[c % 62]);
		n--;
	}
	return 0;
}

void hmac_sha256_hex(struct buf *out, const void *key, size_t klen,
		     const void *msg, size_t mlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	HMAC(EVP_sha256(), key, (int)klen, msg, mlen, md, &mdlen);
	hex_encode(out, md, mdlen);
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void b64url_encode(struct buf *out, const void *data, size_t n)
{
	const unsigned char *s = data;
	size_t i;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		buf_addch(out, b64[v >> 18 & 63]);
		buf_addch(out, b64[v >> 12 & 63]);
		buf_addch(out, b64[v >> 6 & 63]);
		buf_addch(out, b64[v & 63]);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)s[i] << 16;
		buf_addch(out, b64[v >> 18 & 63]);
		buf_addch(out, b64[v >> 12 & 63]);
	} else if (n - i == 2) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
		buf_addch(out, b64[v >> 18 & 63]);
		buf_addch(out, b64[v >> 12 & 63]);
		buf_addch(out, b64[v >> 6 & 63]);
	}
}

static int b64val(int c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

int b64url_decode(struct buf *out, const char *s, size_t n)
{
	unsigned v = 0;
	int bits = 0;
	if (n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = b64val((unsigned char)s[i]);
		if (d < 0)
			return -1;
		v = (v << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(out, (int)((v >> bits) & 0xff));
		}
	}
	/* leftover bits must be zero (canonical encoding) */
	if (bits && (v & ((1u << bits) - 1)))
		return -1;
	return 0;
}

int mem_equal_ct(const void *a, size_t alen, const void *b, size_t blen)
{
	if (alen != blen)
		return 0;
	return CRYPTO_memcmp(a, b, alen) == 0;
}
