/* utf8: UTF-8 validation shared by every parser. */
#ifndef RESTOCK_UTF8_H
#define RESTOCK_UTF8_H

#include <stddef.h>

/*
 * utf8_valid: 1 if s[0..n) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0. NUL bytes are well-formed;
 * callers that forbid them check separately.
 */
int utf8_valid(const char *s, size_t n);

#endif
