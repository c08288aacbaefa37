/* tmpl: context values, and a Mustache parser (flat node list) + renderer. */
#include "tmpl/tmpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "tmpl/escape.h"

/*
 * Limits private to the renderer (candidates for core/limits.h): a work
 * budget per render (node visits + loop iterations + context levels searched
 * by lookups), so a template that loops a lot while printing little still
 * ends within tens of milliseconds; and the number
 * and total source size of distinct (partial, indentation) pairs loaded per
 * render, which bounds the memory held by parsed partials.
 */

/*
 * Make room for element n in array p of *alloc elements of size bytes;
 * returns the (possibly moved) array. Aborts on overflow or OOM.
 */
static void *grow_one(void *p, size_t n, size_t *alloc, size_t size)
{
	size_t want;

	if (n < *alloc)
		return p;
	want = *alloc ? *alloc * 2 : 8;
	if (want > ((size_t)-1) / size)
		abort();
	*alloc = want;
	return xrealloc(p, want * size);
}

/* ---- context values ---- */

static struct tval *tv_new(enum tv_type type)
{
	struct tval *v = xcalloc(1, sizeof(*v));
	v->type = type;
	return v;
}

struct tval *tv_null(void)
{
	return tv_new(TV_NULL);
}

struct tval *tv_bool(int b)
{
	struct tval *v = tv_new(TV_BOOL);
	v->boolean = !!b;
	return v;
}

struct tval *tv_strn(const char *s, size_t len)
{
	struct tval *v = tv_new(TV_STRING);
	v->str = xstrndup(s ? s : "", s ? len : 0);
	v->len = s ? len : 0;
	return v;
}

struct tval *tv_str(const char *s)
{
	return s ? tv_strn(s, strlen(s)) : tv_null();
}

struct tval *tv_int(long long n)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%lld", n);
	return tv_strn(tmp, (size_t)len);
}

struct tval *tv_list(void)
{
	return tv_new(TV_LIST);
}

struct tval *tv_map(void)
{
	return tv_new(TV_MAP);
}

struct tval *tv_getn(const struct tval *map, const char *key, size_t klen)
{
	size_t i;

	if (!map || map->type != TV_MAP)
		return NULL;
	for (i = 0; i < map->nents; i++) {
		const struct tv_entry *e = &map->ents[i];
		if (e->klen == klen && !memcmp(e->key, key, klen))
			return e->val;
	}
	return NULL;
}

struct tval *tv_get(const struct tval *map, const char *key)
{
	return key ? tv_getn(map, key, strlen(key)) : NULL;
}

void tv_set(struct tval *map, const char *key, struct tval *v)
{
	size_t i, klen;

	if (!map || map->type != TV_MAP || !key || !v) {
		tv_free(v);
		return;
	}
	klen = strlen(key);
	for (i = 0; i < map->nents; i++) {
		struct tv_entry *e = &map->ents[i];
		if (e->klen == klen && !memcmp(e->key, key, klen)) {
			if (e->val != v)
				tv_free(e->val);
			e->val = v;
			return;
		}
	}
	map->ents = grow_one(map->ents, map->nents, &map->alloc,
			     sizeof(*map->ents));
	map->ents[map->nents].key = xstrndup(key, klen);
	map->ents[map->nents].klen = klen;
	map->ents[map->nents].val = v;
	map->nents++;
}

void tv_set_str(struct tval *map, const char *key, const char *s)
{
	tv_set(map, key, tv_str(s));
}

void tv_set_strn(struct tval *map, const char *key, const char *s, size_t len)
{
	tv_set(map, key, tv_strn(s, len));
}

void tv_set_int(struct tval *map, const char *key, long long n)
{
	tv_set(map, key, tv_int(n));
}

void tv_set_bool(struct tval *map, const char *key, int b)
{
	tv_set(map, key, tv_bool(b));
}

