/* session: server-side admin sessions (only the id's hash is stored), login throttling, admin indexes. */
#include "bis/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "store/db.h"
#include "store/ratelimit.h"

/* The hash key: not a secret (ids carry 256 random bits); it only keeps stored keys from being ids. */
static const char hash_key[] = "restock admin session v1";

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
}

void session_release(struct session *s)
{
	free(s->flash);
	session_init(s);
}

static int id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n != 2 * SESSION_ID_BYTES)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return 1;
}

static void session_key(struct buf *k, const char *hash)
{
	buf_reset(k);
	buf_addf(k, "S:%s", hash);
}

static void encode(struct buf *v, const struct session *s, const char *kind,
		   const char *flash)
{
	buf_reset(v);
	buf_addf(v, "1 %lld %lld %s\n%s\n", s->created, s->last_seen, s->csrf,
		 kind ? kind : "");
	if (flash) {
		size_t n = strlen(flash);
		if (n > SESSION_MAX_FLASH)
			n = SESSION_MAX_FLASH;
		buf_add(v, flash, n);
	}
}

/* decode: 0, or -1 for a malformed record. Fills created, last_seen, csrf, kind, flash (may be NULL). */
static int decode(const char *v, struct session *s, char **flash)
{
	char csrf[2 * SESSION_CSRF_BYTES + 2];
	int ver = 0;
	const char *nl, *nl2;

	*flash = NULL;
	if (sscanf(v, "%d %lld %lld %65s", &ver, &s->created, &s->last_seen,
		   csrf) != 4 || ver != 1 || strlen(csrf) != 2 * SESSION_CSRF_BYTES)
		return -1;
	memcpy(s->csrf, csrf, sizeof(s->csrf));
	nl = strchr(v, '\n');
	if (!nl)
		return -1;
	nl2 = strchr(nl + 1, '\n');
	if (!nl2)
		return -1;
	size_t kl = (size_t)(nl2 - nl - 1);
	if (kl >= sizeof(s->flash_kind))
		kl = 0;
	memcpy(s->flash_kind, nl + 1, kl);
	s->flash_kind[kl] = '\0';
	if (kl)
		*flash = xstrdup(nl2 + 1);
	return 0;
}

static int expired(const struct session *s, long long now, long long idle_s,
		   long long max_s)
{
	return now - s->last_seen > idle_s || now - s->created > max_s ||
	       s->last_seen > now + 300;
}

/* purge: delete expired sessions (admin.gdbm is small, so a full pass is fine at login). */
static void purge(struct db *db, long long now, long long idle_s, long long max_s)
{
	struct db_iter it;
	struct buf v = BUF_INIT, dead = BUF_INIT;
	for (int more = db_iter_first(db, &it); more; more = db_iter_next(db, &it)) {
		struct session s;
		char *fl;
		if (it.key.dsize < 2 || memcmp(it.key.dptr, "S:", 2))
			continue;
		if (db_get(db, it.key.dptr, (size_t)it.key.dsize, &v) != 1)
			continue;
		session_init(&s);
		if (decode(v.ptr, &s, &fl) < 0 || expired(&s, now, idle_s, max_s)) {
			buf_add(&dead, it.key.dptr, (size_t)it.key.dsize);
			buf_addch(&dead, '\n');
		}
		free(fl);
	}
	db_iter_release(&it);
	for (char *p = dead.ptr; *p;) {
		char *nl = strchr(p, '\n');
		db_del(db, p, (size_t)(nl - p));
		p = nl + 1;
	}
	buf_release(&v);
	buf_release(&dead);
}

int session_create(const char *home, long long now, long long idle_s,
		   long long max_s, struct session *s, struct buf *id_out,
		   struct buf *err)
{
	struct buf id = BUF_INIT, h = BUF_INIT, tok = BUF_INIT, k = BUF_INIT,
		   v = BUF_INIT;
	struct db db;
	int rc = -1;

