/* purge: taking subscriptions away — unsubscribe (suppression) and the double opt-in purge. */
#ifndef RESTOCK_BIS_PURGE_H
#define RESTOCK_BIS_PURGE_H

#include "core/buf.h"

#define PURGE_MAX_PER_RUN	1000	/* pending confirmations looked at per evaluation */

/*
 * purge_unconfirmed: delete double opt-in subscriptions still unconfirmed
 * max_age seconds after they were made, walking the "P:<n>" creation
 * order from the "#pcur" cursor of subs.gdbm (at most PURGE_MAX_PER_RUN per
 * call). Adds the number deleted to *purged. 0, or -1 with err.
 */
int purge_unconfirmed(const char *home, long long now, long long max_age,
		      long long *purged, struct buf *err);

/*
 * bis_unsubscribe: put email on the suppression list, drop all its waiting
 * subscriptions and record an "Unsubscribed" event (the first time). The
 * email's subscriptions are found through the waiting index: one dedupe
 * lookup per variant with waiters, never a scan of all subscriptions.
 * *dropped (may be NULL) gets the number removed. Returns 1 newly
 * suppressed, 0 already suppressed (waiting subscriptions are still
 * dropped), -1 with err.
 */
int bis_unsubscribe(const char *home, const char *email, long long *dropped,
		    struct buf *err);

#endif
