/* restock: the restock engine — release the oldest waiters of in-stock variants into the outbox (SPEC 4). */
#ifndef RESTOCK_BIS_RESTOCK_H
#define RESTOCK_BIS_RESTOCK_H

#include "core/buf.h"

#define RESTOCK_RELEASE_BATCH	500	/* releases (or variants) per subs/outbox transaction */
#define RESTOCK_MAX_REQUEUE	10000	/* re-releases of one put-back subscription */

/* What one evaluation did. */
struct restock_report {
	long long variants;	/* variants with waiters looked at */
	long long in_stock;	/* of those, in stock (>= min_inventory) */
	long long in_wait;	/* in stock but inside a per_unit wait */
	long long released;	/* subscriptions turned into notifications */
	long long requeued;	/* releases that found their notification already queued (crash recovery) */
	long long unreadable;	/* subscription records that could not be decoded (skipped) */
	long long emptied;	/* variants dropped from the waiting index */
	long long purged;	/* unconfirmed double opt-in subscriptions deleted */
};

/* The engine settings of one evaluation. */
struct restock_rules {
	long long min_inventory;
	int per_unit;			/* notify_mode per_unit */
	long long customers_per_unit;
	long long wait_seconds;		/* wait_minutes * 60 */
};

/*
 * restock_now: the engine's clock in unix seconds. The environment variable
 * RESTOCK_NOW (decimal unix time) overrides it — for tests only, so that
 * waits, backoff and purges can be exercised without sleeping.
 */
long long restock_now(void);
/* restock_now_us: the same clock in microseconds (event times). */
long long restock_now_us(void);

/*
 * restock_quota: how many of `waiting` waiters a variant with `quantity`
 * releases now: all of them (notify_mode all), else customers_per_unit x
 * quantity, capped at waiting. 0 when the quantity is below min_inventory.
 */
long long restock_quota(const struct restock_rules *r, long long quantity,
			long long waiting);

/*
 * restock_evaluate: one evaluation (run after every sync and every send):
 * for each variant in waiting.gdbm whose catalog quantity is at least
 * min_inventory and that is not inside a wait, queue its oldest waiters as
 * NK_RESTOCK notifications and remove those subscriptions, in transactions
 * of RESTOCK_RELEASE_BATCH; start a wait when per_unit leaves waiters.
 * Also purges unconfirmed double opt-in subscriptions. Idempotent and
 * crash-safe (a notification is added under a deterministic dedupe key
 * before its subscription is removed). rep is zeroed and filled. Returns 0,
 * or -1 with a one-line reason in err (work done so far is kept).
 */
int restock_evaluate(const char *home, struct restock_report *rep,
		     struct buf *err);

#endif