	session_release(s);
	if (random_hex(&id, SESSION_ID_BYTES) < 0 ||
	    random_hex(&tok, SESSION_CSRF_BYTES) < 0) {
		buf_adds(err, "no random bytes available");
		goto out;
	}
	hmac_sha256_hex(&h, hash_key, sizeof(hash_key) - 1, id.ptr, id.len);
	memcpy(s->hash, h.ptr, sizeof(s->hash) - 1);
	memcpy(s->csrf, tok.ptr, sizeof(s->csrf) - 1);
	s->created = s->last_seen = now;
	if (db_open(&db, home, DB_ADMIN, DB_WRITE, err) < 0)
		goto out;
	purge(&db, now, idle_s, max_s);
	session_key(&k, s->hash);
	encode(&v, s, "", NULL);
	rc = db_put(&db, k.ptr, k.len, v.ptr, v.len);
	if (rc < 0)
		buf_addf(err, "admin.gdbm: %s", db_error(&db));
	db_close(&db);
	if (rc == 0)
		buf_add(id_out, id.ptr, id.len);
out:
	buf_release(&id);
	buf_release(&h);
	buf_release(&tok);
	buf_release(&k);
	buf_release(&v);
	return rc;
}

/* write_touch: rewrite the record with last_seen = now and no flash (re-read under the write lock). */
static int write_touch(const char *home, const struct buf *k, long long now)
{
	struct db db;
	struct buf v = BUF_INIT;
	struct session cur;
	char *fl = NULL;
	int rc;

	if (db_open(&db, home, DB_ADMIN, DB_WRITE, NULL) < 0)
		return -1;
	session_init(&cur);
	rc = db_get(&db, k->ptr, k->len, &v);
	if (rc == 1 && decode(v.ptr, &cur, &fl) == 0) {
		cur.last_seen = now;
		encode(&v, &cur, "", NULL);
		rc = db_put(&db, k->ptr, k->len, v.ptr, v.len);
	}
	free(fl);
	db_close(&db);
	buf_release(&v);
	return rc < 0 ? -1 : 0;
}

int session_load(const char *home, const char *id, long long now,
		 long long idle_s, long long max_s, int take_flash,
		 struct session *s)
{
	struct buf h = BUF_INIT, k = BUF_INIT, v = BUF_INIT;
	struct db db;
	char *flash = NULL;
	int rc;

	session_release(s);
	if (!id || !id_ok(id))
		return 0;
	hmac_sha256_hex(&h, hash_key, sizeof(hash_key) - 1, id, strlen(id));
	session_key(&k, h.ptr);
	/* a read first: most requests need no write */
	if (db_open(&db, home, DB_ADMIN, DB_READ, NULL) < 0) {
		rc = errno == ENOENT ? 0 : -1;
		goto out;
	}
	rc = db_get(&db, k.ptr, k.len, &v);
	db_close(&db);
	if (rc != 1)
		goto out;
	if (decode(v.ptr, s, &flash) < 0) {
		session_release(s);
		rc = 0;
		goto out;
	}
	memcpy(s->hash, h.ptr, sizeof(s->hash) - 1);
	if (expired(s, now, idle_s, max_s)) {
		session_destroy(home, s);
		session_release(s);
		rc = 0;
		goto out;
	}
	if (!take_flash) {
		s->flash_kind[0] = '\0';
	} else if (flash) {
		s->flash = flash;
		flash = NULL;
	}
	if ((now - s->last_seen >= SESSION_TOUCH_S || (take_flash && s->flash)) &&
	    write_touch(home, &k, now) < 0) {
		rc = -1;
		goto out;
	}
	s->last_seen = now;
	rc = 1;
out:
	buf_release(&h);
	buf_release(&k);
	buf_release(&v);
	free(flash);
	return rc;
}

