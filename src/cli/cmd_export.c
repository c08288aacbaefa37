/* cmd_export: restockctl export subscriptions|events|notifications — CSV on standard output. */
#include <stdio.h>
#include <string.h>

#include "bis/export.h"
#include "cli/cli.h"

static int to_stdout(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

int cmd_export(int argc, char **argv, const char *home)
{
	struct buf err = BUF_INIT;
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: restockctl export subscriptions [VARIANT]|events|notifications\n");
		return 2;
	}
	if (!strcmp(argv[1], "subscriptions"))
		rc = export_subscriptions(home, argc == 3 ? argv[2] : NULL, to_stdout, NULL, &err);
	else if (!strcmp(argv[1], "events") && argc == 2)
		rc = export_events(home, to_stdout, NULL, &err);
	else if (!strcmp(argv[1], "notifications") && argc == 2)
		rc = export_notifications(home, to_stdout, NULL, &err);
	else {
		fprintf(stderr, "usage: restockctl export subscriptions [VARIANT]|events|notifications\n");
		return 2;
	}
	if (fflush(stdout) != 0)
		rc = -1;
	if (rc < 0)
		rc = cli_fail("export", "%s", err.len ? err.ptr : "write failed");
	buf_release(&err);
	return rc;
}
