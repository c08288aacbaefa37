/* multipart: RFC 7578 multipart/form-data bodies, and body dispatch on Content-Type. */
#ifndef RESTOCK_MULTIPART_H
#define RESTOCK_MULTIPART_H

#include <stddef.h>

#include "http/form.h"

/*
 * form_parse_multipart: decode a multipart/form-data body (as sent by
 * curl -F and browsers' FormData) and append its fields to f.
 *
 * content_type is the request's Content-Type: media type multipart/form-data
 * (any case) with a boundary parameter, quoted or not, of 1..70 RFC 2046
 * characters. A preamble before the first delimiter and an epilogue after
 * the closing one are ignored. Delimiter lines end in CRLF (transport
 * padding allowed). Each part's header block (at most
 * MAX_MULTIPART_HEADER_BYTES, no folded lines, no control characters) needs
 * exactly one "Content-Disposition: form-data; name=..." header; a
 * Content-Type header is ignored; a Content-Transfer-Encoding other than
 * 7bit/8bit/binary is refused. Parts with a filename parameter are kept as
 * ordinary fields (their content must then be valid UTF-8 without NUL like
 * any value). The value is the raw bytes between the blank line and the
 * CRLF before the next delimiter.
 *
 * Returns 0; 415 if the media type is not multipart/form-data (or
 * content_type is NULL); 413 if len > MAX_BODY_BYTES; 400 on a missing or
 * invalid boundary, no closing delimiter, a malformed part, a missing name,
 * more than MAX_MULTIPART_PARTS parts, or whatever form_add refuses
 * (duplicate names, NUL, invalid UTF-8, oversize names or values). On error
 * f is left as it was. f owns what was added.
 */
int form_parse_multipart(struct form *f, const char *content_type,
			 const char *body, size_t len);

/*
 * form_parse_body: dispatch on the media type of content_type (case
 * insensitive, parameters ignored for urlencoded):
 * application/x-www-form-urlencoded to form_parse_urlencoded,
 * multipart/form-data to form_parse_multipart. Returns what they return,
 * or 415 for any other or a missing Content-Type.
 */
int form_parse_body(struct form *f, const char *content_type,
		    const char *body, size_t len);

#endif