void tv_push(struct tval *list, struct tval *v)
{
	if (!list || list->type != TV_LIST || !v) {
		tv_free(v);
		return;
	}
	list->items = grow_one(list->items, list->nitems, &list->alloc,
			       sizeof(*list->items));
	list->items[list->nitems++] = v;
}

void tv_free(struct tval *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->nitems; i++)
		tv_free(v->items[i]);
	for (i = 0; i < v->nents; i++) {
		free(v->ents[i].key);
		tv_free(v->ents[i].val);
	}
	free(v->items);
	free(v->ents);
	free(v->str);
	free(v);
}

/* ---- parsed templates ---- */

enum ntype {
	N_TEXT,		/* literal text */
	N_VAR,		/* {{x}}: escaped per opts */
	N_RAW,		/* {{{x}}} or {{&x}} */
	N_SECTION,	/* {{#x}}: body is nodes (i+1 .. end) */
	N_INVERTED,	/* {{^x}} */
	N_PARTIAL	/* {{>x}} */
};

struct node {
	enum ntype type;
	unsigned line;
	const char *s;		/* text, or tag name (points into source) */
	size_t len;
	const char *indent;	/* standalone partial: its indentation */
	size_t ilen;
	size_t end;		/* sections: index just past the body */
};

struct tmpl {
	struct node *nodes;
	size_t n, alloc;
	const char *name;	/* partial name for messages; NULL at top */
};

static void tmpl_release(struct tmpl *t)
{
	free(t->nodes);
	t->nodes = NULL;
	t->n = t->alloc = 0;
}

static struct node *add_node(struct tmpl *t, enum ntype type, unsigned line,
			     const char *s, size_t len)
{
	struct node *n;

	t->nodes = grow_one(t->nodes, t->n, &t->alloc, sizeof(*t->nodes));
	n = &t->nodes[t->n++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->line = line;
	n->s = s;
	n->len = len;
	return n;
}

/* ---- errors ---- */

#define SNAME_MAX 48

/* Copy name into dst as printable ASCII, truncated, for error messages. */
static const char *sname(char dst[SNAME_MAX + 4], const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o < SNAME_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[o++] = (c >= 0x20 && c < 0x7f && c != '\'') ? (char)c : '?';
	}
	if (i < n) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

__attribute__((format(printf, 4, 5)))
static int fail(struct buf *err, const char *where, unsigned line,
		const char *fmt, ...)
{
	char nm[SNAME_MAX + 4];
	va_list ap;

	if (!err)
		return -1;
	if (where)
		buf_addf(err, "partial '%s' ", sname(nm, where, strlen(where)));
	if (line)
		buf_addf(err, "line %u: ", line);
	va_start(ap, fmt);
	buf_vaddf(err, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- parser ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
		c == '\v';
}

/* "." or dot-separated non-empty segments without whitespace/controls. */
static int valid_name(const char *s, size_t n, int dotted)
{
	size_t i;

	if (!n)
		return 0;
	if (dotted && n == 1 && s[0] == '.')
		return 1;
	if (dotted && (s[0] == '.' || s[n - 1] == '.'))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == ' ')
			return 0;
		if (dotted && c == '.' && s[i + 1] == '.')
			return 0;
	}
	return 1;
}

static unsigned count_nl(const char *s, size_t n)
{
	unsigned c = 0;
	const char *e = s + n, *p;

	while (s < e && (p = memchr(s, '\n', (size_t)(e - s)))) {
		c++;
		s = p + 1;
	}
	return c;
}

