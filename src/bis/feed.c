/* feed: one catalog sync over all sources, building the new catalog beside the live one. */
#include "bis/feed.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/lines.h"
#include "feed/builder.h"
#include "feed/detect.h"
#include "feed/fetch.h"
#include "feed/json.h"
#include "feed/map.h"
#include "feed/xml.h"
#include "store/catalog.h"
#include "store/settings.h"

struct sync {
	const char *home;
	struct settings settings;
	struct feed_mapping map;
	struct catalog_writer w;
	int writing;
	struct feed_builder b;
	struct sync_report *rep;
	const struct sync_progress *progress;
	const char *source;		/* the source being read */
	long long base_bytes;		/* bytes of the sources before it */
	struct buf sink_err;		/* why the sink aborted */
	char **sources;			/* owned copies */
	size_t nsources;
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int sink_item(void *ctx, struct item *it, long long itemno)
{
	struct sync *s = ctx;
	int r = catalog_put(&s->w, it);
	if (r < 0) {
		buf_addf(&s->sink_err, "writing the catalog: %s", db_error(&s->w.out));
		return -1;
	}
	s->rep->accepted++;
	if (r == 1) {
		s->rep->duplicates++;
		sync_report_warn(s->rep, "duplicate id %s (%s item %lld): the last one wins",
				 it->id, s->source, itemno);
	}
	return 0;
}

static void sink_reject(void *ctx, long long itemno, const char *id,
			const char *field, const char *reason)
{
	struct sync *s = ctx;
	sync_report_reject(s->rep, s->source, itemno, id, field, reason);
}

static void sink_field(void *ctx, const char *name)
{
	struct sync *s = ctx;
	catalog_note_field(&s->w, name);
}

static void on_progress(void *ctx, long long bytes, long long total)
{
	struct sync *s = ctx;
	if (!s->progress || !s->progress->fn)
		return;
	s->progress->fn(s->progress->ctx, s->base_bytes + bytes,
			total >= 0 ? s->base_bytes + total : -1,
			s->b.accepted + s->b.rejected);
}

/* add_source: keep a copy; relative paths from settings are taken relative to the home. */
static void add_source(struct sync *s, const char *src, size_t n, int from_settings)
{
	struct buf b = BUF_INIT;
	if (from_settings && strcmp(src, "-") && !feed_is_url(src) && src[0] != '/')
		buf_addf(&b, "%s/", s->home);
	buf_add(&b, src, n);
	s->sources = xrealloc(s->sources, (s->nsources + 1) * sizeof(char *));
	s->sources[s->nsources++] = buf_detach(&b, NULL);
}

static int collect_sources(struct sync *s, const char *const *sources,
			   size_t n, struct buf *err)
{
	for (size_t i = 0; i < n; i++)
		add_source(s, sources[i], strlen(sources[i]), 0);
	if (!n) {
		const char *p = settings_get(&s->settings, "feed_sources"), *q;
		size_t ql;
		while (line_next(&p, &q, &ql))
			if (ql && *q != '#')
				add_source(s, q, ql, 1);
	}
	if (!s->nsources) {
		buf_adds(err, "no feed sources (give one, or set feed_sources)");
		return -1;
	}
	if (s->nsources > FEED_MAX_SOURCES) {
		buf_addf(err, "more than %d feed sources", FEED_MAX_SOURCES);
		return -1;
	}
	for (size_t i = 0; i < s->nsources; i++)
		sync_report_add_source(s->rep, s->sources[i]);
	return 0;
}

/* parse_source: detect and parse one opened source. 0 or -1 with err (without the source name). */
static int parse_source(struct sync *s, struct feed_input *in, struct buf *err)
{
	const char *forced = settings_get(&s->settings, "feed_format");
	const char *element = settings_get(&s->settings, "feed_item_element");
	struct buf el = BUF_INIT;
	int fmt, rc;

	fmt = feed_detect_format(in, strcmp(forced, "auto") ? forced : NULL, err);
	if (fmt < 0)
		return -1;
	if (fmt == FEED_JSON) {
		rc = feed_parse_json(in, &s->b, err);
	} else {
		if (*element)
			buf_adds(&el, element);
		else if (feed_detect_item_element(in, &s->map, &el, err) < 0)
			return -1;
		rc = feed_parse_xml(in, el.ptr, &s->b, err);
	}
	buf_release(&el);
	if (rc == -2) {
		buf_reset(err);
		buf_add(err, s->sink_err.ptr, s->sink_err.len);
	}
	return rc < 0 ? -1 : 0;
}

static int sync_source(struct sync *s, const char *src, struct buf *err)
{
	struct feed_fetch_opts o;
	struct feed_input in;
	struct buf e = BUF_INIT;
	long long size = 0, before = s->b.accepted;
	size_t first_row = s->rep->nrows;
	int fd, rc = -1;

	memset(&o, 0, sizeof(o));
	o.max_bytes = settings_get_ll(&s->settings, "feed_max_bytes");
	o.allowed_hosts = settings_get(&s->settings, "feed_allowed_hosts");
	o.spool_dir = s->home;
	o.progress = on_progress;
	o.progress_ctx = s;
	s->source = src;
	fd = feed_fetch_open(src, &o, &size, &e);
	if (fd >= 0) {
		feed_input_fd(&in, fd, size, o.max_bytes);
		in.progress = on_progress;
		in.progress_ctx = s;
		feed_builder_source(&s->b);
		rc = parse_source(s, &in, &e);
		s->rep->bytes += in.pos > size ? in.pos : size;
		s->base_bytes += size;
		close(fd);
	}
	if (rc == 0 && s->b.accepted == before) {
		buf_addf(&e, "no valid items (%lld rejected", s->b.itemno);
		if (s->rep->nrows > first_row) {
			const struct sync_reject *r = &s->rep->rows[first_row];
			buf_addf(&e, "; item %lld: %s%s%s", r->item, r->field,
				 *r->field ? ": " : "", r->reason);
		}
		buf_addch(&e, ')');
		rc = -1;
	}
	if (rc < 0)
		buf_addf(err, "feed %s: %s", src, e.ptr);
	buf_release(&e);
	return rc;
}

static int run(struct sync *s, const char *const *sources, size_t n,
	       struct buf *err)
{
	struct feed_sink sink = { sink_item, sink_reject, sink_field, s };

