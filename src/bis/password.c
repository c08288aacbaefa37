/* password: hash and verify the admin password (libcrypt yescrypt). */
#include "bis/password.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"

int password_hash(const char *pw, struct buf *out, struct buf *err)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	size_t n = strlen(pw);

	if (n < PASSWORD_MIN_BYTES || n > PASSWORD_MAX_BYTES) {
		buf_addf(err, "the password must be %d to %d bytes long",
			 PASSWORD_MIN_BYTES, PASSWORD_MAX_BYTES);
		return -1;
	}
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt))) {
		buf_addf(err, "yescrypt is not available");
		return -1;
	}
	cd = xcalloc(1, sizeof(*cd));
	const char *h = crypt_r(pw, salt, cd);
	int rc = -1;
	if (h && h[0] == '$') {
		buf_reset(out);
		buf_adds(out, h);
		rc = 0;
	} else {
		buf_addf(err, "hashing failed");
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return rc;
}

int password_verify(const char *pw, const char *hash)
{
	struct crypt_data *cd;
	int ok = 0;
	if (!hash || hash[0] != '$')
		return 0;
	cd = xcalloc(1, sizeof(*cd));
	const char *h = crypt_r(pw, hash, cd);
	if (h && h[0] == '$')
		ok = mem_equal_ct(h, strlen(h), hash, strlen(hash));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}
