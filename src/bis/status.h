/* status: the counts shown by restockctl status and the admin dashboard, read from counters (no scans). */
#ifndef RESTOCK_STATUS_H
#define RESTOCK_STATUS_H

#include "core/buf.h"

struct status {
	long long items, in_stock, min_inventory_at_sync;
	long long waiting, variants, subscribed_total;
	long long pending, sent, failed, skipped;
	long long catalog_built;	/* unix time, 0 = no catalog */
	int have_sync;
	long long sync_finished, sync_accepted, sync_rejected;
	int sync_ok;
	char *sync_error;
};

/* status_read: fill st from HOME. 0, or -1 with err. */
int status_read(const char *home, struct status *st, struct buf *err);
void status_release(struct status *st);

#endif
