/* cmd_run: restockctl run — the cron entry point: sync (when feed_sources is set), evaluate, send. */
#include <stdio.h>
#include <unistd.h>

#include "bis/deliver.h"
#include "bis/feed.h"
#include "bis/restock.h"
#include "bis/sync_report.h"
#include "cli/cli.h"
#include "store/settings.h"

/* run_sync: the feed sync when sources are configured. 0 (also: none), -1 failed. */
static int run_sync(const char *home)
{
	struct settings s;
	struct sync_report rep;
	struct buf err = BUF_INIT, out = BUF_INIT;
	int have, rc = 0;

	if (settings_load(&s, home, &err) < 0) {
		cli_fail("run", "%s", err.ptr);
		buf_release(&err);
		return -1;
	}
	have = *settings_get(&s, "feed_sources") != '\0';
	settings_release(&s);
	if (!have) {
		printf("sync: no feed_sources set, skipped\n");
		return 0;
	}
	sync_report_init(&rep);
	rc = bis_sync(home, NULL, 0, &rep, NULL, &err);
	if (rc < 0) {
		cli_fail("run", "sync: %s", err.ptr);
	} else {
		sync_report_summary(&rep, &out);
		printf("%s\n", out.ptr);
	}
	sync_report_release(&rep);
	buf_release(&err);
	buf_release(&out);
	return rc;
}

/*
 * cmd_run: holds HOME/run.lock for the whole run, so two runs (cron
 * overlapping itself, or run and send) never both send. When the lock is
 * held, it prints "run: another run is in progress" and exits 0: the other
 * run does the work, and cron should not mail anyone about it. A failed
 * sync keeps the live catalog; evaluation and delivery still run, and the
 * exit status is 1.
 */
int cmd_run(int argc, char **argv, const char *home)
{
	struct restock_report rr;
	struct deliver_report dr;
	struct buf err = BUF_INIT;
	int fd, failed = 0;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: restockctl run\n");
		return 2;
	}
	fd = deliver_lock(home, &err);
	if (fd == -2) {
		printf("run: another run is in progress\n");
		buf_release(&err);
		return 0;
	}
	if (fd < 0) {
		cli_fail("run", "%s", err.ptr);
		buf_release(&err);
		return 1;
	}
	if (run_sync(home) < 0)
		failed = 1;
	if (restock_evaluate(home, &rr, &err) < 0) {
		cli_fail("run", "evaluate: %s", err.ptr);
		buf_reset(&err);
		failed = 1;
	}
	printf("evaluate: %lld variants with waiters, %lld in stock, %lld in a wait, %lld queued\n",
	       rr.variants, rr.in_stock, rr.in_wait, rr.released);
	if (deliver_due(home, &dr, &err) < 0) {
		cli_fail("run", "send: %s", err.ptr);
		failed = 1;
	}
	printf("send: %lld sent, %lld failed, %lld skipped, %lld pending\n",
	       dr.sent, dr.failed, dr.skipped, dr.pending);
	if (dr.restock.released)
		printf("evaluate: %lld queued\n", dr.restock.released);
	close(fd);
	buf_release(&err);
	return failed;
}