int session_flash(const char *home, const struct session *s, int error,
		  const char *msg)
{
	struct db db;
	struct buf k = BUF_INIT, v = BUF_INIT;
	int rc;
	if (db_open(&db, home, DB_ADMIN, DB_WRITE, NULL) < 0)
		return -1;
	session_key(&k, s->hash);
	encode(&v, s, error ? "error" : "ok", msg);
	rc = db_put(&db, k.ptr, k.len, v.ptr, v.len);
	db_close(&db);
	buf_release(&k);
	buf_release(&v);
	return rc;
}

int session_destroy(const char *home, const struct session *s)
{
	struct db db;
	struct buf k = BUF_INIT;
	int rc;
	if (!s->hash[0])
		return 0;
	if (db_open(&db, home, DB_ADMIN, DB_WRITE, NULL) < 0)
		return -1;
	session_key(&k, s->hash);
	rc = db_del(&db, k.ptr, k.len);
	db_close(&db);
	buf_release(&k);
	return rc;
}

long login_throttle(const char *home, const char *ip, long long now)
{
	struct db db;
	struct buf k = BUF_INIT;
	long rc;
	if (db_open(&db, home, DB_ADMIN, DB_WRITE, NULL) < 0)
		return -1;
	buf_addf(&k, "login:%s", ip);
	rc = ratelimit_hit(&db, k.ptr, LOGIN_MAX_FAILURES, LOGIN_WINDOW_S, now);
	db_close(&db);
	buf_release(&k);
	return rc;
}

int login_throttle_reset(const char *home, const char *ip)
{
	struct buf k = BUF_INIT;
	int rc;
	buf_addf(&k, "r:login:%s", ip);
	rc = admin_kv_del(home, k.ptr);
	buf_release(&k);
	return rc;
}

int admin_kv_get(const char *home, const char *key, struct buf *out)
{
	struct db db;
	int rc;
	if (db_open(&db, home, DB_ADMIN, DB_READ, NULL) < 0)
		return errno == ENOENT ? 0 : -1;
	rc = db_get(&db, key, strlen(key), out);
	db_close(&db);
	return rc;
}

int admin_kv_put(const char *home, const char *key, const char *val, size_t len)
{
	struct db db;
	int rc;
	if (db_open(&db, home, DB_ADMIN, DB_WRITE, NULL) < 0)
		return -1;
	rc = db_put(&db, key, strlen(key), val, len);
	db_close(&db);
	return rc;
}

int admin_kv_del(const char *home, const char *key)
{
	struct db db;
	int rc;
	if (db_open(&db, home, DB_ADMIN, DB_WRITE, NULL) < 0)
		return -1;
	rc = db_del(&db, key, strlen(key));
	db_close(&db);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

long admin_kv_list(const char *home, const char *prefix, long max,
		   struct buf *out)
{
	struct db db;
	struct db_iter it;
	struct buf v = BUF_INIT;
	size_t pl = strlen(prefix), n = 0, alloc = 0;
	char **keys = NULL;

	buf_reset(out);
	if (db_open(&db, home, DB_ADMIN, DB_READ, NULL) < 0)
		return errno == ENOENT ? 0 : -1;
	for (int more = db_iter_first(&db, &it); more; more = db_iter_next(&db, &it)) {
		if ((size_t)it.key.dsize < pl || memcmp(it.key.dptr, prefix, pl))
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			keys = xrealloc(keys, alloc * sizeof(*keys));
		}
		buf_reset(&v);
		buf_add(&v, it.key.dptr + pl, (size_t)it.key.dsize - pl);
		buf_addch(&v, '\t');
		{
			struct buf val = BUF_INIT;
			if (db_get(&db, it.key.dptr, (size_t)it.key.dsize, &val) == 1)
				buf_add(&v, val.ptr, strcspn(val.ptr, "\t\r\n"));
			buf_release(&val);
		}
		keys[n++] = buf_detach(&v, NULL);
	}
	db_iter_release(&it);
	db_close(&db);
	buf_release(&v);
	if (n)
		qsort(keys, n, sizeof(*keys), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if ((long)i < max) {
			buf_adds(out, keys[i]);
			buf_addch(out, '\n');
		}
		free(keys[i]);
	}
	free(keys);
	return (long)n;
}
