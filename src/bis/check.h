/* check: verify every GDBM file of a home, and repair what can be repaired. */
#ifndef RESTOCK_CHECK_H
#define RESTOCK_CHECK_H

#include "core/buf.h"

struct check_report {
	long long files, records, problems, repaired, lost;
	struct buf text;	/* one line per finding */
};

void check_report_init(struct check_report *r);
void check_report_release(struct check_report *r);
/*
 * home_check: read every record of every file, decode the ones with a known
 * shape, and compare the kept counters with what is stored. With repair,
 * unreadable files are recovered with gdbm_recover (a backup is kept), and
 * counters and the waiting index are rebuilt. Returns 0 (see r->problems).
 */
int home_check(const char *home, int repair, struct check_report *r);
/* home_compact: gdbm_reorganize every file, dropping expired rate-limit windows. */
int home_compact(const char *home, struct buf *report, struct buf *err);

#endif
