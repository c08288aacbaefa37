/* validate: byte-level validators shared by the request parsers and endpoints. */
#ifndef RESTOCK_VALIDATE_H
#define RESTOCK_VALIDATE_H

#include <stddef.h>

/* utf8_valid: core/utf8.h (one validator for the project). */
#include "core/utf8.h"

/*
 * has_control: 1 if s[0..len) holds a control character: C0 (0x00-0x1f),
 * DEL, or a C1 control encoded as UTF-8 (U+0080-U+009F); else 0.
 */
int has_control(const char *s, size_t len);

/* span_trim: narrow the span (*s, *len) to exclude ASCII whitespace at both ends. */
void span_trim(const char **s, size_t *len);

/*
 * email_valid: 1 if s[0..len) is a syntactically valid address, else 0.
 * The bytes are checked as given (trim first): 1..MAX_EMAIL_BYTES octets of
 * valid UTF-8, exactly one '@', a non-empty dot-atom local part (RFC 5322
 * atext or UTF-8, no leading, trailing or doubled dot, as the mailer needs), a domain of at least
 * two dot-separated labels of letters, digits, hyphens or non-ASCII UTF-8
 * (no empty labels, no label over 63 octets or starting/ending with '-'),
 * and no control characters or spaces anywhere.
 */
int email_valid(const char *s, size_t len);

/*
 * phone_e164_valid: 1 if the NUL-terminated s is E.164: '+' then 8 to 15
 * ASCII digits, the first not '0'. Else 0 (also for NULL).
 */
int phone_e164_valid(const char *s);

#endif
