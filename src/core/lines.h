/* lines: walk the lines of a multi-line setting (feed sources, mapping, allowed hosts, origins). */
#ifndef RESTOCK_LINES_H
#define RESTOCK_LINES_H

#include <stddef.h>

/*
 * line_next: the next line of *p with surrounding whitespace trimmed, as
 * (line, len); advances *p. Returns 1, or 0 at the end of the text. Empty
 * lines are returned too (len 0): callers skip them, and "#" comments, as
 * they need.
 */
int line_next(const char **p, const char **line, size_t *len);

#endif
