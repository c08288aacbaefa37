/* status: gather the kept-up-to-date counters of every store. */
#include "bis/status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bis/sync_report.h"
#include "store/catalog.h"
#include "store/db.h"
#include "store/outbox.h"

static int read_subs(const char *home, struct status *st, struct buf *err)
{
	struct db db;
	if (db_open(&db, home, DB_SUBS, DB_READ, err) < 0) {
		if (errno == ENOENT) {
			buf_reset(err);
			return 0;
		}
		return -1;
	}
	st->waiting = db_get_ll(&db, "#waiting", 0);
	st->variants = db_get_ll(&db, "#variants", 0);
	st->subscribed_total = db_get_ll(&db, "#subscribed", 0);
	db_close(&db);
	return 0;
}

static int read_outbox(const char *home, struct status *st, struct buf *err)
{
	struct db db;
	if (db_open(&db, home, DB_OUTBOX, DB_READ, err) < 0) {
		if (errno == ENOENT) {
			buf_reset(err);
			return 0;
		}
		return -1;
	}
	st->pending = outbox_count(&db, NS_PENDING);
	st->sent = outbox_count(&db, NS_SENT);
	st->failed = outbox_count(&db, NS_FAILED);
	st->skipped = outbox_count(&db, NS_SKIPPED);
	db_close(&db);
	return 0;
}

int status_read(const char *home, struct status *st, struct buf *err)
{
	struct catalog c;
	struct sync_report rep;

	memset(st, 0, sizeof(*st));
	if (catalog_open(&c, home, err) < 0)
		return -1;
	st->items = catalog_count(&c, "#items");
	st->in_stock = catalog_count(&c, "#instock");
	st->min_inventory_at_sync = catalog_count(&c, "#min");
	st->catalog_built = catalog_count(&c, "#built");
	catalog_close(&c);
	if (read_subs(home, st, err) < 0 || read_outbox(home, st, err) < 0)
		return -1;
	sync_report_init(&rep);
	int rc = sync_report_load(home, &rep, err);
	if (rc == 1) {
		st->have_sync = 1;
		st->sync_finished = rep.finished;
		st->sync_accepted = rep.accepted;
		st->sync_rejected = rep.rejected;
		st->sync_ok = rep.ok;
		st->sync_error = rep.error ? xstrdup(rep.error) : NULL;
	}
	sync_report_release(&rep);
	if (rc < 0)
		buf_reset(err);	/* an unreadable report is not fatal for counts */
	return 0;
}

void status_release(struct status *st)
{
	free(st->sync_error);
	st->sync_error = NULL;
}
