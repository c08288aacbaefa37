/* validate: required fields, numbers, policy, URLs, id shape and UTF-8 of a mapped item. */
#include "feed/validate.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/utf8.h"


int feed_http_url(const char *s)
{
	const char *h;
	if (!strncasecmp(s, "http://", 7))
		h = s + 7;
	else if (!strncasecmp(s, "https://", 8))
		h = s + 8;
	else
		return 0;
	if (!*h || *h == '/' || *h == '?' || *h == '#')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static int has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

static int utf8_str(const char *s)
{
	return !s || utf8_valid(s, strlen(s));
}

int feed_validate_item(const struct item *it, struct feed_problem *p)
{
	const struct { const char *name; const char *v; } req[] = {
		{ "$id", it->id }, { "$title", it->title }, { "$link", it->link },
		{ "$description", it->description },
		{ "$image_link", it->image_link },
	};
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		if (blank(req[i].v))
			return feed_problem_set(p, req[i].name, "%s",
				req[i].v ? "blank" : "missing");
		if (!utf8_str(req[i].v))
			return feed_problem_set(p, req[i].name, "not valid UTF-8");
	}
	if (!it->has_price)
		return feed_problem_set(p, "$price", "missing");
	if (!(it->price >= 0) || !isfinite(it->price))
		return feed_problem_set(p, "$price", "must not be negative");
	if (strlen(it->id) > MAX_VARIANT_BYTES)
		return feed_problem_set(p, "$id", "longer than %d bytes",
					MAX_VARIANT_BYTES);
	if (has_control(it->id))
		return feed_problem_set(p, "$id", "contains control characters");
	if (!feed_http_url(it->link))
		return feed_problem_set(p, "$link", "not an http(s) URL");
	if (!feed_http_url(it->image_link))
		return feed_problem_set(p, "$image_link", "not an http(s) URL");
	if (it->policy < 0 || it->policy > 2)
		return feed_problem_set(p, "$inventory_policy", "must be 0, 1 or 2");
	for (size_t i = 0; i < it->ncategories; i++)
		if (!utf8_str(it->categories[i]) || has_control(it->categories[i]))
			return feed_problem_set(p, "$categories",
				"a category is not valid text");
	for (size_t i = 0; i < it->nmeta; i++)
		if (!utf8_str(it->meta[i].name) || !utf8_str(it->meta[i].value))
			return feed_problem_set(p, it->meta[i].name,
				"not valid UTF-8");
	return 0;
}