/* Parse src into t->nodes. Returns 0, or -1 with a message in err. */
static int parse(struct tmpl *t, const char *src, size_t len, struct buf *err)
{
	size_t open[TMPL_MAX_DEPTH];
	size_t pos = 0, text_start = 0, line_pos = 0;
	unsigned line = 1;
	int nopen = 0;
	char nm[SNAME_MAX + 4], nm2[SNAME_MAX + 4];

	if (len > TMPL_MAX_BYTES)
		return fail(err, t->name, 0, "template too large (%zu bytes, limit %d)",
			    len, TMPL_MAX_BYTES);
	while (pos < len) {
		const char *p = memmem(src + pos, len - pos, "{{", 2), *q;
		size_t ts, cs, ce, te, text_end, next;
		const char *name, *indent = NULL;
		size_t nlen, ilen = 0;
		char kind;
		struct node *n;

		if (!p)
			break;
		ts = (size_t)(p - src);
		line += count_nl(src + line_pos, ts - line_pos);
		line_pos = ts;
		kind = ts + 2 < len ? src[ts + 2] : '\0';
		cs = ts + 2;
		if (kind == '{') {
			cs++;
			q = memmem(src + cs, len - cs, "}}}", 3);
			if (!q)
				return fail(err, t->name, line, "unclosed tag '{{{'");
			ce = (size_t)(q - src);
			te = ce + 3;
		} else {
			if (kind && strchr("&#^/!>=<$", kind))
				cs++;
			q = memmem(src + cs, len - cs, "}}", 2);
			if (!q)
				return fail(err, t->name, line, "unclosed tag '{{'");
			ce = (size_t)(q - src);
			te = ce + 2;
		}
		name = src + cs;
		nlen = ce - cs;
		while (nlen && is_space(name[0])) {
			name++;
			nlen--;
		}
		while (nlen && is_space(name[nlen - 1]))
			nlen--;

		/* Standalone lines: a lone section/comment/partial tag on a line
		 * removes the whole line, its indentation and its newline. */
		text_end = ts;
		next = te;
		if (kind && strchr("#^/!>", kind)) {
			size_t l = ts, r = te;

			while (l > text_start && is_blank(src[l - 1]))
				l--;
			if (l == 0 || src[l - 1] == '\n') {
				int ok = 0;

				while (r < len && is_blank(src[r]))
					r++;
				if (r == len) {
					ok = 1;
				} else if (src[r] == '\n') {
					r++;
					ok = 1;
				} else if (src[r] == '\r' && r + 1 < len &&
					   src[r + 1] == '\n') {
					r += 2;
					ok = 1;
				}
				if (ok) {
					text_end = l;
					next = r;
					indent = src + l;
					ilen = ts - l;
				}
			}
		}
		if (text_end > text_start)
			add_node(t, N_TEXT, 0, src + text_start,
				 text_end - text_start);
		pos = text_start = next;

		switch (kind) {
		case '!':
			continue;
		case '=':
			return fail(err, t->name, line,
				    "set-delimiter tags are unsupported");
		case '<':
		case '$':
			return fail(err, t->name, line,
				    "template inheritance tags are unsupported");
		case '>':
			if (!valid_name(name, nlen, 0))
				return fail(err, t->name, line,
					    "invalid partial name '%s'",
					    sname(nm, name, nlen));
			n = add_node(t, N_PARTIAL, line, name, nlen);
			n->indent = indent;
			n->ilen = ilen;
			continue;
		default:
			break;
		}
		if (!valid_name(name, nlen, 1)) {
			if (!nlen)
				return fail(err, t->name, line, "empty tag");
			return fail(err, t->name, line, "invalid name '%s'",
				    sname(nm, name, nlen));
		}
		switch (kind) {
		case '#':
		case '^':
			if (nopen >= TMPL_MAX_DEPTH)
				return fail(err, t->name, line,
					    "sections nested too deeply (limit %d)",
					    TMPL_MAX_DEPTH);
			open[nopen++] = t->n;
			add_node(t, kind == '#' ? N_SECTION : N_INVERTED, line,
				 name, nlen);
			break;
		case '/': {
			struct node *o;

			if (!nopen)
				return fail(err, t->name, line,
					    "closing tag '%s' without an open section",
					    sname(nm, name, nlen));
			o = &t->nodes[open[nopen - 1]];
			if (o->len != nlen || memcmp(o->s, name, nlen))
				return fail(err, t->name, line,
					    "closing tag '%s' does not match section '%s' opened on line %u",
					    sname(nm, name, nlen),
					    sname(nm2, o->s, o->len), o->line);
			o->end = t->n;
			nopen--;
			break;
		}
		case '{':
		case '&':
			add_node(t, N_RAW, line, name, nlen);
			break;
		default:
			add_node(t, N_VAR, line, name, nlen);
		}
	}
	if (text_start < len)
		add_node(t, N_TEXT, 0, src + text_start, len - text_start);
	if (nopen) {
		const struct node *o = &t->nodes[open[nopen - 1]];
		return fail(err, t->name, o->line, "unclosed section '%s'",
			    sname(nm, o->s, o->len));
	}
	return 0;
}

