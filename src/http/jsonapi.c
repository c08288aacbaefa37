/* jsonapi: JSON:API subscription parsing (yajl callbacks into a small tree) and error output. */
#include "http/jsonapi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_parse.h>

#include "core/crypto.h"
#include "core/json.h"
#include "core/limits.h"
#include "http/validate.h"

/* ---- lifecycles ---- */

void jsonapi_sub_init(struct jsonapi_sub *s)
{
	s->email = NULL;
	s->phone = NULL;
	s->external_id = NULL;
	s->variant_id = NULL;
	s->channels = 0;
}

void jsonapi_sub_release(struct jsonapi_sub *s)
{
	free(s->email);
	free(s->phone);
	free(s->external_id);
	free(s->variant_id);
	jsonapi_sub_init(s);
}

void jsonapi_errors_init(struct jsonapi_errors *e)
{
	e->v = NULL;
	e->nr = 0;
	e->alloc = 0;
}

void jsonapi_errors_release(struct jsonapi_errors *e)
{
	size_t i;

	for (i = 0; i < e->nr; i++) {
		free(e->v[i].code);
		free(e->v[i].title);
		free(e->v[i].detail);
		free(e->v[i].pointer);
	}
	free(e->v);
	jsonapi_errors_init(e);
}

void jsonapi_errors_add(struct jsonapi_errors *e, int status, const char *code,
			const char *title, const char *detail,
			const char *pointer)
{
	struct jsonapi_error *x;

	if (e->nr == e->alloc) {
		e->alloc = e->alloc ? 2 * e->alloc : 4;
		e->v = xrealloc(e->v, e->alloc * sizeof(*e->v));
	}
	x = &e->v[e->nr++];
	x->status = status;
	x->code = xstrdup(code ? code : "");
	x->title = xstrdup(title ? title : "");
	x->detail = xstrdup(detail ? detail : "");
	x->pointer = pointer ? xstrdup(pointer) : NULL;
}

/* ---- a small JSON tree built from yajl callbacks ---- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_OBJ, J_ARR };

struct jnode;

struct jmember {
	char *key;		/* NULL in arrays */
	size_t klen;
	struct jnode *val;
};

struct jnode {
	enum jtype type;
	char *str;		/* J_STR: NUL-terminated copy, may hold NULs */
	size_t len;
	struct jmember *kids;	/* J_OBJ, J_ARR */
	size_t nr, alloc;
};

struct jbuild {
	struct jnode *root;
	struct jnode *stack[MAX_JSONAPI_DEPTH];
	size_t depth;
	char *key;		/* pending key of the innermost object */
	size_t klen;
	int too_deep;
};

static void jnode_free(struct jnode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nr; i++) {
		free(n->kids[i].key);
		jnode_free(n->kids[i].val);	/* depth is bounded */
	}
	free(n->kids);
	free(n->str);
	free(n);
}

static struct jnode *jb_value(struct jbuild *b, enum jtype t)
{
	struct jnode *n = xcalloc(1, sizeof(*n)), *top;
	struct jmember *m;

	n->type = t;
	if (!b->depth) {
		jnode_free(b->root);
		b->root = n;
		return n;
	}
	top = b->stack[b->depth - 1];
	if (top->nr == top->alloc) {
		top->alloc = top->alloc ? 2 * top->alloc : 4;
		top->kids = xrealloc(top->kids, top->alloc * sizeof(*top->kids));
	}
	m = &top->kids[top->nr++];
	m->key = b->key;
	m->klen = b->klen;
	m->val = n;
	b->key = NULL;
	b->klen = 0;
	return n;
}

static int cb_null(void *ctx)
{
	jb_value(ctx, J_NULL);
	return 1;
}

static int cb_boolean(void *ctx, int v)
{
	(void)v;
	jb_value(ctx, J_BOOL);
	return 1;
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	(void)s;
	(void)len;
	jb_value(ctx, J_NUM);
	return 1;
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct jnode *n = jb_value(ctx, J_STR);

	n->str = xstrndup((const char *)s, len);
	n->len = len;
	return 1;
}