	if (settings_load(&s->settings, s->home, err) < 0)
		return -1;
	if (collect_sources(s, sources, n, err) < 0)
		return -1;
	if (feed_mapping_init(&s->map, settings_get(&s->settings, "feed_preset"),
			      settings_get(&s->settings, "feed_mapping"), err) < 0)
		return -1;
	feed_builder_init(&s->b, &s->map, &sink);
	if (catalog_begin(&s->w, s->home,
			  settings_get_ll(&s->settings, "min_inventory"), err) < 0)
		return -1;
	s->writing = 1;
	for (size_t i = 0; i < s->nsources; i++)
		if (sync_source(s, s->sources[i], err) < 0)
			return -1;
	s->rep->items = s->w.nitems;
	s->writing = 0;
	if (catalog_commit(&s->w, err) < 0)
		return -1;
	return 0;
}

int bis_sync(const char *home, const char *const *sources, size_t nsources,
	     struct sync_report *rep, const struct sync_progress *progress,
	     struct buf *err)
{
	struct sync s;
	struct stat st;
	double t0 = now_seconds();
	int rc;

	if (stat(home, &st) < 0 || !S_ISDIR(st.st_mode)) {
		buf_addf(err, "%s is not a restock home (run restockctl init)", home);
		return -1;
	}
	memset(&s, 0, sizeof(s));
	s.home = home;
	s.rep = rep;
	s.progress = progress;
	buf_init(&s.sink_err);
	rep->started = (long long)time(NULL);

	rc = run(&s, sources, nsources, err);
	if (s.writing)
		catalog_abort(&s.w);

	rep->finished = (long long)time(NULL);
	rep->seconds = now_seconds() - t0;
	rep->ok = rc == 0;
	if (rc < 0)
		sync_report_fail(rep, err->ptr);
	{
		struct buf e2 = BUF_INIT;
		sync_report_save(home, rep, &e2);
		buf_release(&e2);
	}
	feed_builder_release(&s.b);
	feed_mapping_release(&s.map);
	settings_release(&s.settings);
	for (size_t i = 0; i < s.nsources; i++)
		free(s.sources[i]);
	free(s.sources);
	buf_release(&s.sink_err);
	return rc;
}