/* ---- renderer ---- */

struct pentry {
	struct pentry *next;
	char *name;
	char *indent;
	size_t ilen;
	char *src;		/* the (indented) partial source */
	int found;
	struct tmpl t;
};

struct rstate {
	const struct tmpl_opts *o;
	struct buf *out, *err;
	size_t start;
	const struct tval *stack[TMPL_MAX_DEPTH + 2];
	int sp;
	int depth;
	long steps;
	struct pentry *cache;
	int ncache;
	size_t cache_bytes;
};

static int render(struct rstate *st, const struct tmpl *t, size_t i,
		  size_t end);

static int truthy(const struct tval *v)
{
	if (!v)
		return 0;
	switch (v->type) {
	case TV_BOOL:
		return v->boolean;
	case TV_STRING:
		return v->len > 0;
	case TV_LIST:
		return v->nitems > 0;
	case TV_MAP:
		return 1;
	default:
		return 0;
	}
}

/* Resolve a (dotted) name against the context stack; NULL when missing.
 * The levels searched are charged to the work budget. */
static const struct tval *lookup(struct rstate *st, const char *name,
				 size_t len)
{
	const struct tval *v = NULL;
	const char *dot;
	size_t seg;
	int k;

	if (len == 1 && name[0] == '.')
		return st->sp ? st->stack[st->sp - 1] : NULL;
	dot = memchr(name, '.', len);
	seg = dot ? (size_t)(dot - name) : len;
	for (k = st->sp - 1; k >= 0 && !v; k--)
		v = tv_getn(st->stack[k], name, seg);
	st->steps += st->sp - 1 - k;
	while (v && seg < len) {
		name += seg + 1;
		len -= seg + 1;
		dot = memchr(name, '.', len);
		seg = dot ? (size_t)(dot - name) : len;
		v = tv_getn(v, name, seg);
	}
	return v;
}

static int missing(struct rstate *st, const struct tmpl *t,
		   const struct node *n)
{
	char nm[SNAME_MAX + 4];

	if (!st->o->strict)
		return 0;
	return fail(st->err, t->name, n->line, "unknown name '%s'",
		    sname(nm, n->s, n->len));
}

static int emit(struct rstate *st, const struct tmpl *t, const struct node *n,
		const struct tval *v)
{
	char nm[SNAME_MAX + 4];
	const char *s;
	size_t len;

	switch (v->type) {
	case TV_BOOL:
		s = v->boolean ? "true" : "false";
		len = strlen(s);
		break;
	case TV_STRING:
		s = v->str;
		len = v->len;
		break;
	case TV_LIST:
	case TV_MAP:
		if (st->o->strict)
			return fail(st->err, t->name, n->line,
				    "'%s' is a %s and cannot be printed",
				    sname(nm, n->s, n->len),
				    v->type == TV_LIST ? "list" : "map");
		return 0;
	default:
		return 0;
	}
	if (n->type == N_VAR && st->o->escape == TMPL_ESC_HTML)
		esc_html(st->out, s, len);
	else
		buf_add(st->out, s, len);
	return 0;
}

