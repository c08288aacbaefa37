/* cmd_status: restockctl status — counts of items, subscriptions, outbox, and the last sync. */
#include <stdio.h>
#include <time.h>

#include "bis/status.h"
#include "cli/cli.h"

static void fmt_time(char *dst, size_t cap, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(dst, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

int cmd_status(int argc, char **argv, const char *home)
{
	struct status st;
	struct buf err = BUF_INIT;
	char when[64];

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: restockctl status\n");
		return 2;
	}
	if (status_read(home, &st, &err) < 0) {
		int rc = cli_fail("status", "%s", err.ptr);
		buf_release(&err);
		return rc;
	}
	printf("items: %lld\n", st.items);
	printf("in stock: %lld\n", st.in_stock);
	printf("waiting subscriptions: %lld\n", st.waiting);
	printf("variants with waiters: %lld\n", st.variants);
	printf("outbox: %lld pending, %lld sent, %lld failed, %lld skipped\n",
	       st.pending, st.sent, st.failed, st.skipped);
	if (!st.have_sync) {
		printf("last sync: never\n");
	} else {
		fmt_time(when, sizeof(when), st.sync_finished);
		if (st.sync_ok)
			printf("last sync: %s, %lld accepted, %lld rejected\n", when,
			       st.sync_accepted, st.sync_rejected);
		else
			printf("last sync: %s, FAILED: %s\n", when,
			       st.sync_error ? st.sync_error : "unknown error");
	}
	status_release(&st);
	buf_release(&err);
	return 0;
}