static int cb_key(void *ctx, const unsigned char *s, size_t len)
{
	struct jbuild *b = ctx;

	free(b->key);
	b->key = xstrndup((const char *)s, len);
	b->klen = len;
	return 1;
}

static int jb_open(struct jbuild *b, enum jtype t)
{
	if (b->depth >= MAX_JSONAPI_DEPTH) {
		b->too_deep = 1;
		return 0;
	}
	b->stack[b->depth] = jb_value(b, t);
	b->depth++;
	return 1;
}

static int jb_close(struct jbuild *b)
{
	if (b->depth)
		b->depth--;
	return 1;
}

static int cb_start_map(void *ctx)
{
	return jb_open(ctx, J_OBJ);
}

static int cb_start_array(void *ctx)
{
	return jb_open(ctx, J_ARR);
}

static int cb_end(void *ctx)
{
	return jb_close(ctx);
}

static const yajl_callbacks jb_callbacks = {
	cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end, cb_start_array, cb_end
};

/*
 * Parse body into a tree. Returns the root (caller frees with jnode_free),
 * or NULL with *too_deep set when nesting exceeded MAX_JSONAPI_DEPTH.
 */
static struct jnode *jtree_parse(const char *body, size_t len, int *too_deep)
{
	struct jbuild b;
	yajl_handle h;
	yajl_status st;

