/* detect: sniff XML vs JSON and find the item element with a bounded streaming pre-pass. */
#include "feed/detect.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "feed/xml.h"

#define DETECT_MAX_NAMES 64

int feed_detect_format(struct feed_input *in, const char *forced,
		       struct buf *err)
{
	unsigned char head[4096];
	long n;
	size_t i = 0;

	if (forced && !strcmp(forced, "xml"))
		return FEED_XML;
	if (forced && !strcmp(forced, "json"))
		return FEED_JSON;
	n = feed_input_peek(in, head, sizeof(head));
	if (n < 0) {
		buf_adds(err, "read error");
		return -1;
	}
	if (n >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf)
		i = 3;
	else if (n >= 2 && ((head[0] == 0xfe && head[1] == 0xff) ||
			    (head[0] == 0xff && head[1] == 0xfe)))
		return FEED_XML;	/* UTF-16: only XML can declare it */
	while (i < (size_t)n && (head[i] == ' ' || head[i] == '\t' ||
				 head[i] == '\r' || head[i] == '\n'))
		i++;
	if (i >= (size_t)n) {
		buf_adds(err, n == 0 ? "the feed is empty" :
			 "the feed is empty (only whitespace)");
		return -1;
	}
	if (head[i] == '<')
		return FEED_XML;
	if (head[i] == '[' || head[i] == '{')
		return FEED_JSON;
	buf_adds(err, "neither XML nor JSON (set feed_format to force one)");
	return -1;
}

struct cand {
	char *name;
	int depth;
	long count;		/* occurrences with child elements */
	long with_id;		/* occurrences with an id field */
};

struct open_el {
	struct cand *c;
	int complex, has_id;
};

struct detect {
	struct cand c[DETECT_MAX_NAMES];
	size_t n;
	struct open_el open[3];	/* elements open at depth 1 and 2 */
};

static struct cand *cand_get(struct detect *d, int depth, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->c[i].depth == depth && !strcmp(d->c[i].name, name))
			return &d->c[i];
	if (d->n == DETECT_MAX_NAMES)
		return NULL;
	d->c[d->n].name = xstrdup(name);
	d->c[d->n].depth = depth;
	return &d->c[d->n++];
}

static void on_child(struct detect *d, const struct feed_mapping *m,
		     int depth, const char *name)
{
	struct open_el *p = &d->open[depth - 1];
	if (!p->c)
		return;
	if (!p->complex) {
		p->complex = 1;
		p->c->count++;
	}
	if (!p->has_id && feed_map_is_id(m, m->preset, name)) {
		p->has_id = 1;
		p->c->with_id++;
	}
}

/* better: is a a better item element than b (by key) */
static int better(const struct cand *a, const struct cand *b, int by_id)
{
	long ka = by_id ? a->with_id : a->count, kb;
	if (!b)
		return ka > 0;
	kb = by_id ? b->with_id : b->count;
	return ka > kb || (ka == kb && a->depth < b->depth);
}

static const struct cand *choose(const struct detect *d)
{
	const struct cand *best = NULL;
	const struct cand *wrapper = NULL;
	int ncomplex1 = 0;

	for (size_t i = 0; i < d->n; i++)
		if (better(&d->c[i], best, 1))
			best = &d->c[i];
	if (best)
		return best;
	for (size_t i = 0; i < d->n; i++)
		if (d->c[i].depth == 1 && d->c[i].count > 0) {
			ncomplex1++;
			wrapper = &d->c[i];
		}
	int depth = (ncomplex1 == 1 && wrapper->count == 1) ? 2 : 1;
	for (size_t i = 0; i < d->n; i++)
		if (d->c[i].depth == depth && better(&d->c[i], best, 0))
			best = &d->c[i];
	return best;
}

int feed_detect_item_element(struct feed_input *in,
			     const struct feed_mapping *m, struct buf *out,
			     struct buf *err)
{
	struct feed_xml x;
	struct detect d;
	long elements = 0;
	int r, rc = -1;

	feed_progress_fn progress = in->progress;

	memset(&d, 0, sizeof(d));
	in->progress = NULL;	/* the pre-pass is not progress */
	if (feed_xml_open(&x, in, FEED_DETECT_MAX_BYTES) < 0) {
		in->progress = progress;
		buf_adds(err, "cannot create the XML reader");
		return -1;
	}
	while (elements < FEED_DETECT_MAX_ELEMENTS &&
	       (r = xmlTextReaderRead(x.reader)) == 1) {
		int depth;
		const char *name;
		if (xmlTextReaderNodeType(x.reader) != XML_READER_TYPE_ELEMENT)
			continue;
		elements++;
		depth = xmlTextReaderDepth(x.reader);
		name = (const char *)xmlTextReaderConstName(x.reader);
		if (!name || depth < 1)
			continue;
		if (depth <= 3)
			on_child(&d, m, depth, name);
		if (depth <= 2) {
			d.open[depth].c = cand_get(&d, depth, name);
			d.open[depth].complex = d.open[depth].has_id = 0;
			if (depth == 1)
				d.open[2].c = NULL;
		}
	}
	/* an error within the pre-pass window fails the sync like the real parse would */
	if (x.fatal && !(x.limit && in->pos >= x.limit)) {
		feed_xml_error(&x, err);
	} else {
		const struct cand *c = choose(&d);
		if (c) {
			buf_reset(out);
			buf_adds(out, c->name);
			rc = 0;
		} else {
			buf_adds(err, "no repeated item element found (set feed_item_element)");
		}
	}
	for (size_t i = 0; i < d.n; i++)
		free(d.c[i].name);
	feed_xml_close(&x);
	feed_input_rewind(in);
	in->progress = progress;
	return rc;
}
