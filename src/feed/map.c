/* map: resolve feed field names to Klaviyo fields and parse typed values into a struct item. */
#include "feed/map.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/lines.h"

enum kfield {
	K_NONE, K_ID, K_TITLE, K_LINK, K_DESC, K_PRICE, K_IMAGE, K_CATEGORIES,
	K_QTY, K_POLICY, K_AVAIL, K_DROP,
};

static const struct {
	const char *name;	/* Klaviyo name without the '$' */
	enum kfield k;
} kfields[] = {
	{ "id", K_ID }, { "title", K_TITLE }, { "link", K_LINK },
	{ "description", K_DESC }, { "price", K_PRICE },
	{ "image_link", K_IMAGE }, { "categories", K_CATEGORIES },
	{ "inventory_quantity", K_QTY }, { "inventory_policy", K_POLICY },
	{ NULL, K_NONE },
};

static const struct {
	const char *name;
	enum kfield k;
} google[] = {
	{ "g:id", K_ID }, { "g:title", K_TITLE }, { "g:link", K_LINK },
	{ "g:description", K_DESC }, { "g:price", K_PRICE },
	{ "g:image_link", K_IMAGE }, { "g:product_type", K_CATEGORIES },
	{ "g:availability", K_AVAIL },
	{ NULL, K_NONE },
};

void feed_problem_init(struct feed_problem *p)
{
	buf_init(&p->field);
	buf_init(&p->reason);
}

void feed_problem_release(struct feed_problem *p)
{
	buf_release(&p->field);
	buf_release(&p->reason);
}

int feed_problem_set(struct feed_problem *p, const char *field,
		     const char *fmt, ...)
{
	va_list ap;
	buf_reset(&p->field);
	buf_reset(&p->reason);
	if (field)
		buf_adds(&p->field, field);
	va_start(ap, fmt);
	buf_vaddf(&p->reason, fmt, ap);
	va_end(ap);
	return -1;
}

static enum kfield kfield_named(const char *klaviyo_name)
{
	if (klaviyo_name[0] != '$')
		return K_NONE;
	for (size_t i = 0; kfields[i].name; i++)
		if (!strcmp(kfields[i].name, klaviyo_name + 1))
			return kfields[i].k;
	return K_NONE;
}

static char type_named(const char *s)
{
	static const struct { const char *n; char t; } types[] = {
		{ "String", FT_STRING }, { "Number", FT_NUMBER },
		{ "Boolean", FT_BOOLEAN }, { "Date", FT_DATE }, { "List", FT_LIST },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(types[i].n, s))
			return types[i].t;
	return 0;
}

static char *trimmed_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* parse_rule: one "from=to[:Type]" line into r. 0 or -1 with err. */
static int parse_rule(const char *line, size_t len, struct feed_map_rule *r,
		      struct buf *err)
{
	const char *eq = memchr(line, '=', len);
	char *rhs, *colon;

	memset(r, 0, sizeof(*r));
	if (!eq) {
		buf_addf(err, "feed_mapping: \"%.*s\" is not feed_field=target:Type",
			 (int)len, line);
		return -1;
	}
	r->from = trimmed_dup(line, (size_t)(eq - line));
	rhs = trimmed_dup(eq + 1, len - (size_t)(eq + 1 - line));
	colon = strrchr(rhs, ':');
	if (colon && type_named(colon + 1)) {
		r->type = type_named(colon + 1);
		*colon = '\0';
	}
	r->to = trimmed_dup(rhs, strlen(rhs));
	free(rhs);
	if (!*r->from || strlen(r->from) > FEED_MAX_FIELD_NAME_BYTES ||
	    strlen(r->to) > FEED_MAX_FIELD_NAME_BYTES) {
		buf_addf(err, "feed_mapping: bad line \"%.*s\"", (int)len, line);
		return -1;
	}
	if (r->to[0] == '$' && kfield_named(r->to) == K_NONE) {
		buf_addf(err, "feed_mapping: unknown Klaviyo field \"%s\"", r->to);
		return -1;
	}
	return 0;
}

