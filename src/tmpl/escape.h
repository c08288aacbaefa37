/* escape: one escaper per output context (HTML, URL, JSON, CSV, header). */
#ifndef RESTOCK_ESCAPE_H
#define RESTOCK_ESCAPE_H

#include <stddef.h>

#include "core/buf.h"

/*
 * All escapers append to b (never reset it) and never fail; s need not be
 * NUL-terminated and may contain NUL bytes.
 */

/* esc_html: HTML text and quoted attribute values: & < > " ' become entities. */
void esc_html(struct buf *b, const char *s, size_t len);

/* esc_url_component: percent-encode every byte except RFC 3986 unreserved
 * characters (A-Z a-z 0-9 - . _ ~), for one query value or path segment. */
void esc_url_component(struct buf *b, const char *s, size_t len);

/*
 * esc_json_string: append a complete quoted JSON string. Controls use \n-style
 * or \u00XX escapes; < > & ' become \u003C \u003E \u0026 \u0027 and U+2028/9
 * are escaped, so the result is also safe inside an HTML <script> or
 * attribute. Invalid UTF-8 bytes are replaced by \ufffd.
 */
void esc_json_string(struct buf *b, const char *s, size_t len);

/*
 * esc_csv_field: append one RFC 4180 field. A value starting with = + - @
 * TAB or CR gets a leading single quote (defeats spreadsheet formula
 * injection); the field is double-quoted (inner quotes doubled) when it
 * contains , " CR or LF.
 */
void esc_csv_field(struct buf *b, const char *s, size_t len);

/* esc_header_value: for email/HTTP header values: drops CR, LF, NUL and every
 * other control character (TAB becomes a space). */
void esc_header_value(struct buf *b, const char *s, size_t len);

/* utf8_valid: see http/validate.h (one implementation for the project). */
#include "http/validate.h"

#endif