	memset(&b, 0, sizeof(b));
	h = yajl_alloc(&jb_callbacks, NULL, &b);
	if (!h) {
		fprintf(stderr, "restock: out of memory in yajl_alloc\n");
		abort();
	}
	st = yajl_parse(h, (const unsigned char *)(body ? body : ""), len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	yajl_free(h);
	free(b.key);
	*too_deep = b.too_deep;
	if (st != yajl_status_ok || !b.root) {
		jnode_free(b.root);
		return NULL;
	}
	return b.root;
}

/* ---- validation ---- */

#define P_DATA		"/data"
#define P_ATTRS		P_DATA "/attributes"
#define P_CHANNELS	P_ATTRS "/channels"
#define P_PROFILE	P_ATTRS "/profile"
#define P_PDATA		P_PROFILE "/data"
#define P_PATTRS	P_PDATA "/attributes"
#define P_RELS		P_DATA "/relationships"
#define P_VARIANT	P_RELS "/variant"
#define P_VDATA		P_VARIANT "/data"

static void invalid(struct jsonapi_errors *e, const char *pointer,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void invalid(struct jsonapi_errors *e, const char *pointer,
		    const char *fmt, ...)
{
	struct buf d = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&d, fmt, ap);
	va_end(ap);
	jsonapi_errors_add(e, 400, "invalid", "Invalid input.", d.ptr, pointer);
	buf_release(&d);
}

/*
 * Find key in object o. Returns 1 with *out set, 0 if absent, -1 (after
 * reporting at pointer) if the key appears more than once.
 */
static int member(struct jsonapi_errors *e, const struct jnode *o,
		  const char *key, const char *pointer,
		  const struct jnode **out)
{
	size_t i, klen = strlen(key);
	int found = 0;

	*out = NULL;
	for (i = 0; i < o->nr; i++) {
		if (o->kids[i].klen != klen || memcmp(o->kids[i].key, key, klen))
			continue;
		if (found++) {
			invalid(e, pointer, "'%s' must appear only once.", key);
			*out = NULL;
			return -1;
		}
		*out = o->kids[i].val;
	}
	return found;
}

/* A required object member, or NULL after reporting the problem. */
static const struct jnode *need_obj(struct jsonapi_errors *e,
				    const struct jnode *o, const char *key,
				    const char *pointer)
{
	const struct jnode *n;
	int r = member(e, o, key, pointer, &n);

	if (r < 0)
		return NULL;
	if (!r || n->type == J_NULL) {
		invalid(e, pointer, "'%s' is required.", key);
		return NULL;
	}
	if (n->type != J_OBJ) {
		invalid(e, pointer, "'%s' must be an object.", key);
		return NULL;
	}
	return n;
}

/*
 * A string member. Returns 1 with *n set, 0 when absent or null (reported
 * when required), -1 when reported as invalid (duplicate, not a string,
 * NUL or invalid UTF-8).
 */
static int get_str(struct jsonapi_errors *e, const struct jnode *o,
		   const char *key, const char *pointer, int required,
		   const struct jnode **n)
{
	int r = member(e, o, key, pointer, n);

	if (r < 0)
		return -1;
	if (!r || (*n)->type == J_NULL) {
		if (required)
			invalid(e, pointer, "'%s' is required.", key);
		return 0;
	}
	if ((*n)->type != J_STR) {
		invalid(e, pointer, "'%s' must be a string.", key);
		return -1;
	}
	if (memchr((*n)->str, '\0', (*n)->len) ||
	    !utf8_valid((*n)->str, (*n)->len)) {
		invalid(e, pointer,
			"'%s' must be valid UTF-8 without NUL characters.", key);
		return -1;
	}
	return 1;
}

/* A required string member that must equal want. */
static void check_type(struct jsonapi_errors *e, const struct jnode *o,
		       const char *pointer, const char *want)
{
	const struct jnode *n;

	if (get_str(e, o, "type", pointer, 1, &n) == 1 && strcmp(n->str, want))
		invalid(e, pointer, "'type' must be \"%s\".", want);
}

static const struct {
	const char *name;
	unsigned bit;
} channel_names[] = {
	{ "EMAIL", JSONAPI_CH_EMAIL },
	{ "SMS", JSONAPI_CH_SMS },
	{ "PUSH", JSONAPI_CH_PUSH },
	{ "WHATSAPP", JSONAPI_CH_WHATSAPP },
};

#define NR_CHANNELS (sizeof(channel_names) / sizeof(channel_names[0]))

/* Validate attributes.channels; returns the bits of the valid entries. */
static unsigned check_channels(struct jsonapi_errors *e, const struct jnode *attrs)
{
	const struct jnode *arr;
	unsigned bits = 0;
	size_t i, j;
	int r = member(e, attrs, "channels", P_CHANNELS, &arr);

	if (r < 0)
		return 0;
	if (!r || arr->type == J_NULL) {
		invalid(e, P_CHANNELS, "'channels' is required.");
		return 0;
	}
	if (arr->type != J_ARR) {
		invalid(e, P_CHANNELS, "'channels' must be an array.");
		return 0;
	}
	if (!arr->nr) {
		invalid(e, P_CHANNELS, "'channels' must not be empty.");
		return 0;
	}
	if (arr->nr > NR_CHANNELS) {
		invalid(e, P_CHANNELS,
			"'channels' holds at most %zu distinct channels.",
			NR_CHANNELS);
		return 0;
	}
	for (i = 0; i < arr->nr; i++) {
		const struct jnode *c = arr->kids[i].val;
		char ptr[sizeof(P_CHANNELS) + 24];

		snprintf(ptr, sizeof(ptr), P_CHANNELS "/%zu", i);
		if (c->type != J_STR) {
			invalid(e, ptr, "Each channel must be a string.");
			continue;
		}
		for (j = 0; j < NR_CHANNELS; j++)
			if (strlen(channel_names[j].name) == c->len &&
			    !memcmp(channel_names[j].name, c->str, c->len))
				break;
		if (j == NR_CHANNELS) {
			invalid(e, ptr, "Unknown channel; use EMAIL, SMS, PUSH or WHATSAPP.");
			continue;
		}
		if (bits & channel_names[j].bit) {
			invalid(e, ptr, "Channel '%s' is listed twice.",
				channel_names[j].name);
			continue;
		}
		bits |= channel_names[j].bit;
	}
	return bits;
}

/*
 * An optional profile attribute: returns 1 (present; *s and *len give the
 * trimmed string), 0 (absent, null or blank) or -1 (present but invalid, reported).
 */
static int profile_str(struct jsonapi_errors *e, const struct jnode *pattrs,
		       const char *key, const char *pointer,
		       const char **s, size_t *len)
{
	const struct jnode *n;
	int r = get_str(e, pattrs, key, pointer, 0, &n);

	if (r <= 0)
		return r;
	*s = n->str;
	*len = n->len;
	span_trim(s, len);
	return *len ? 1 : 0;
}

/* Validate the profile attributes against channels, filling out. */
static void check_profile(struct jsonapi_errors *e, const struct jnode *pattrs,
			  unsigned channels, struct jsonapi_sub *out)
{
	const char *s;
	size_t len;
	int email, phone, ext, reported = 0;

	email = profile_str(e, pattrs, "email", P_PATTRS "/email", &s, &len);
	if (email > 0) {
		if (email_valid(s, len))
			out->email = xstrndup(s, len);
		else
			invalid(e, P_PATTRS "/email", "Enter a valid email address.");
	}
	phone = profile_str(e, pattrs, "phone_number", P_PATTRS "/phone_number",
			    &s, &len);
	if (phone > 0) {
		out->phone = xstrndup(s, len);
		if (len > MAX_PHONE_BYTES || !phone_e164_valid(out->phone)) {
			invalid(e, P_PATTRS "/phone_number",
				"The phone number must be in E.164 format, e.g. +15005550006.");
			free(out->phone);
			out->phone = NULL;
		}
	}
	ext = profile_str(e, pattrs, "external_id", P_PATTRS "/external_id",
			  &s, &len);
	if (ext > 0) {
		if (len > MAX_EXTERNAL_ID_BYTES)
			invalid(e, P_PATTRS "/external_id",
				"'external_id' is longer than %d bytes.",
				MAX_EXTERNAL_ID_BYTES);
		else if (has_control(s, len))
			invalid(e, P_PATTRS "/external_id",
				"'external_id' must not contain control characters.");
		else
			out->external_id = xstrndup(s, len);
	}
	if ((channels & JSONAPI_CH_EMAIL) && !email) {
		invalid(e, P_PATTRS "/email",
			"An email is required for the EMAIL channel.");
		reported = 1;
	}
	if ((channels & (JSONAPI_CH_SMS | JSONAPI_CH_WHATSAPP)) && !phone) {
		invalid(e, P_PATTRS "/phone_number",
			"A phone_number is required for the SMS and WHATSAPP channels.");
		reported = 1;
	}
	if (!email && !phone && !ext && !reported)
		invalid(e, P_PATTRS,
			"At least one of email, phone_number or external_id is required.");
}

static void check_variant(struct jsonapi_errors *e, const struct jnode *vdata,
			  struct jsonapi_sub *out)
{
	const struct jnode *n;
	const char *p = P_VDATA "/id";
	size_t plen = strlen(JSONAPI_VARIANT_PREFIX), rest;

