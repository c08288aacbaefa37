/* xml: stream an XML feed through xmlTextReader into the item builder; entities read as empty. */
#include "feed/xml.h"

#include <string.h>

#include <libxml/parserInternals.h>

#include "core/limits.h"

/* The parser options: never NOENT, DTDLOAD, DTDATTR or DTDVALID. */
#define FEED_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_COMPACT | \
			  XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static int io_read(void *ctx, char *p, int n)
{
	struct feed_xml *x = ctx;
	size_t want = (size_t)n;
	if (x->limit > 0) {
		if (x->in->pos >= x->limit)
			return 0;
		if ((long long)want > x->limit - x->in->pos)
			want = (size_t)(x->limit - x->in->pos);
	}
	long r = feed_input_read(x->in, p, want);
	return r < 0 ? -1 : (int)r;
}

static int io_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static void on_error(void *ctx, xmlErrorPtr e)
{
	struct feed_xml *x = ctx;
	if (!e || e->level < XML_ERR_ERROR)
		return;
	if (e->level == XML_ERR_FATAL && !x->fatal) {
		x->fatal = 1;
		buf_reset(&x->msg);
	} else if (x->msg.len) {
		return;
	}
	x->line = e->line;
	x->col = e->int2;
	buf_adds(&x->msg, e->message ? e->message : "parse error");
	{
		/* one line: libxml2 adds details after a newline */
		char *nl = strchr(x->msg.ptr, '\n');
		if (nl)
			buf_setlen(&x->msg, (size_t)(nl - x->msg.ptr));
	}
	buf_trim(&x->msg);
}

/* no_loader: the external entity loader: nothing is ever loaded. */
static xmlParserInputPtr no_loader(const char *url, const char *id,
				   xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* silent: libxml2's generic error output (encoding errors) goes nowhere; errors are reported via on_error. */
static void silent(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

int feed_xml_open(struct feed_xml *x, struct feed_input *in, long long limit)
{
	memset(x, 0, sizeof(*x));
	buf_init(&x->msg);
	x->in = in;
	x->limit = limit;
	feed_input_rewind(in);
	/* defence in depth: even a DTD or entity that slipped through loads nothing */
	xmlSetExternalEntityLoader(no_loader);
	xmlSetGenericErrorFunc(NULL, silent);
	x->reader = xmlReaderForIO(io_read, io_close, x, NULL, NULL,
				   FEED_XML_OPTIONS);
	if (!x->reader)
		return -1;
	xmlTextReaderSetStructuredErrorHandler(x->reader, on_error, x);
	return 0;
}

void feed_xml_close(struct feed_xml *x)
{
	if (x->reader)
		xmlFreeTextReader(x->reader);
	buf_release(&x->msg);
	memset(x, 0, sizeof(*x));
}

void feed_xml_error(const struct feed_xml *x, struct buf *err)
{
	if (x->in->over) {
		buf_addf(err, "larger than feed_max_bytes (%lld)", x->in->max_bytes);
		return;
	}
	if (x->in->io_errno) {
		buf_addf(err, "read error: %s", strerror(x->in->io_errno));
		return;
	}
	buf_adds(err, "malformed XML");
	if (x->line > 0)
		buf_addf(err, " at line %d, column %d", x->line, x->col);
	buf_addf(err, ": %s", x->msg.len ? x->msg.ptr : "parse error");
}

/* The state of the item being read. */
struct xstate {
	int item_depth;		/* -1 outside an item */
	struct buf field;	/* name of the open field element */
	struct buf text;	/* its direct text */
	struct buf child;	/* text of the open nested element */
	int nchild;
};

/* add_text: append, holding at most FEED_MAX_FIELD_BYTES + 1 bytes (enough to detect overflow). */
static void add_text(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len > FEED_MAX_FIELD_BYTES)
		return;
	if (n > FEED_MAX_FIELD_BYTES + 1 - b->len)
		n = FEED_MAX_FIELD_BYTES + 1 - b->len;
	buf_add(b, s, n);
}

static int on_element(struct xstate *s, xmlTextReaderPtr r, int depth,
		      const char *item_element, struct feed_builder *b)
{
	const char *name = (const char *)xmlTextReaderConstName(r);
	int empty = xmlTextReaderIsEmptyElement(r) == 1;

	if (!name)
		return 0;
	if (s->item_depth < 0) {
		if (strcmp(name, item_element))
			return 0;
		feed_builder_begin_item(b);
		s->item_depth = depth;
		if (empty) {
			s->item_depth = -1;
			return feed_builder_end_item(b);
		}
		return 0;
	}
	if (depth == s->item_depth + 1) {
		buf_reset(&s->field);
		buf_adds(&s->field, name);
		buf_reset(&s->text);
		s->nchild = 0;
		if (empty)
			feed_builder_field(b, s->field.ptr, s->field.len, "", 0, 0);
	} else if (depth == s->item_depth + 2) {
		s->nchild++;
		buf_reset(&s->child);
		if (empty)
			feed_builder_field(b, s->field.ptr, s->field.len, "", 0, 1);
	}
	return 0;
}

static int on_end(struct xstate *s, int depth, struct feed_builder *b)
{
	if (s->item_depth < 0)
		return 0;
	if (depth == s->item_depth) {
		s->item_depth = -1;
		return feed_builder_end_item(b);
	}
	if (depth == s->item_depth + 1 && s->nchild == 0)
		feed_builder_field(b, s->field.ptr, s->field.len, s->text.ptr,
				   s->text.len, 0);
	else if (depth == s->item_depth + 2)
		feed_builder_field(b, s->field.ptr, s->field.len, s->child.ptr,
				   s->child.len, 1);
	return 0;
}

static void on_text(struct xstate *s, xmlTextReaderPtr r, int depth)
{
	const char *v;
	if (s->item_depth < 0 || depth < s->item_depth + 2)
		return;
	v = (const char *)xmlTextReaderConstValue(r);
	if (!v)
		return;
	add_text(depth == s->item_depth + 2 ? &s->text : &s->child, v);
}

int feed_parse_xml(struct feed_input *in, const char *item_element,
		   struct feed_builder *b, struct buf *err)
{
	struct feed_xml x;
	struct xstate s;
	int r, rc = 0;

	if (feed_xml_open(&x, in, 0) < 0) {
		buf_adds(err, "cannot create the XML reader");
		return -1;
	}
	memset(&s, 0, sizeof(s));
	s.item_depth = -1;
	buf_init(&s.field);
	buf_init(&s.text);
	buf_init(&s.child);
	while (rc == 0 && (r = xmlTextReaderRead(x.reader)) == 1) {
		int depth = xmlTextReaderDepth(x.reader);
		switch (xmlTextReaderNodeType(x.reader)) {
		case XML_READER_TYPE_ELEMENT:
			rc = on_element(&s, x.reader, depth, item_element, b);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			rc = on_end(&s, depth, b);
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			on_text(&s, x.reader, depth);
			break;
		default:
			/* entity references read as empty; PIs, comments, DTD ignored */
			break;
		}
	}
	if (rc < 0) {
		rc = -2;
	} else if (r != 0 || x.fatal) {
		feed_xml_error(&x, err);
		rc = -1;
	}
	buf_release(&s.field);
	buf_release(&s.text);
	buf_release(&s.child);
	feed_xml_close(&x);
	return rc;
}
