/* validate: UTF-8, control character, email and E.164 phone checks. */
#include "http/validate.h"

#include <string.h>

#include "core/limits.h"

int has_control(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 1;
		/* U+0080..U+009F encode as C2 80..C2 9F */
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f)
			return 1;
	}
	return 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}

void span_trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;

	while (n && is_space((unsigned char)p[0])) {
		p++;
		n--;
	}
	while (n && is_space((unsigned char)p[n - 1]))
		n--;
	*s = p;
	*len = n;
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* is_atext: RFC 5322 atext (letters, digits and !#$%&'*+-/=?^_`{|}~). */
static int is_atext(unsigned char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

int email_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *at;
	size_t i, local, labels = 0, lstart;

	if (!s || !len || len > MAX_EMAIL_BYTES)
		return 0;
	if (!utf8_valid(s, len) || has_control(s, len))
		return 0;
	at = memchr(s, '@', len);
	if (!at || memchr(at + 1, '@', len - (size_t)(at - s) - 1))
		return 0;
	local = (size_t)(at - s);
	if (!local)
		return 0;
	/* local part: a dot-atom (RFC 5322 atext, or UTF-8), as the mailer accepts */
	if (p[0] == '.' || p[local - 1] == '.')
		return 0;
	for (i = 0; i < local; i++) {
		if (p[i] >= 0x80)
			continue;
		if (p[i] == '.' ? p[i + 1] == '.' : !is_atext(p[i]))
			return 0;
	}
	/* domain: labels separated by '.', each 1..63 octets */
	lstart = local + 1;
	for (i = local + 1; i <= len; i++) {
		if (i == len || p[i] == '.') {
			size_t l = i - lstart;
			if (!l || l > 63)
				return 0;
			if (p[lstart] == '-' || p[i - 1] == '-')
				return 0;
			labels++;
			lstart = i + 1;
			continue;
		}
		if (!is_alnum(p[i]) && p[i] != '-' && p[i] < 0x80)
			return 0;
	}
	return labels >= 2;
}

int phone_e164_valid(const char *s)
{
	size_t i, n;

	if (!s || s[0] != '+')
		return 0;
	if (s[1] < '1' || s[1] > '9')
		return 0;
	for (i = 1; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	n = i - 1;
	return n >= 8 && n <= 15;
}
