/* cmd_check / cmd_compact: restockctl check [--repair] and restockctl compact. */
#include <stdio.h>
#include <string.h>

#include "bis/check.h"
#include "cli/cli.h"

int cmd_check(int argc, char **argv, const char *home)
{
	struct check_report r;
	int repair = argc == 2 && !strcmp(argv[1], "--repair");

	if (argc > 2 || (argc == 2 && !repair)) {
		fprintf(stderr, "usage: restockctl check [--repair]\n");
		return 2;
	}
	check_report_init(&r);
	home_check(home, repair, &r);
	fputs(r.text.ptr, stdout);
	printf("check: %lld files, %lld records, %lld problems", r.files,
	       r.records, r.problems);
	if (repair)
		printf(", %lld repaired, %lld records lost", r.repaired, r.lost);
	printf("\n");
	int rc = r.problems && !(repair && r.repaired) ? 1 : 0;
	check_report_release(&r);
	return rc;
}

int cmd_compact(int argc, char **argv, const char *home)
{
	struct buf report = BUF_INIT, err = BUF_INIT;
	int rc = 0;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: restockctl compact\n");
		return 2;
	}
	if (home_compact(home, &report, &err) < 0)
		rc = cli_fail("compact", "%s", err.ptr);
	fputs(report.ptr, stdout);
	buf_release(&report);
	buf_release(&err);
	return rc;
}