static int check_output(struct rstate *st, const struct tmpl *t,
			const struct node *n)
{
	if (st->out->len - st->start > TMPL_MAX_OUTPUT)
		return fail(st->err, t->name, n->line,
			    "output exceeds %d bytes", TMPL_MAX_OUTPUT);
	return 0;
}

static int count_step(struct rstate *st, const struct tmpl *t,
		      const struct node *n)
{
	if (++st->steps > TMPL_MAX_STEPS)
		return fail(st->err, t->name, n->line,
			    "template too expensive to render (over %ld steps)",
			    TMPL_MAX_STEPS);
	return 0;
}

static int section(struct rstate *st, const struct tmpl *t, size_t idx,
		   const struct tval *v)
{
	const struct node *n = &t->nodes[idx];
	int rc = 0;

	if ((n->type == N_INVERTED) == truthy(v))
		return 0;
	if (st->depth >= TMPL_MAX_DEPTH)
		return fail(st->err, t->name, n->line,
			    "sections and partials nested too deeply (limit %d)",
			    TMPL_MAX_DEPTH);
	st->depth++;
	if (n->type == N_INVERTED) {
		rc = render(st, t, idx + 1, n->end);
	} else if (v->type == TV_LIST) {
		size_t i;

		for (i = 0; i < v->nitems && !rc; i++) {
			rc = count_step(st, t, n);
			if (rc)
				break;
			st->stack[st->sp++] = v->items[i];
			rc = render(st, t, idx + 1, n->end);
			st->sp--;
		}
	} else {
		st->stack[st->sp++] = v;
		rc = render(st, t, idx + 1, n->end);
		st->sp--;
	}
	st->depth--;
	return rc;
}

static void free_cache(struct rstate *st)
{
	struct pentry *e, *next;

	for (e = st->cache; e; e = next) {
		next = e->next;
		tmpl_release(&e->t);
		free(e->name);
		free(e->indent);
		free(e->src);
		free(e);
	}
	st->cache = NULL;
	st->ncache = 0;
}

/* Find or load + parse partial n (with its indentation). */
static int get_partial(struct rstate *st, const struct tmpl *t,
		       const struct node *n, struct pentry **res)
{
	char nm[SNAME_MAX + 4];
	struct buf raw = BUF_INIT, src = BUF_INIT;
	struct pentry *e;
	size_t i;
	int rc;

	for (e = st->cache; e; e = e->next) {
		if (!strncmp(e->name, n->s, n->len) && !e->name[n->len] &&
		    e->ilen == n->ilen &&
		    (!n->ilen || !memcmp(e->indent, n->indent, n->ilen))) {
			*res = e;
			return 0;
		}
	}
	sname(nm, n->s, n->len);
	if (st->ncache >= TMPL_MAX_PARTIALS)
		return fail(st->err, t->name, n->line,
			    "too many partials (limit %d)", TMPL_MAX_PARTIALS);
	e = xcalloc(1, sizeof(*e));
	e->name = xstrndup(n->s, n->len);
	e->indent = xstrndup(n->ilen ? n->indent : "", n->ilen);
	e->ilen = n->ilen;
	e->t.name = e->name;
	e->next = st->cache;
	st->cache = e;
	st->ncache++;
	*res = e;

	rc = st->o->partial ?
		st->o->partial(st->o->partial_ctx, e->name, &raw) : -1;
	if (rc == -1) {
		buf_release(&raw);
		return 0;
	}
	if (rc) {
		buf_release(&raw);
		return fail(st->err, t->name, n->line,
			    "partial '%s' could not be loaded", nm);
	}
	if (raw.len > TMPL_MAX_BYTES) {
		buf_release(&raw);
		return fail(st->err, t->name, n->line,
			    "partial '%s' too large (limit %d bytes)", nm,
			    TMPL_MAX_BYTES);
	}
	if (n->ilen) {
		/* Indent every line of the partial's source. */
		buf_add(&src, n->indent, n->ilen);
		for (i = 0; i < raw.len && src.len <= TMPL_MAX_BYTES; i++) {
			buf_addch(&src, raw.ptr[i]);
			if (raw.ptr[i] == '\n' && i + 1 < raw.len)
				buf_add(&src, n->indent, n->ilen);
		}
		buf_release(&raw);
	} else {
		src = raw;
	}
	e->src = buf_detach(&src, &i);
	if (i > TMPL_MAX_BYTES)
		return fail(st->err, t->name, n->line,
			    "partial '%s' too large after indentation (limit %d bytes)",
			    nm, TMPL_MAX_BYTES);
	st->cache_bytes += i;
	if (st->cache_bytes > (size_t)TMPL_MAX_PARTIAL_TOTAL)
		return fail(st->err, t->name, n->line,
			    "partials too large in total (limit %ld bytes)",
			    TMPL_MAX_PARTIAL_TOTAL);
	if (parse(&e->t, e->src, i, st->err))
		return -1;
	e->found = 1;
	return 0;
}

