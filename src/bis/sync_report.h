/* sync_report: what a catalog sync did (accepted, rejected with reasons, warnings, error), as JSON and text. */
#ifndef RESTOCK_SYNC_REPORT_H
#define RESTOCK_SYNC_REPORT_H

#include <stddef.h>

#include "core/buf.h"

/* The settings key the last report is saved under. */
#define SYNC_REPORT_KEY "#last_sync"

struct sync_reject {
	char *source;
	long long item;		/* 1-based item number within its source */
	char *id;		/* NULL when unknown */
	char *field;		/* feed or Klaviyo field, "" when none */
	char *reason;
};

struct sync_report {
	long long started, finished;	/* unix time */
	double seconds;			/* wall time of the sync */
	char **sources;
	size_t nsources;
	long long bytes;		/* feed bytes read, all sources */
	long long accepted;		/* valid items (duplicates included) */
	long long items;		/* distinct items in the new catalog */
	long long rejected;
	long long duplicates;
	long long warnings;		/* all warnings (duplicates included) */
	struct sync_reject *rows;	/* the first FEED_MAX_REPORT_ROWS rejections */
	size_t nrows;
	char **warning_rows;		/* the first FEED_MAX_WARNINGS warnings */
	size_t nwarning_rows;
	int ok;				/* 1 after a successful commit */
	char *error;			/* one line, NULL on success */
};

void sync_report_init(struct sync_report *r);
void sync_report_release(struct sync_report *r);
void sync_report_add_source(struct sync_report *r, const char *source);
/* sync_report_reject: count a rejected item; the first rows are kept (strings copied, cleaned). */
void sync_report_reject(struct sync_report *r, const char *source,
			long long item, const char *id, const char *field,
			const char *reason);
/* sync_report_warn: count a warning; the first ones are kept. */
void sync_report_warn(struct sync_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* sync_report_fail: record the one-line error (replaces an earlier one). */
void sync_report_fail(struct sync_report *r, const char *msg);

/* sync_report_json: the report as a JSON object into out (replaced). */
void sync_report_json(const struct sync_report *r, struct buf *out);
/* sync_report_parse: read a report back from JSON. 0, or -1 with err. r must be init'ed. */
int sync_report_parse(struct sync_report *r, const char *json, struct buf *err);
/* sync_report_save: store as settings SYNC_REPORT_KEY. 0 or -1 with err. */
int sync_report_save(const char *home, const struct sync_report *r,
		     struct buf *err);
/* sync_report_load: the last saved report: 1 loaded, 0 none yet, -1 error. */
int sync_report_load(const char *home, struct sync_report *r, struct buf *err);
/* sync_report_summary: "sync: N items accepted, M rejected, W warnings (X MB in Y s)". */
void sync_report_summary(const struct sync_report *r, struct buf *out);
/* sync_report_text: the summary line, then one line per kept rejection and warning. */
void sync_report_text(const struct sync_report *r, struct buf *out);

#endif
