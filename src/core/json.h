/* json: the one JSON writer for responses (Python-style separators, as Klaviyo answers). */
#ifndef RESTOCK_CORE_JSON_H
#define RESTOCK_CORE_JSON_H

#include <stddef.h>

#include "core/buf.h"

#define JSON_MAX_DEPTH 32

/*
 * Writes {"a": 1, "b": [true, null]} exactly as Python's json.dumps does by
 * default (", " and ": " separators, non-ASCII as \uXXXX), so bodies match
 * Klaviyo's byte for byte. Keys and values are escaped here and only here.
 */
struct json {
	struct buf *out;
	int depth;
	unsigned char first[JSON_MAX_DEPTH];	/* no element written yet */
	unsigned char in_obj[JSON_MAX_DEPTH];
	int after_key;
};

void json_init(struct json *j, struct buf *out);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *k);
void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *s, size_t n);
void json_int(struct json *j, long long v);
void json_num(struct json *j, double v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* json_raw_trusted: write already-encoded JSON produced by our own code, unescaped. */
void json_raw_trusted(struct json *j, const char *encoded);
/* json_escape: append s as a quoted JSON string (the JSON escaper). */
void json_escape(struct buf *out, const char *s, size_t n);

#endif