int feed_mapping_init(struct feed_mapping *m, const char *preset,
		      const char *text, struct buf *err)
{
	const char *p = text ? text : "";

	memset(m, 0, sizeof(*m));
	if (!preset || !*preset || !strcmp(preset, "auto"))
		m->preset = FEED_PRESET_AUTO;
	else if (!strcmp(preset, "default"))
		m->preset = FEED_PRESET_DEFAULT;
	else if (!strcmp(preset, "google"))
		m->preset = FEED_PRESET_GOOGLE;
	else {
		buf_addf(err, "feed_preset: unknown preset \"%s\"", preset);
		return -1;
	}
	const char *q;
	size_t ql;
	while (line_next(&p, &q, &ql)) {
		if (ql && *q != '#') {
			if (m->nrules >= FEED_MAX_FIELDS) {
				buf_addf(err, "feed_mapping: more than %d rules",
					 FEED_MAX_FIELDS);
				feed_mapping_release(m);
				return -1;
			}
			m->rules = xrealloc(m->rules,
					    (m->nrules + 1) * sizeof(*m->rules));
			if (parse_rule(q, ql, &m->rules[m->nrules], err) < 0) {
				m->nrules++;
				feed_mapping_release(m);
				return -1;
			}
			m->nrules++;
		}
	}
	return 0;
}

void feed_mapping_release(struct feed_mapping *m)
{
	for (size_t i = 0; i < m->nrules; i++) {
		free(m->rules[i].from);
		free(m->rules[i].to);
	}
	free(m->rules);
	memset(m, 0, sizeof(*m));
}

enum feed_preset feed_map_preset(const struct feed_mapping *m,
				 const struct feed_field *f, size_t n)
{
	if (m->preset != FEED_PRESET_AUTO)
		return m->preset;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(f[i].name.ptr, "g:", 2))
			return FEED_PRESET_GOOGLE;
	return FEED_PRESET_DEFAULT;
}

/* resolve: the Klaviyo field of a feed name, or K_NONE with *rule set for a custom override. */
static enum kfield resolve(const struct feed_mapping *m, enum feed_preset preset,
			   const char *name, const struct feed_map_rule **rule)
{
	*rule = NULL;
	for (size_t i = 0; i < m->nrules; i++) {
		if (strcmp(m->rules[i].from, name))
			continue;
		*rule = &m->rules[i];
		if (!m->rules[i].to[0])
			return K_DROP;
		return kfield_named(m->rules[i].to);
	}
	if (name[0] == '$')
		return kfield_named(name);
	if (preset == FEED_PRESET_GOOGLE && !strncmp(name, "g:", 2)) {
		for (size_t i = 0; google[i].name; i++)
			if (!strcmp(google[i].name, name))
				return google[i].k;
		return K_NONE;
	}
	for (size_t i = 0; kfields[i].name; i++)
		if (!strcmp(kfields[i].name, name))
			return kfields[i].k;
	return K_NONE;
}

int feed_map_is_id(const struct feed_mapping *m, enum feed_preset preset,
		   const char *name)
{
	const struct feed_map_rule *r;
	if (resolve(m, preset, name, &r) == K_ID)
		return 1;
	return preset == FEED_PRESET_AUTO &&
	       resolve(m, FEED_PRESET_GOOGLE, name, &r) == K_ID;
}

/* ---- value parsers ---- */

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* number_syntax: digits with optional sign, fraction and exponent; returns the length matched. */
static size_t number_syntax(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < n && isdigit((unsigned char)s[i]))
		i++, digits++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && isdigit((unsigned char)s[i]))
			i++, digits++;
	}
	if (!digits)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1, ed = 0;
		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		while (j < n && isdigit((unsigned char)s[j]))
			j++, ed++;
		if (ed)
			i = j;
	}
	return i;
}

