/* password: the admin password, hashed with yescrypt through crypt_r. */
#ifndef RESTOCK_PASSWORD_H
#define RESTOCK_PASSWORD_H

#include "core/buf.h"

#define PASSWORD_MIN_BYTES 8
#define PASSWORD_MAX_BYTES 256

/* password_hash: yescrypt hash of pw into out. 0, or -1 with err. */
int password_hash(const char *pw, struct buf *out, struct buf *err);
/* password_verify: 1 if pw matches hash, else 0. */
int password_verify(const char *pw, const char *hash);

#endif
