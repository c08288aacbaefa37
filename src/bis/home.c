/* home: first-time set-up of a data home: directories, API keys and the signing secret. */
#include "bis/home.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "core/crypto.h"
#include "store/db.h"
#include "store/settings.h"

#define SECRET_KEY "#secret"
#define SECRET_BYTES 32

static int valid_public_key(const char *k)
{
	size_t n = strlen(k);
	if (n < 1 || n > 64)
		return 0;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && *k != '_' && *k != '-')
			return 0;
	return 1;
}

static int put_if_absent(struct db *db, const char *key, const char *val,
			 struct buf *err)
{
	if (db_exists(db, key, strlen(key)))
		return 0;
	if (db_puts(db, key, val) < 0) {
		buf_addf(err, "writing %s: %s", key, db_error(db));
		return -1;
	}
	return 0;
}

int home_init(const char *home, const struct home_init_opts *o, struct buf *err)
{
	struct db db;
	struct buf v = BUF_INIT;
	int rc = -1;

	if (mkdir(home, 0700) < 0 && errno != EEXIST) {
		buf_addf(err, "%s: %s", home, strerror(errno));
		return -1;
	}
	if (o->public_key && !valid_public_key(o->public_key)) {
		buf_addf(err, "public key: letters, digits, _ and - only (1-64)");
		return -1;
	}
	if (db_open(&db, home, DB_SETTINGS, DB_WRITE, err) < 0)
		return -1;
	if (o->public_key)
		buf_adds(&v, o->public_key);
	else if (random_alnum(&v, 6) < 0)
		goto rand_fail;
	if (put_if_absent(&db, "public_key", v.ptr, err) < 0)
		goto out;
	buf_reset(&v);
	if (o->private_key) {
		buf_adds(&v, o->private_key);
	} else {
		buf_adds(&v, "pk_");
		if (random_hex(&v, 16) < 0)
			goto rand_fail;
	}
	if (put_if_absent(&db, "private_key", v.ptr, err) < 0)
		goto out;
	buf_reset(&v);
	if (random_hex(&v, SECRET_BYTES) < 0)
		goto rand_fail;
	if (put_if_absent(&db, SECRET_KEY, v.ptr, err) < 0)
		goto out;
	if (o->base_url) {
		const struct setting_def *d = setting_find("base_url");
		struct buf norm = BUF_INIT;
		if (settings_validate(d, o->base_url, &norm, err) < 0) {
			buf_release(&norm);
			goto out;
		}
		rc = put_if_absent(&db, "base_url", norm.ptr, err);
		buf_release(&norm);
		if (rc < 0)
			goto out;
	}
	rc = 0;
	goto out;
rand_fail:
	buf_addf(err, "no random bytes available");
out:
	db_close(&db);
	buf_release(&v);
	return rc;
}

int home_secret(const char *home, struct buf *out, struct buf *err)
{
	struct db db;
	int rc;
	if (db_open(&db, home, DB_SETTINGS, DB_READ, err) < 0)
		return -1;
	rc = db_gets(&db, SECRET_KEY, out);
	db_close(&db);
	if (rc != 1) {
		buf_addf(err, "%s has no secret: run restockctl init", home);
		return -1;
	}
	return 0;
}