static int to_double(const char *s, size_t n, double *out)
{
	char tmp[512];
	char *end;
	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	double v = strtod(tmp, &end);
	if (end != tmp + n || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int feed_parse_number(const char *s, size_t n, double *out)
{
	trim(&s, &n);
	if (!n || number_syntax(s, n) != n)
		return -1;
	return to_double(s, n, out);
}

int feed_parse_price(const char *s, size_t n, double *out)
{
	size_t k;
	trim(&s, &n);
	k = number_syntax(s, n);
	if (!k)
		return -1;
	if (k < n) {
		/* a currency code after the amount: "12.99 USD" */
		const char *c = s + k;
		size_t cn = n - k;
		while (cn && *c == ' ')
			c++, cn--;
		if (cn != 3 || !isupper((unsigned char)c[0]) ||
		    !isupper((unsigned char)c[1]) || !isupper((unsigned char)c[2]))
			return -1;
	}
	return to_double(s, k, out);
}

int feed_parse_quantity(const char *s, size_t n, long long *out)
{
	double v;
	if (feed_parse_number(s, n, &v) < 0)
		return -1;
	if (v != floor(v))
		return -1;
	if (fabs(v) > (double)FEED_MAX_QUANTITY)
		return -2;
	*out = (long long)v;
	return 0;
}

int feed_parse_bool(const char *s, size_t n, int *out)
{
	static const struct { const char *w; int v; } words[] = {
		{ "true", 1 }, { "false", 0 }, { "1", 1 }, { "0", 0 },
		{ "yes", 1 }, { "no", 0 }, { "on", 1 }, { "off", 0 },
	};
	trim(&s, &n);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].w) == n && !strncasecmp(words[i].w, s, n)) {
			*out = words[i].v;
			return 0;
		}
	return -1;
}

/* digits: n decimal digits at s[*i] into *v. 0 or -1. */
static int digits(const char *s, size_t len, size_t *i, int n, int *v)
{
	*v = 0;
	for (int k = 0; k < n; k++, (*i)++) {
		if (*i >= len || !isdigit((unsigned char)s[*i]))
			return -1;
		*v = *v * 10 + (s[*i] - '0');
	}
	return 0;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* days_from_civil: days since 1970-01-01 (Howard Hinnant's algorithm). */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int feed_parse_date(const char *s, size_t n, struct buf *out)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	size_t i = 0;

	trim(&s, &n);
	if (digits(s, n, &i, 4, &y) < 0 || i >= n || s[i++] != '-' ||
	    digits(s, n, &i, 2, &mo) < 0 || i >= n || s[i++] != '-' ||
	    digits(s, n, &i, 2, &d) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)))
		return -1;
	if (i < n) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return -1;
		i++;
		if (digits(s, n, &i, 2, &h) < 0 || i >= n || s[i++] != ':' ||
		    digits(s, n, &i, 2, &mi) < 0)
			return -1;
		if (i < n && s[i] == ':') {
			i++;
			if (digits(s, n, &i, 2, &sec) < 0)
				return -1;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				i++;
				if (i >= n || !isdigit((unsigned char)s[i]))
					return -1;
				while (i < n && isdigit((unsigned char)s[i]))
					i++;	/* fractions are dropped */
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			sign = s[i++] == '-' ? -1 : 1;
			if (digits(s, n, &i, 2, &oh) < 0)
				return -1;
			if (i < n && s[i] == ':')
				i++;
			if (digits(s, n, &i, 2, &om) < 0 || oh > 23 || om > 59)
				return -1;
		}
		if (i != n)
			return -1;
	}
	if (sec == 60)
		sec = 59;	/* a leap second: clamp */
	long long t = days_from_civil(y, mo, d) * 86400LL + h * 3600 + mi * 60 + sec;
	t -= sign * (oh * 3600 + om * 60);
	long long days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	long long rem = t - days * 86400;
	civil_from_days(days, &y, &mo, &d);
	if (y < 0 || y > 9999)
		return -1;
	buf_reset(out);
	buf_addf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return 0;
}

