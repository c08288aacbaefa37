/* db: GDBM files opened per transaction under a bounded flock() wait. */
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* lock_wait: flock with a bounded wait. 0 or -1 (errno EWOULDBLOCK on timeout). */
static int lock_wait(int fd, int op)
{
	long long deadline = now_ms() + STORE_LOCK_WAIT_MS;
	long delay_us = 200;

	for (;;) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -1;
		if (now_ms() >= deadline) {
			errno = EWOULDBLOCK;
			return -1;
		}
		struct timespec ts = { 0, delay_us * 1000 };
		nanosleep(&ts, NULL);
		if (delay_us < 5000)
			delay_us *= 2;
	}
}

void db_home_path(struct buf *out, const char *home, const char *name)
{
	buf_reset(out);
	buf_addf(out, "%s/%s", home, name);
}

int db_open(struct db *db, const char *home, const char *name,
	    enum db_mode mode, struct buf *err)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", home, name) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		if (err)
			buf_addf(err, "home path too long");
		return -1;
	}
	return db_open_path(db, path, mode, 0, err);
}

int db_open_path(struct db *db, const char *path, enum db_mode mode,
		 int extra, struct buf *err)
{
	char lockpath[4200];
	int flags;

	memset(db, 0, sizeof(*db));
	db->lockfd = -1;
	db->mode = mode;
	snprintf(db->path, sizeof(db->path), "%s", path);
	snprintf(lockpath, sizeof(lockpath), "%s.lock", path);

	if (mode == DB_READ && access(path, F_OK) != 0) {
		if (err)
			buf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	db->lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (db->lockfd < 0) {
		if (err)
			buf_addf(err, "%s: %s", lockpath, strerror(errno));
		return -1;
	}
	if (lock_wait(db->lockfd, mode == DB_WRITE ? LOCK_EX : LOCK_SH) < 0) {
		int e = errno;
		if (err)
			buf_addf(err, "%s: lock not obtained within %d ms",
				 path, STORE_LOCK_WAIT_MS);
		close(db->lockfd);
		db->lockfd = -1;
		errno = e;
		return -1;
	}
	flags = (mode == DB_WRITE ? GDBM_WRCREAT : GDBM_READER) |
		GDBM_NOLOCK | GDBM_NOMMAP | GDBM_CLOEXEC | extra;
	db->f = gdbm_open(path, 0, flags, 0600, NULL);
	if (!db->f) {
		int e = errno;
		if (err)
			buf_addf(err, "%s: %s", path, gdbm_strerror(gdbm_errno));
		close(db->lockfd);
		db->lockfd = -1;
		errno = e ? e : EIO;
		return -1;
	}
	return 0;
}

void db_close(struct db *db)
{
	if (db->f) {
		gdbm_close(db->f);
		db->f = NULL;
	}
	if (db->lockfd >= 0) {
		close(db->lockfd);	/* releases the flock */
		db->lockfd = -1;
	}
}

int db_get(struct db *db, const void *key, size_t klen, struct buf *out)
{
	datum k = { (char *)key, (int)klen };
	datum v = gdbm_fetch(db->f, k);
	if (!v.dptr)
		return gdbm_errno == GDBM_ITEM_NOT_FOUND ? 0 : -1;
	buf_reset(out);
	buf_add(out, v.dptr, (size_t)v.dsize);
	free(v.dptr);
	return 1;
}

int db_gets(struct db *db, const char *key, struct buf *out)
{
	return db_get(db, key, strlen(key), out);
}

int db_put(struct db *db, const void *key, size_t klen,
	   const void *val, size_t vlen)
{
	datum k = { (char *)key, (int)klen };
	datum v = { (char *)val, (int)vlen };
	return gdbm_store(db->f, k, v, GDBM_REPLACE) == 0 ? 0 : -1;
}

int db_puts(struct db *db, const char *key, const char *val)
{
	return db_put(db, key, strlen(key), val, strlen(val));
}

int db_del(struct db *db, const void *key, size_t klen)
{
	datum k = { (char *)key, (int)klen };
	if (gdbm_delete(db->f, k) == 0)
		return 0;
	return gdbm_errno == GDBM_ITEM_NOT_FOUND ? 0 : -1;
}

int db_exists(struct db *db, const void *key, size_t klen)
{
	datum k = { (char *)key, (int)klen };
	return gdbm_exists(db->f, k);
}

long long db_get_ll(struct db *db, const char *key, long long def)
{
	struct buf b = BUF_INIT;
	long long v = def;
	if (db_gets(db, key, &b) == 1) {
		char *end;
		errno = 0;
		v = strtoll(b.ptr, &end, 10);
		if (errno || end == b.ptr)
			v = def;
	}
	buf_release(&b);
	return v;
}

int db_put_ll(struct db *db, const char *key, long long v)
{
	char s[32];
	snprintf(s, sizeof(s), "%lld", v);
	return db_puts(db, key, s);
}

long long db_add_ll(struct db *db, const char *key, long long delta)
{
	long long v = db_get_ll(db, key, 0) + delta;
	if (db_put_ll(db, key, v) < 0)
		return -1;
	return v;
}

int db_sync(struct db *db)
{
	return gdbm_sync(db->f) == 0 ? 0 : -1;
}

const char *db_error(struct db *db)
{
	(void)db;
	return gdbm_strerror(gdbm_errno);
}

int db_iter_first(struct db *db, struct db_iter *it)
{
	it->key = gdbm_firstkey(db->f);
	return it->key.dptr != NULL;
}

int db_iter_next(struct db *db, struct db_iter *it)
{
	datum next = gdbm_nextkey(db->f, it->key);
	free(it->key.dptr);
	it->key = next;
	return it->key.dptr != NULL;
}

void db_iter_release(struct db_iter *it)
{
	free(it->key.dptr);
	it->key.dptr = NULL;
}
