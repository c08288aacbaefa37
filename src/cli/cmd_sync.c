/* cmd_sync: restockctl sync [SOURCE ...] — ingest the catalog feed(s) and print the sync report. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bis/feed.h"
#include "bis/restock.h"
#include "bis/sync_report.h"
#include "cli/cli.h"

#define PROGRESS_INTERVAL_S 0.1	/* redraw at most 10 times a second */
#define PROGRESS_BAR_WIDTH 30

struct bar {
	double last;
	int drawn;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void draw(void *ctx, long long bytes, long long total, long long items)
{
	struct bar *b = ctx;
	double t = mono();
	char bar[PROGRESS_BAR_WIDTH + 1];

	if (b->drawn && t - b->last < PROGRESS_INTERVAL_S)
		return;
	b->last = t;
	b->drawn = 1;
	if (total > 0) {
		int fill = (int)(bytes >= total ? PROGRESS_BAR_WIDTH :
				 bytes * PROGRESS_BAR_WIDTH / total);
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, ' ', (size_t)(PROGRESS_BAR_WIDTH - fill));
		bar[PROGRESS_BAR_WIDTH] = '\0';
		fprintf(stderr, "\rsync: [%s] %5.1f / %.1f MB, %lld items",
			bar, bytes / 1048576.0, total / 1048576.0, items);
	} else {
		fprintf(stderr, "\rsync: %.1f MB, %lld items", bytes / 1048576.0, items);
	}
	fflush(stderr);
}

/* evaluate: SPEC 4 — every successful sync is followed by a restock evaluation. */
static int evaluate(const char *home)
{
	struct restock_report rr;
	struct buf err = BUF_INIT;
	int rc = restock_evaluate(home, &rr, &err);
	if (rc < 0)
		cli_fail("sync", "restock evaluation: %s", err.ptr);
	else if (rr.released)
		printf("restock: %lld notifications queued for %lld variants back in stock\n",
		       rr.released, rr.in_stock);
	buf_release(&err);
	return rc;
}

int cmd_sync(int argc, char **argv, const char *home)
{
	struct sync_report rep;
	struct sync_progress prog = { draw, NULL };
	struct bar bar = { 0, 0 };
	struct buf err = BUF_INIT, out = BUF_INIT;
	const char *const *sources = (const char *const *)argv + 1;
	size_t n = argc > 1 ? (size_t)(argc - 1) : 0;
	int rc;

	if (n && !strcmp(argv[1], "--")) {
		sources++;
		n--;
	} else {
		for (size_t i = 0; i < n; i++)
			if (sources[i][0] == '-' && sources[i][1]) {
				fprintf(stderr, "usage: restockctl sync [SOURCE ...]  (path, - or http(s):// URL)\n");
				return 2;
			}
	}
	prog.ctx = &bar;
	sync_report_init(&rep);
	rc = bis_sync(home, sources, n, &rep, isatty(2) ? &prog : NULL, &err);
	if (bar.drawn)
		fputs("\r\033[K", stderr);

	if (rc < 0) {
		cli_fail("sync", "%s", err.ptr);
	} else {
		sync_report_text(&rep, &out);
		fputs(out.ptr, stdout);
		rc = evaluate(home);
	}
	sync_report_release(&rep);
	buf_release(&err);
	buf_release(&out);
	return rc < 0 ? 1 : 0;
}
