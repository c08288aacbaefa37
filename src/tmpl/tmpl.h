/* tmpl: mustache-style templates: the context value tree and the renderer. */
#ifndef RESTOCK_TMPL_H
#define RESTOCK_TMPL_H

#include <stddef.h>

#include "core/buf.h"

/* ---- context values ---- */

enum tv_type {
	TV_NULL,
	TV_BOOL,
	TV_STRING,
	TV_LIST,
	TV_MAP
};

struct tval;

struct tv_entry {
	char *key;		/* NUL-terminated, owned by the map */
	size_t klen;
	struct tval *val;	/* owned by the map */
};

/* A context value. Read the fields freely; build only with the tv_ calls. */
struct tval {
	enum tv_type type;
	int boolean;		/* TV_BOOL: 0 or 1 */
	char *str;		/* TV_STRING: owned, NUL-terminated copy */
	size_t len;		/* TV_STRING: length of str */
	struct tval **items;	/* TV_LIST: owned elements */
	size_t nitems;
	struct tv_entry *ents;	/* TV_MAP: in insertion order */
	size_t nents;
	size_t alloc;		/* capacity of items or ents */
};

/*
 * Constructors: each returns a new value (never NULL; aborts on OOM) that the
 * caller owns until it is handed to tv_set/tv_push; release with tv_free.
 * Strings are copied. tv_str(NULL) gives a TV_NULL value. tv_int stores the
 * decimal text of n as a string.
 */
struct tval *tv_null(void);
struct tval *tv_bool(int b);
struct tval *tv_str(const char *s);
struct tval *tv_strn(const char *s, size_t len);
struct tval *tv_int(long long n);
struct tval *tv_list(void);
struct tval *tv_map(void);

/*
 * tv_set: store v under key (copied) in map; the map takes ownership of v.
 * An existing key is replaced in place (the old value is freed). If map is
 * not a TV_MAP, v is freed and nothing else happens.
 */
void tv_set(struct tval *map, const char *key, struct tval *v);
/* tv_set_str/strn/int/bool: tv_set with a freshly constructed value. */
void tv_set_str(struct tval *map, const char *key, const char *s);
void tv_set_strn(struct tval *map, const char *key, const char *s, size_t len);
void tv_set_int(struct tval *map, const char *key, long long n);
void tv_set_bool(struct tval *map, const char *key, int b);

/* tv_push: append v to list, which takes ownership (v is freed if list is
 * not a TV_LIST). */
void tv_push(struct tval *list, struct tval *v);

/* tv_get/tv_getn: the value stored under key, or NULL if absent or map is
 * not a map. The result is still owned by the map. */
struct tval *tv_get(const struct tval *map, const char *key);
struct tval *tv_getn(const struct tval *map, const char *key, size_t klen);

/* tv_free: free v and everything it owns. NULL is fine. */
void tv_free(struct tval *v);

/* ---- rendering ---- */

enum tmpl_escape {
	TMPL_ESC_HTML = 0,	/* {{x}} is HTML-escaped: & < > " ' */
	TMPL_ESC_NONE		/* plain text (email bodies, subjects) */
};

/*
 * Partial loader: append the source of partial `name` to out and return 0;
 * return -1 when there is no such partial; any other negative value is a
 * load error that fails the render.
 */
typedef int (*tmpl_partial_fn)(void *ctx, const char *name, struct buf *out);

struct tmpl_opts {
	enum tmpl_escape escape;
	int strict;		/* unknown names / partials are errors */
	tmpl_partial_fn partial;	/* may be NULL: no partials exist */
	void *partial_ctx;
};

#define TMPL_OPTS_INIT { TMPL_ESC_HTML, 0, NULL, NULL }

/*
 * tmpl_render: render the Mustache template tpl[0..len) against ctx (NULL is
 * an empty context) and append the result to out. opts NULL means
 * TMPL_OPTS_INIT. Returns 0, or -1 on error: then out is restored to its
 * original length and, if err is not NULL, a one-line message such as
 * "line 3: unclosed section 'items'" is appended to err. The caller owns
 * (and releases) out and err.
 *
 * Supported: {{x}} {{{x}}} {{&x}} dotted names, {{.}}, sections, inverted
 * sections, comments, partials and standalone-line rules, per the Mustache
 * spec. Not supported (error): set delimiters, inheritance tags. Empty
 * strings, like false/null/empty lists, are falsey in sections.
 */
int tmpl_render(const char *tpl, size_t len, const struct tval *ctx,
		const struct tmpl_opts *opts, struct buf *out, struct buf *err);

/*
 * tmpl_check: parse tpl without rendering (partials are not loaded).
 * Returns 0 if it is well-formed, -1 with a message appended to err (if not
 * NULL) otherwise.
 */
int tmpl_check(const char *tpl, size_t len, struct buf *err);

#endif
