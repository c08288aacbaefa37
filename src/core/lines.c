/* lines: trimmed line iteration over NUL-terminated text. */
#include "core/lines.h"

#include <ctype.h>
#include <string.h>

int line_next(const char **p, const char **line, size_t *len)
{
	const char *s = *p, *nl;
	size_t n;

	if (!*s)
		return 0;
	nl = strchr(s, '\n');
	n = nl ? (size_t)(nl - s) : strlen(s);
	*p = nl ? nl + 1 : s + n;
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	*line = s;
	*len = n;
	return 1;
}
