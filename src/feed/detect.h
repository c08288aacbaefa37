/* detect: feed format from content, and the repeated XML item element. */
#ifndef RESTOCK_FEED_DETECT_H
#define RESTOCK_FEED_DETECT_H

#include "core/buf.h"
#include "feed/input.h"
#include "feed/map.h"

enum feed_format {
	FEED_XML = 1,
	FEED_JSON = 2,
};

/*
 * feed_detect_format: forced ("xml"/"json") or from the first byte after a
 * BOM and whitespace ('<' XML, '[' or '{' JSON). Returns the format, or -1
 * with err set (empty or unrecognised content).
 */
int feed_detect_format(struct feed_input *in, const char *forced,
		       struct buf *err);

/*
 * feed_detect_item_element: a bounded pre-pass (FEED_DETECT_MAX_ELEMENTS
 * elements / FEED_DETECT_MAX_BYTES) over the XML. Among the elements at
 * depth 1 and 2 that have child elements it picks the most repeated one
 * that holds an id field (under the mapping), else the most repeated child
 * of the root, or of a single wrapper. The name goes into out. 0, or -1
 * with err set.
 */
int feed_detect_item_element(struct feed_input *in,
			     const struct feed_mapping *m, struct buf *out,
			     struct buf *err);

#endif