size_t feed_split_list(const char *s, size_t n, struct buf *out)
{
	size_t count = 0;
	buf_reset(out);
	while (n) {
		const char *c = memchr(s, ',', n);
		size_t len = c ? (size_t)(c - s) : n;
		const char *e = s;
		size_t el = len;
		trim(&e, &el);
		if (el) {
			buf_add(out, e, el);
			buf_addch(out, '\0');
			count++;
		}
		if (!c)
			break;
		s = c + 1;
		n -= len + 1;
	}
	return count;
}

void feed_json_string(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	buf_addch(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_addch(out, '\\');
			buf_addch(out, c);
		} else if (c < 0x20) {
			buf_adds(out, "\\u00");
			buf_addch(out, hex[c >> 4]);
			buf_addch(out, hex[c & 15]);
		} else {
			buf_addch(out, c);
		}
	}
	buf_addch(out, '"');
}

/* ---- mapping one item ---- */

/* list_of: the field's elements as NUL-separated text (a scalar is split at commas). */
static size_t list_of(const struct feed_field *f, struct buf *tmp)
{
	if (f->is_list) {
		buf_reset(tmp);
		buf_add(tmp, f->val.ptr, f->val.len);
		return f->nelem;
	}
	return feed_split_list(f->val.ptr, strlen(f->val.ptr), tmp);
}

static void json_list(struct buf *out, const char *elems, size_t n)
{
	buf_reset(out);
	buf_addch(out, '[');
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(elems);
		if (i)
			buf_addch(out, ',');
		feed_json_string(out, elems, len);
		elems += len + 1;
	}
	buf_addch(out, ']');
}

static int map_categories(const struct feed_field *f, struct item *it,
			  struct buf *tmp, struct feed_problem *p)
{
	size_t n = list_of(f, tmp);
	const char *e = tmp->ptr;
	for (size_t i = 0; i < it->ncategories; i++)
		free(it->categories[i]);
	it->ncategories = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(e);
		const char *t = e;
		size_t tl = len;
		int dup = 0;
		trim(&t, &tl);
		for (size_t j = 0; j < it->ncategories && !dup; j++)
			dup = strlen(it->categories[j]) == tl &&
			      !memcmp(it->categories[j], t, tl);
		if (tl && !dup) {
			if (it->ncategories >= FEED_MAX_CATEGORIES)
				return feed_problem_set(p, f->name.ptr,
					"more than %d categories", FEED_MAX_CATEGORIES);
			item_add_category(it, t, tl);
		}
		e += len + 1;
	}
	return 0;
}

static void set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = trimmed_dup(v, strlen(v));
}

/* map_custom: keep a field as metadata, normalised to its type. */
static int map_custom(const struct feed_field *f, const struct feed_map_rule *r,
		      struct item *it, struct buf *tmp, struct buf *tmp2,
		      struct feed_problem *p)
{
	const char *name = r && r->to[0] ? r->to : f->name.ptr;
	char type = r && r->type ? r->type : (f->is_list ? FT_LIST : FT_STRING);
	const char *v = f->val.ptr;
	size_t vn = strlen(v);

