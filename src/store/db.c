/* db: GDBM files opened per transaction under a bounded flock() wait. */
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/log.h"
#include "store/journal.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_alarm(int sig)
{
	(void)sig;	/* only there to interrupt flock() */
}

/*
 * lock_wait: flock with a bounded wait. The wait blocks in the kernel's
 * FIFO-ish wait queue (fair, no polling) and an ITIMER_REAL SIGALRM
 * installed without SA_RESTART makes flock() return EINTR at the deadline.
 * The previous SIGALRM disposition and timer are restored. 0, or -1
 * (errno EWOULDBLOCK on timeout).
 */
int db_lock_wait(int fd, int op, int timeout_ms)
{
	struct sigaction sa, old_sa;
	struct itimerval it, old_it;
	long long start, deadline;
	int rc, e;

	if (flock(fd, op | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK && errno != EINTR)
		return -1;
	if (timeout_ms <= 0) {
		errno = EWOULDBLOCK;
		return -1;
	}
	start = now_ms();
	deadline = start + timeout_ms;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: flock returns EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &old_sa) < 0)
		return -1;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = timeout_ms / 1000;
	it.it_value.tv_usec = (timeout_ms % 1000) * 1000;
	it.it_interval = it.it_value;	/* re-fires if a signal raced the first */
	setitimer(ITIMER_REAL, &it, &old_it);
	for (;;) {
		rc = flock(fd, op);
		if (rc == 0 || errno != EINTR)
			break;
		if (now_ms() >= deadline) {
			errno = EWOULDBLOCK;
			break;
		}
		/* another signal (e.g. SIGTERM): keep waiting until the deadline */
	}
	e = errno;
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	if (old_it.it_value.tv_sec || old_it.it_value.tv_usec) {
		/* give the caller's timer back, less the time spent here */
		long long left = (long long)old_it.it_value.tv_sec * 1000000 +
				 old_it.it_value.tv_usec - (now_ms() - start) * 1000;
		if (left < 1000)
			left = 1000;
		old_it.it_value.tv_sec = left / 1000000;
		old_it.it_value.tv_usec = left % 1000000;
		setitimer(ITIMER_REAL, &old_it, NULL);
	}
	sigaction(SIGALRM, &old_sa, NULL);
	errno = e;
	return rc == 0 ? 0 : -1;
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
	if (!strcmp(name, DB_SUBS) && journal_pending(home)) {
		/* acknowledged subscriptions not applied yet: apply them first */
		struct buf jerr = BUF_INIT;
		if (journal_drain(home, &jerr) < 0)
			log_warn("journal: %s", jerr.ptr);
		buf_release(&jerr);
	}
	return db_open_path(db, path, mode, 0, err);
}

int db_lock_path(struct db *db, const char *path, enum db_mode mode,
		 int timeout_ms, struct buf *err)
{
	char lockpath[4200];

	memset(db, 0, sizeof(*db));
	db->lockfd = -1;
	db->mode = mode;
	snprintf(db->path, sizeof(db->path), "%s", path);
	snprintf(lockpath, sizeof(lockpath), "%s.lock", path);

	db->lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (db->lockfd < 0) {
		if (err)
			buf_addf(err, "%s: %s", lockpath, strerror(errno));
		return -1;
	}
	if (db_lock_wait(db->lockfd, mode == DB_WRITE ? LOCK_EX : LOCK_SH, timeout_ms) < 0) {
		int e = errno;
		if (err && timeout_ms > 0)
			buf_addf(err, "%s: lock not obtained within %d ms",
				 path, timeout_ms);
		else if (err)
			buf_addf(err, "%s: locked", path);
		close(db->lockfd);
		db->lockfd = -1;
		errno = e;
		return -1;
	}
	return 0;
}

int db_attach(struct db *db, int extra, struct buf *err)
{
	int flags = (db->mode == DB_WRITE ? GDBM_WRCREAT : GDBM_READER) |
		    GDBM_NOLOCK | GDBM_NOMMAP | GDBM_CLOEXEC | extra;
	db->f = gdbm_open(db->path, db->mode == DB_WRITE ? DB_BLOCK_SIZE : 0,
			  flags, 0600, NULL);
	if (!db->f) {
		int e = errno;
		if (err)
			buf_addf(err, "%s: %s", db->path, gdbm_strerror(gdbm_errno));
		close(db->lockfd);
		db->lockfd = -1;
		errno = e ? e : EIO;
		return -1;
	}
	return 0;
}

int db_open_path(struct db *db, const char *path, enum db_mode mode,
		 int extra, struct buf *err)
{
	if (mode == DB_READ && access(path, F_OK) != 0) {
		int e = errno;
		memset(db, 0, sizeof(*db));
		db->lockfd = -1;
		if (err)
			buf_addf(err, "%s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (db_lock_path(db, path, mode, STORE_LOCK_WAIT_MS, err) < 0)
		return -1;
	return db_attach(db, extra, err);
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
