/* json: the streaming JSON feed parser (yajl callbacks, bounded depth, raw numbers). */
#ifndef RESTOCK_FEED_JSON_H
#define RESTOCK_FEED_JSON_H

#include "core/buf.h"
#include "feed/builder.h"
#include "feed/input.h"

/*
 * feed_parse_json: stream items from in into the builder. The feed is a
 * top-level array of flat objects, or an object whose first array value
 * holding objects (at depth 1) is the item list. Item values: strings,
 * numbers (raw text), booleans, null (field absent) and arrays of scalars
 * (lists). An item holding a nested object or array of arrays, or a
 * string with a NUL, is rejected (skipped and reported). Invalid UTF-8,
 * nesting deeper than FEED_MAX_JSON_DEPTH and syntax errors are a
 * malformed feed. Returns 0; -1 with err set; -2 when the sink aborted.
 */
int feed_parse_json(struct feed_input *in, struct feed_builder *b,
		    struct buf *err);

#endif
