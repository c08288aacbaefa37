/* json: a streaming JSON writer with Python json.dumps formatting. */
#include "core/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void json_init(struct json *j, struct buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

static void before_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			buf_adds(j->out, ", ");
		j->first[j->depth] = 0;
	}
}

static void open_(struct json *j, char c, int obj)
{
	before_value(j);
	buf_addch(j->out, c);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = 1;
	j->in_obj[j->depth] = (unsigned char)obj;
}

static void close_(struct json *j, char c)
{
	buf_addch(j->out, c);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_begin(struct json *j) { open_(j, '{', 1); }
void json_obj_end(struct json *j) { close_(j, '}'); }
void json_arr_begin(struct json *j) { open_(j, '[', 0); }
void json_arr_end(struct json *j) { close_(j, ']'); }

void json_key(struct json *j, const char *k)
{
	before_value(j);
	json_escape(j->out, k, strlen(k));
	buf_adds(j->out, ": ");
	j->after_key = 1;
}

/* utf8_next: decode one code point; invalid bytes decode as U+FFFD. */
static unsigned utf8_next(const unsigned char *s, size_t n, size_t *used)
{
	unsigned c = s[0];
	size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 :
		     (c >> 3) == 30 ? 4 : 0;
	unsigned cp;
	if (!len || len > n) {
		*used = 1;
		return 0xfffd;
	}
	cp = len == 1 ? c : c & (0x3f >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*used = 1;
			return 0xfffd;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*used = len;
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0xfffd;
	return cp;
}

void json_escape(struct buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	buf_addch(out, '"');
	while (i < n) {
		unsigned c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			size_t start = i;
			while (i < n && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
				i++;
			buf_add(out, s + start, i - start);
			continue;
		}
		switch (c) {
		case '"': buf_adds(out, "\\\""); i++; continue;
		case '\\': buf_adds(out, "\\\\"); i++; continue;
		case '\n': buf_adds(out, "\\n"); i++; continue;
		case '\r': buf_adds(out, "\\r"); i++; continue;
		case '\t': buf_adds(out, "\\t"); i++; continue;
		case '\b': buf_adds(out, "\\b"); i++; continue;
		case '\f': buf_adds(out, "\\f"); i++; continue;
		}
		size_t used;
		unsigned cp = c < 0x80 ? (used = 1, c) : utf8_next(s + i, n - i, &used);
		i += used;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			buf_addf(out, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
		} else {
			buf_addf(out, "\\u%04x", cp);
		}
	}
	buf_addch(out, '"');
}

void json_strn(struct json *j, const char *s, size_t n)
{
	before_value(j);
	json_escape(j->out, s, n);
}

void json_str(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	json_strn(j, s, strlen(s));
}

void json_int(struct json *j, long long v)
{
	before_value(j);
	buf_addf(j->out, "%lld", v);
}

void json_num(struct json *j, double v)
{
	before_value(j);
	if (!isfinite(v)) {
		buf_adds(j->out, "null");
		return;
	}
	if (v == (double)(long long)v && fabs(v) < 1e15)
		buf_addf(j->out, "%.1f", v);	/* Python prints 12.0 */
	else
		buf_addf(j->out, "%.15g", v);
}

void json_bool(struct json *j, int v)
{
	before_value(j);
	buf_adds(j->out, v ? "true" : "false");
}

void json_null(struct json *j)
{
	before_value(j);
	buf_adds(j->out, "null");
}

void json_raw_trusted(struct json *j, const char *encoded)
{
	before_value(j);
	buf_adds(j->out, encoded);
}