	if (type == FT_STRING && f->is_list)
		type = FT_LIST;
	switch (type) {
	case FT_NUMBER: {
		double d;
		if (feed_parse_number(v, vn, &d) < 0)
			return feed_problem_set(p, f->name.ptr, "not a number");
		trim(&v, &vn);
		item_add_meta(it, name, v, vn, FT_NUMBER);
		return 0;
	}
	case FT_BOOLEAN: {
		int b;
		if (feed_parse_bool(v, vn, &b) < 0)
			return feed_problem_set(p, f->name.ptr, "not a boolean");
		item_add_meta(it, name, b ? "true" : "false", b ? 4 : 5, FT_BOOLEAN);
		return 0;
	}
	case FT_DATE:
		if (feed_parse_date(v, vn, tmp) < 0)
			return feed_problem_set(p, f->name.ptr,
				"not an ISO 8601 date");
		item_add_meta(it, name, tmp->ptr, tmp->len, FT_DATE);
		return 0;
	case FT_LIST: {
		size_t n = list_of(f, tmp);
		json_list(tmp2, tmp->ptr, n);
		item_add_meta(it, name, tmp2->ptr, tmp2->len, FT_LIST);
		return 0;
	}
	default:
		item_add_meta(it, name, v, vn, FT_STRING);
		return 0;
	}
}

static int map_field(const struct feed_field *f, enum kfield k,
		     const struct feed_map_rule *r, struct item *it,
		     const char **avail, struct buf *tmp, struct buf *tmp2,
		     struct feed_problem *p)
{
	const char *v = f->val.ptr;	/* the first element of a list */
	size_t vn = strlen(v);
	long long q;
	int rc;

	switch (k) {
	case K_ID: set_str(&it->id, v); return 0;
	case K_TITLE: set_str(&it->title, v); return 0;
	case K_LINK: set_str(&it->link, v); return 0;
	case K_DESC: set_str(&it->description, v); return 0;
	case K_IMAGE: set_str(&it->image_link, v); return 0;
	case K_PRICE:
		if (feed_parse_price(v, vn, &it->price) < 0)
			return feed_problem_set(p, f->name.ptr,
				"not a number");
		it->has_price = 1;
		return 0;
	case K_CATEGORIES:
		return map_categories(f, it, tmp, p);
	case K_QTY:
		rc = feed_parse_quantity(v, vn, &q);
		if (rc == -2)
			return feed_problem_set(p, f->name.ptr,
				"out of range (more than 10^15)");
		if (rc < 0)
			return feed_problem_set(p, f->name.ptr,
				"not a whole number");
		it->quantity = q;
		it->has_quantity = 1;
		return 0;
	case K_POLICY:
		if (!vn)
			return 0;
		if (feed_parse_quantity(v, vn, &q) < 0 || q < 0 || q > 2)
			return feed_problem_set(p, f->name.ptr,
				"must be 0, 1 or 2");
		it->policy = (int)q;
		return 0;
	case K_AVAIL:
		*avail = v;
		return map_custom(f, r, it, tmp, tmp2, p);
	case K_DROP:
		return 0;
	default:
		return map_custom(f, r, it, tmp, tmp2, p);
	}
}

/* availability: Google's g:availability as a quantity (1 in stock, 0 out), -1 otherwise. */
static int availability(const char *v)
{
	size_t n = strlen(v);
	trim(&v, &n);
	if ((n == 8 && !strncasecmp(v, "in stock", 8)) ||
	    (n == 8 && !strncasecmp(v, "in_stock", 8)))
		return 1;
	if ((n == 12 && !strncasecmp(v, "out of stock", 12)) ||
	    (n == 12 && !strncasecmp(v, "out_of_stock", 12)))
		return 0;
	return -1;
}

int feed_map_item(const struct feed_mapping *m, enum feed_preset preset,
		  const struct feed_field *f, size_t n, struct item *it,
		  struct feed_problem *p)
{
	struct buf tmp = BUF_INIT, tmp2 = BUF_INIT;
	const char *avail = NULL;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct feed_map_rule *r;
		enum kfield k = resolve(m, preset, f[i].name.ptr, &r);
		rc = map_field(&f[i], k, r, it, &avail, &tmp, &tmp2, p);
	}
	if (rc == 0 && avail && !it->has_quantity) {
		int q = availability(avail);
		if (q >= 0) {
			it->quantity = q;
			it->has_quantity = 1;
		}
	}
	buf_release(&tmp);
	buf_release(&tmp2);
	return rc;
}