	check_type(e, vdata, P_VDATA "/type", "catalog-variant");
	if (get_str(e, vdata, "id", p, 1, &n) != 1)
		return;
	if (n->len < plen || memcmp(n->str, JSONAPI_VARIANT_PREFIX, plen)) {
		invalid(e, p, "'id' must look like \"" JSONAPI_VARIANT_PREFIX
			"<variant id>\".");
		return;
	}
	rest = n->len - plen;
	if (!rest)
		invalid(e, p, "The variant id after \"" JSONAPI_VARIANT_PREFIX
			"\" is empty.");
	else if (rest > MAX_VARIANT_BYTES)
		invalid(e, p, "The variant id is longer than %d bytes.",
			MAX_VARIANT_BYTES);
	else if (has_control(n->str + plen, rest))
		invalid(e, p, "The variant id must not contain control characters.");
	else
		out->variant_id = xstrndup(n->str + plen, rest);
}

static void check_body(struct jsonapi_errors *e, const struct jnode *root,
		       struct jsonapi_sub *out)
{
	const struct jnode *data, *attrs, *o, *rels;
	unsigned channels = 0;

	if (root->type != J_OBJ) {
		invalid(e, "/", "The request body must be a JSON object.");
		return;
	}
	data = need_obj(e, root, "data", P_DATA);
	if (!data)
		return;
	check_type(e, data, P_DATA "/type", "back-in-stock-subscription");
	attrs = need_obj(e, data, "attributes", P_ATTRS);
	if (attrs) {
		channels = check_channels(e, attrs);
		out->channels = channels;
		o = need_obj(e, attrs, "profile", P_PROFILE);
		if (o)
			o = need_obj(e, o, "data", P_PDATA);
		if (o) {
			check_type(e, o, P_PDATA "/type", "profile");
			o = need_obj(e, o, "attributes", P_PATTRS);
		}
		if (o)
			check_profile(e, o, channels, out);
	}
	rels = need_obj(e, data, "relationships", P_RELS);
	if (rels)
		o = need_obj(e, rels, "variant", P_VARIANT);
	if (rels && o)
		o = need_obj(e, o, "data", P_VDATA);
	if (rels && o)
		check_variant(e, o, out);
}

int jsonapi_parse_subscription(const char *body, size_t len,
			       struct jsonapi_sub *out,
			       struct jsonapi_errors *errs)
{
	struct jnode *root;
	size_t before = errs->nr;
	int too_deep;

