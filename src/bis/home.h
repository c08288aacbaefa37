/* home: create and open a restock data home (keys, secret, directories). */
#ifndef RESTOCK_HOME_H
#define RESTOCK_HOME_H

#include "core/buf.h"

struct home_init_opts {
	const char *public_key;		/* NULL: generate 6 alphanumerics */
	const char *private_key;	/* NULL: generate pk_ + 32 hex */
	const char *base_url;		/* NULL: leave the default */
};

/*
 * home_init: create HOME (mode 0700) and its settings when missing. Never
 * overwrites existing keys or data. Returns 0, or -1 with err.
 */
int home_init(const char *home, const struct home_init_opts *o, struct buf *err);

/* home_secret: the generated HMAC secret of HOME into out. 0 or -1. */
int home_secret(const char *home, struct buf *out, struct buf *err);

#endif
