/* journal: subscriptions acknowledged by one write() to HOME/subs.journal, applied to subs.gdbm in batches. */
#ifndef RESTOCK_JOURNAL_H
#define RESTOCK_JOURNAL_H

#include "core/buf.h"
#include "store/db.h"
#include "store/subs.h"

/*
 * Files of a home:
 *   subs.journal           appended records, in subscription-time order
 *   subs.journal.lock      flock: one appender (or the drainer's rename) at a time
 *   subs.journal.applying  a batch taken by a drainer (renamed from subs.journal)
 *
 * A record is "RSJ1", a 32-bit length, a 64-bit FNV-1a of the payload (all
 * little-endian), then the payload: a rec (core/rec.h) holding a 16-byte
 * random request id, flags, the cap and the encoded struct sub. A torn or
 * damaged record is skipped by searching for the next valid one.
 *
 * Appending is the acknowledgement point: the record is in the page cache
 * and survives a crash of the process. Draining holds subs.gdbm's write
 * lock, renames the journal aside, applies every record in order in one
 * GDBM open/close (one fsync per batch) through the subscribe rules
 * (suppression, dedupe, cap, double opt-in, FIFO enqueue, event, counters,
 * waiting index), then unlinks the batch. A watermark key "#jwm" (first id
 * of the batch, index of the last applied record) written after each record
 * makes replaying a batch after a crash mid-apply skip what was applied;
 * the dedupe index covers the record being applied at the crash.
 */
#define JOURNAL_FILE		"subs.journal"
#define JOURNAL_APPLYING	"subs.journal.applying"
#define JOURNAL_LOCK		"subs.journal.lock"
#define JOURNAL_ID_BYTES	16
#define JOURNAL_MAX_RECORD	(256 * 1024)
#define JOURNAL_TRY_ROUNDS	4	/* batches a request's drain applies at most */
#define JOURNAL_CAP_MARK_TTL	86400	/* "email at its cap" hint lifetime (store/ratemap.h) */

/* An entry dropped at apply time because the email reached its cap. */
#define EV_DROPPED	"Subscription dropped"

enum journal_flags {
	JF_DOUBLE_OPT_IN = 1,	/* keep as pending, queue a confirmation email */
};

struct journal_entry {
	unsigned char id[JOURNAL_ID_BYTES];	/* set by journal_append */
	unsigned flags;				/* JF_* */
	long long cap;				/* max_waiting_per_email then (0: none) */
	struct sub sub;				/* sub.created_us set by journal_append */
};

/*
 * journal_append: stamp e->sub.created_us (under the journal lock, so the
 * journal's order is the subscription-time order) and append e with one
 * write(). 0 once it is in the journal, or -1 with err (nothing appended).
 */
int journal_append(const char *home, struct journal_entry *e, struct buf *err);
/*
 * journal_try_drain: apply the journal if subs.gdbm's write lock is free
 * right now (at most JOURNAL_TRY_ROUNDS batches). 1 applied or nothing to
 * do, 0 someone else holds the lock (and will apply it), -1 error.
 */
int journal_try_drain(const char *home, struct buf *err);
/*
 * journal_drain: wait for the lock (STORE_LOCK_WAIT_MS) and apply
 * everything journalled so far. Readers that need up-to-date subscription
 * state call it (db_open of DB_SUBS does). 0 or -1 with err.
 */
int journal_drain(const char *home, struct buf *err);
/* journal_pending: 1 when there are records not yet applied (two stat()s). */
int journal_pending(const char *home);

/*
 * subs_accept: make sb a waiting subscription at the tail of its variant's
 * queue, with its "Subscribed to Back in Stock" event and counters; adds
 * the variant to waiting.gdbm first. subs is open for writing. 0 or -1.
 */
int subs_accept(const char *home, struct db *subs, struct sub *sb, long long now);

/* subs_pending_key: the "u:<identity>\n<variant>" key of a pending (double opt-in) subscription. */
void subs_pending_key(struct buf *k, const char *ekey, const char *variant);

/* journal_encode / journal_decode: one record (exposed for tests). */
void journal_encode(const struct journal_entry *e, struct buf *out);
/* journal_decode: parse the record at data (len bytes available): its
 * total size, 0 when incomplete, -1 when damaged. */
long journal_decode(struct journal_entry *e, const char *data, size_t len);
void journal_entry_init(struct journal_entry *e);
void journal_entry_release(struct journal_entry *e);

#endif