	jsonapi_sub_release(out);
	if (len > MAX_BODY_BYTES)
		return 413;
	root = jtree_parse(body, len, &too_deep);
	if (!root) {
		if (too_deep)
			invalid(errs, "/", "The request body nests deeper than %d levels.",
				MAX_JSONAPI_DEPTH);
		else
			invalid(errs, "/", "The request body is not valid JSON.");
		return 400;
	}
	check_body(errs, root, out);
	jnode_free(root);
	if (errs->nr > before) {
		jsonapi_sub_release(out);
		return 400;
	}
	return 0;
}

/* ---- error documents ---- */

/* uuid4: a random UUID v4 in out (37 bytes). */
static void uuid4(char out[37])
{
	unsigned char r[16];
	int i, o = 0;

	if (random_bytes(r, sizeof(r)) < 0)
		memset(r, 0, sizeof(r));	/* ids only need to be distinct in logs */
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		o += snprintf(out + o, 3, "%02x", r[i]);
	}
	out[o] = '\0';
}

static void write_error(struct json *j, const struct jsonapi_error *x)
{
	char id[37];

	uuid4(id);
	json_obj_begin(j);
	json_key(j, "id");
	json_str(j, id);
	json_key(j, "status");
	json_int(j, x->status);
	json_key(j, "code");
	json_str(j, x->code ? x->code : "");
	json_key(j, "title");
	json_str(j, x->title ? x->title : "");
	json_key(j, "detail");
	json_str(j, x->detail ? x->detail : "");
	if (x->pointer) {
		json_key(j, "source");
		json_obj_begin(j);
		json_key(j, "pointer");
		json_str(j, x->pointer);
		json_obj_end(j);
	}
	json_obj_end(j);
}

void jsonapi_errors_write(const struct jsonapi_errors *errs, struct buf *out)
{
	struct json j;
	size_t i;

	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "errors");
	json_arr_begin(&j);
	for (i = 0; i < errs->nr; i++)
		write_error(&j, &errs->v[i]);
	json_arr_end(&j);
	json_obj_end(&j);
}

void jsonapi_error_write(struct buf *out, int status, const char *code,
			 const char *title, const char *detail,
			 const char *pointer)
{
	struct jsonapi_error x;
	struct jsonapi_errors one;

	x.status = status;
	x.code = (char *)(code ? code : "");
	x.title = (char *)(title ? title : "");
	x.detail = (char *)(detail ? detail : "");
	x.pointer = (char *)pointer;
	one.v = &x;
	one.nr = 1;
	one.alloc = 1;
	jsonapi_errors_write(&one, out);
}
