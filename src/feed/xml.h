/* xml: the streaming XML feed parser (libxml2 xmlTextReader, no network, no entities, no DTD). */
#ifndef RESTOCK_FEED_XML_H
#define RESTOCK_FEED_XML_H

#include <libxml/xmlreader.h>

#include "core/buf.h"
#include "feed/builder.h"
#include "feed/input.h"

/* The reader and what it saw; shared by the parser and the item-element detector. */
struct feed_xml {
	xmlTextReaderPtr reader;
	struct feed_input *in;
	long long limit;	/* stop reading after this many bytes (0: none) */
	int fatal;		/* a fatal error was reported */
	int line, col;
	struct buf msg;		/* the first error message */
};

/* feed_xml_open: a safe reader over in (options: NONET, no NOENT/DTDLOAD/DTDATTR). 0 or -1. */
int feed_xml_open(struct feed_xml *x, struct feed_input *in, long long limit);
void feed_xml_close(struct feed_xml *x);
/* feed_xml_error: a one-line description of why reading failed, into err. */
void feed_xml_error(const struct feed_xml *x, struct buf *err);

/*
 * feed_parse_xml: stream items (elements named item_element) from in into
 * the builder. Returns 0; -1 on a malformed or oversized document (err
 * set); -2 when the builder's sink aborted.
 */
int feed_parse_xml(struct feed_input *in, const char *item_element,
		   struct feed_builder *b, struct buf *err);

#endif
