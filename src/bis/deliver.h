/* deliver: send due notifications from the outbox (retries, re-check, suppression, webhook) (SPEC 5). */
#ifndef RESTOCK_BIS_DELIVER_H
#define RESTOCK_BIS_DELIVER_H

#include "bis/restock.h"
#include "core/buf.h"

#define DELIVER_BATCH		50	/* notifications per outbox write transaction */
#define DELIVER_BACKOFF_MAX_S	(7LL * 86400)	/* a retry is never further off than this */
#define DELIVER_RUN_LOCK	"run.lock"	/* one run/send per home at a time */

struct deliver_report {
	long long sent;		/* delivered (email, or webhook-only) */
	long long failed;	/* given up: permanent error, attempts exhausted, template error */
	long long skipped;	/* item out of stock again (put back in line), unsubscribed, ... */
	long long retried;	/* temporary failures left pending with a later next_at */
	long long pending;	/* pending in the outbox afterwards (after the evaluation) */
	long long webhooks;	/* webhook POSTs answered 2xx */
	struct restock_report restock;	/* the evaluation run after delivering */
};

/*
 * deliver_backoff: the delay before retry number `attempts` (1 for the
 * first retry): base * 2^(attempts-1), at most DELIVER_BACKOFF_MAX_S.
 */
long long deliver_backoff(long long base, int attempts);

/*
 * deliver_lock: take HOME/run.lock exclusively without waiting. Returns the
 * lock's file descriptor (close it to unlock), -2 when another run holds
 * it, or -1 with err.
 */
int deliver_lock(const char *home, struct buf *err);

/*
 * deliver_due: deliver every pending notification whose next_at has come,
 * oldest first, through one transport opened for the run; each record is
 * updated right after its own send (a crash resends at most the message in
 * flight). Then runs restock_evaluate (into rep->restock). The caller should
 * hold deliver_lock. rep is zeroed and filled. Returns 0 (individual
 * failures are counted, never fatal), or -1 with err when the outbox or the
 * transport cannot be used at all.
 */
int deliver_due(const char *home, struct deliver_report *rep, struct buf *err);

#endif