static int partial(struct rstate *st, const struct tmpl *t,
		   const struct node *n)
{
	char nm[SNAME_MAX + 4];
	struct pentry *e = NULL;
	int rc;

	if (get_partial(st, t, n, &e))
		return -1;
	if (!e->found) {
		if (!st->o->strict)
			return 0;
		return fail(st->err, t->name, n->line,
			    "partial '%s' not found", sname(nm, n->s, n->len));
	}
	if (st->depth >= TMPL_MAX_DEPTH)
		return fail(st->err, t->name, n->line,
			    "sections and partials nested too deeply (limit %d)",
			    TMPL_MAX_DEPTH);
	st->depth++;
	rc = render(st, &e->t, 0, e->t.n);
	st->depth--;
	return rc;
}

static int render(struct rstate *st, const struct tmpl *t, size_t i,
		  size_t end)
{
	while (i < end) {
		const struct node *n = &t->nodes[i];
		const struct tval *v;

		if (count_step(st, t, n))
			return -1;
		switch (n->type) {
		case N_TEXT:
			buf_add(st->out, n->s, n->len);
			if (check_output(st, t, n))
				return -1;
			break;
		case N_VAR:
		case N_RAW:
			v = lookup(st, n->s, n->len);
			if (!v) {
				if (missing(st, t, n))
					return -1;
				break;
			}
			if (emit(st, t, n, v) || check_output(st, t, n))
				return -1;
			break;
		case N_SECTION:
		case N_INVERTED:
			v = lookup(st, n->s, n->len);
			if (!v && missing(st, t, n))
				return -1;
			if (section(st, t, i, v))
				return -1;
			i = n->end;
			continue;
		case N_PARTIAL:
			if (partial(st, t, n))
				return -1;
			break;
		}
		i++;
	}
	return 0;
}

int tmpl_render(const char *tpl, size_t len, const struct tval *ctx,
		const struct tmpl_opts *opts, struct buf *out, struct buf *err)
{
	static const struct tmpl_opts defaults = TMPL_OPTS_INIT;
	struct tmpl t = { NULL, 0, 0, NULL };
	struct rstate st;
	int rc;

	if (!tpl)
		return fail(err, NULL, 0, "no template");
	memset(&st, 0, sizeof(st));
	st.o = opts ? opts : &defaults;
	st.out = out;
	st.err = err;
	st.start = out->len;
	if (ctx)
		st.stack[st.sp++] = ctx;
	rc = parse(&t, tpl, len, err);
	if (!rc)
		rc = render(&st, &t, 0, t.n);
	free_cache(&st);
	tmpl_release(&t);
	if (rc) {
		buf_setlen(out, st.start);
		return -1;
	}
	return 0;
}

int tmpl_check(const char *tpl, size_t len, struct buf *err)
{
	struct tmpl t = { NULL, 0, 0, NULL };
	int rc;

	if (!tpl)
		return fail(err, NULL, 0, "no template");
	rc = parse(&t, tpl, len, err);
	tmpl_release(&t);
	return rc;
}
