/* db: every GDBM file is opened here, with a bounded blocking lock around it. */
#ifndef RESTOCK_DB_H
#define RESTOCK_DB_H

#include <gdbm.h>
#include <stddef.h>

#include "core/buf.h"

enum db_mode {
	DB_READ,	/* shared lock, GDBM_READER */
	DB_WRITE,	/* exclusive lock, GDBM_WRCREAT */
};

/* The GDBM files of a home. Each has a sidecar NAME.lock taken with flock(). */
#define DB_SETTINGS	"settings.gdbm"	/* settings, keys, last sync report */
#define DB_CATALOG	"catalog.gdbm"	/* items; rebuilt by sync and renamed */
#define DB_SUBS		"subs.gdbm"	/* subscriptions, dedupe, counters, events */
#define DB_WAITING	"waiting.gdbm"	/* variants that have waiters (an index) */
#define DB_OUTBOX	"outbox.gdbm"	/* notifications */
#define DB_ADMIN	"admin.gdbm"	/* admin sessions, login throttling */

/* GDBM block size for files created by a writer (0: the file system's). */
#define DB_BLOCK_SIZE	0

struct db {
	GDBM_FILE f;
	int lockfd;
	enum db_mode mode;
	char path[4096];
};

/*
 * db_open: open HOME/NAME, waiting up to STORE_LOCK_WAIT_MS for the lock.
 * Returns 0, or -1 with errno set and a message in err (if non-NULL).
 * A DB_READ of a file that does not exist yet returns -1 with errno ENOENT.
 * Opening DB_SUBS first applies any journalled subscriptions
 * (store/journal.h), so every reader and writer sees them.
 */
int db_open(struct db *db, const char *home, const char *name,
	    enum db_mode mode, struct buf *err);
/* db_open_path: as db_open for an explicit path (lock file is PATH.lock). */
int db_open_path(struct db *db, const char *path, enum db_mode mode,
		 int gdbm_extra_flags, struct buf *err);
/*
 * The two halves of db_open_path, for callers that want the lock without
 * paying for gdbm_open (which reads the whole hash directory) unless they
 * have work to do. db_lock_path: take PATH.lock (timeout_ms 0: do not wait).
 * 0, or -1 (errno EWOULDBLOCK when locked). db_attach: gdbm_open the locked
 * path; on failure the lock is released. 0 or -1.
 */
int db_lock_path(struct db *db, const char *path, enum db_mode mode,
		 int timeout_ms, struct buf *err);
int db_attach(struct db *db, int gdbm_extra_flags, struct buf *err);
/*
 * db_lock_wait: flock(fd, op) waiting at most timeout_ms, blocked in the
 * kernel (fair) with a SIGALRM deadline. 0, or -1 (EWOULDBLOCK on timeout).
 */
int db_lock_wait(int fd, int op, int timeout_ms);
/* db_close: close the file and release the lock. Safe on a closed db. */
void db_close(struct db *db);

/* db_get: 1 found (value in out, replaced), 0 not found, -1 error. */
int db_get(struct db *db, const void *key, size_t klen, struct buf *out);
int db_gets(struct db *db, const char *key, struct buf *out);
/* db_put: store (replace). 0 or -1. */
int db_put(struct db *db, const void *key, size_t klen,
	   const void *val, size_t vlen);
int db_puts(struct db *db, const char *key, const char *val);
/* db_del: 0 deleted or absent, -1 error. */
int db_del(struct db *db, const void *key, size_t klen);
int db_exists(struct db *db, const void *key, size_t klen);

/* Integer values (decimal text). db_get_ll returns def when absent. */
long long db_get_ll(struct db *db, const char *key, long long def);
int db_put_ll(struct db *db, const char *key, long long v);
/* db_add_ll: add delta to a counter, return the new value. */
long long db_add_ll(struct db *db, const char *key, long long delta);

/* db_sync: flush to disk (fsync). */
int db_sync(struct db *db);
/* db_error: GDBM's last error as text. */
const char *db_error(struct db *db);

/* Iteration over all keys (for check/compact/export and small indexes). */
struct db_iter {
	datum key;
};
int db_iter_first(struct db *db, struct db_iter *it);	/* 1 key, 0 end */
int db_iter_next(struct db *db, struct db_iter *it);
void db_iter_release(struct db_iter *it);

/* db_home_path: HOME/NAME into out. */
void db_home_path(struct buf *out, const char *home, const char *name);

#endif
