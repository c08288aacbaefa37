/* cmd_send: restockctl send — deliver the due notifications, then evaluate again. */
#include <stdio.h>
#include <unistd.h>

#include "bis/deliver.h"
#include "cli/cli.h"

/*
 * cmd_send: takes HOME/run.lock like "run" (two deliveries at once would
 * send twice); when another run holds it, says so and exits 0.
 */
int cmd_send(int argc, char **argv, const char *home)
{
	struct deliver_report rep;
	struct buf err = BUF_INIT;
	int fd, rc;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: restockctl send\n");
		return 2;
	}
	fd = deliver_lock(home, &err);
	if (fd == -2) {
		printf("send: another run is in progress\n");
		buf_release(&err);
		return 0;
	}
	if (fd < 0) {
		rc = cli_fail("send", "%s", err.ptr);
		buf_release(&err);
		return rc;
	}
	rc = deliver_due(home, &rep, &err);
	printf("send: %lld sent, %lld failed, %lld skipped, %lld pending\n",
	       rep.sent, rep.failed, rep.skipped, rep.pending);
	if (rep.restock.released)
		printf("evaluate: %lld queued\n", rep.restock.released);
	if (rc < 0)
		cli_fail("send", "%s", err.ptr);
	close(fd);
	buf_release(&err);
	return rc < 0 ? 1 : 0;
}
