/* json: stream a JSON feed with yajl into the item builder, in constant memory. */
#include "feed/json.h"

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "core/limits.h"

#define JSON_CHUNK (64 * 1024)

enum jkind { J_SCALAR, J_NULL, J_MAP, J_ARRAY };

struct jstate {
	struct feed_builder *b;
	int depth;		/* open containers */
	int top;		/* 'a' or 'o' once the top value started */
	int items_depth;	/* depth of the open item array, 0 none */
	int items_done;		/* the item array was closed */
	int cand_depth;		/* an array value of the top object awaiting its first element */
	int item_depth;		/* depth inside the open item object, 0 none */
	int in_list;		/* an array value of the item is open */
	int too_deep, aborted;
	struct buf key;
};

static int end_item(struct jstate *st)
{
	if (feed_builder_end_item(st->b) < 0) {
		st->aborted = 1;
		return 0;
	}
	return 1;
}

/* item_value: a value inside the open item at depth d. */
static void item_value(struct jstate *st, int d, enum jkind k, const char *s,
		       size_t n)
{
	struct buf why = BUF_INIT;
	if (d == st->item_depth) {
		if (k == J_SCALAR)
			feed_builder_field(st->b, st->key.ptr, st->key.len, s, n, 0);
		else if (k == J_ARRAY)
			st->in_list = 1;
		else if (k == J_MAP) {
			buf_adds(&why, "nested objects are not supported");
			feed_builder_reject(st->b, st->key.ptr, why.ptr);
		}
	} else if (d == st->item_depth + 1 && st->in_list) {
		if (k == J_SCALAR)
			feed_builder_field(st->b, st->key.ptr, st->key.len, s, n, 1);
		else if (k != J_NULL) {
			buf_adds(&why, "lists may only hold strings, numbers or booleans");
			feed_builder_reject(st->b, st->key.ptr, why.ptr);
		}
	}
	buf_release(&why);
}

/* on_value: any value starting at the current depth (before a container opens). */
static int on_value(struct jstate *st, enum jkind k, const char *s, size_t n)
{
	int d = st->depth;

	if (d == 0) {
		st->top = k == J_ARRAY ? 'a' : k == J_MAP ? 'o' : 0;
		if (k == J_ARRAY)
			st->items_depth = 1;
		return 1;
	}
	if (st->item_depth && d >= st->item_depth) {
		item_value(st, d, k, s, n);
		return 1;
	}
	if (st->cand_depth && d == st->cand_depth) {
		if (k == J_MAP)
			st->items_depth = st->cand_depth;
		st->cand_depth = 0;
	}
	if (st->items_depth && d == st->items_depth) {
		feed_builder_begin_item(st->b);
		if (k == J_MAP) {
			st->item_depth = d + 1;
			st->in_list = 0;
			return 1;
		}
		feed_builder_reject(st->b, "", "the item is not an object");
		return end_item(st);
	}
	if (st->top == 'o' && d == 1 && k == J_ARRAY && !st->items_depth &&
	    !st->items_done)
		st->cand_depth = 2;
	return 1;
}

static int open_container(struct jstate *st, enum jkind k)
{
	if (!on_value(st, k, NULL, 0))
		return 0;
	if (++st->depth > FEED_MAX_JSON_DEPTH) {
		st->too_deep = 1;
		return 0;
	}
	return 1;
}

static int cb_null(void *ctx)
{
	return on_value(ctx, J_NULL, NULL, 0);
}

static int cb_boolean(void *ctx, int v)
{
	return on_value(ctx, J_SCALAR, v ? "true" : "false", v ? 4 : 5);
}

static int cb_number(void *ctx, const char *s, size_t n)
{
	return on_value(ctx, J_SCALAR, s, n);
}

static int cb_string(void *ctx, const unsigned char *s, size_t n)
{
	return on_value(ctx, J_SCALAR, (const char *)s, n);
}

static int cb_start_map(void *ctx)
{
	return open_container(ctx, J_MAP);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t n)
{
	struct jstate *st = ctx;
	if (st->item_depth && st->depth == st->item_depth) {
		buf_reset(&st->key);
		/* the builder rejects longer names; keep the buffer bounded */
		buf_add(&st->key, s, n > FEED_MAX_FIELD_NAME_BYTES + 1 ?
			FEED_MAX_FIELD_NAME_BYTES + 1 : n);
		feed_builder_forget(st->b, st->key.ptr, st->key.len);
	}
	return 1;
}

static int cb_end_map(void *ctx)
{
	struct jstate *st = ctx;
	int rc = 1;
	if (st->item_depth && st->depth == st->item_depth) {
		st->item_depth = 0;
		rc = end_item(st);
	}
	st->depth--;
	return rc;
}

static int cb_start_array(void *ctx)
{
	return open_container(ctx, J_ARRAY);
}

static int cb_end_array(void *ctx)
{
	struct jstate *st = ctx;
	if (st->item_depth && st->depth == st->item_depth + 1)
		st->in_list = 0;
	if (st->items_depth && st->depth == st->items_depth) {
		st->items_depth = 0;
		st->items_done = 1;
	}
	if (st->cand_depth && st->depth == st->cand_depth)
		st->cand_depth = 0;
	st->depth--;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_boolean,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end_map,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end_array,
};

static void count_lines(const unsigned char *p, size_t n, long *line, long *col)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static void syntax_error(yajl_handle h, const unsigned char *chunk, size_t n,
			 long line, long col, struct buf *err)
{
	unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
	size_t used = yajl_get_bytes_consumed(h);
	struct buf m = BUF_INIT;

	count_lines(chunk, used < n ? used : n, &line, &col);
	buf_adds(&m, msg ? (const char *)msg : "parse error");
	buf_trim(&m);
	buf_addf(err, "malformed JSON at line %ld, column %ld: %s", line, col, m.ptr);
	buf_release(&m);
	if (msg)
		yajl_free_error(h, msg);
}

int feed_parse_json(struct feed_input *in, struct feed_builder *b,
		    struct buf *err)
{
	struct jstate st;
	unsigned char *chunk = xmalloc(JSON_CHUNK);
	long line = 1, col = 1, n = 0;
	yajl_status s = yajl_status_ok;
	yajl_handle h;
	int rc = 0;

	memset(&st, 0, sizeof(st));
	st.b = b;
	buf_init(&st.key);
	feed_input_rewind(in);
	h = yajl_alloc(&callbacks, NULL, &st);
	while ((n = feed_input_read(in, chunk, JSON_CHUNK)) > 0) {
		s = yajl_parse(h, chunk, (size_t)n);
		if (s != yajl_status_ok)
			break;
		count_lines(chunk, (size_t)n, &line, &col);
	}
	if (n < 0) {
		if (in->over)
			buf_addf(err, "larger than feed_max_bytes (%lld)", in->max_bytes);
		else
			buf_adds(err, "read error");
		rc = -1;
	} else if (s == yajl_status_ok) {
		s = yajl_complete_parse(h);
		n = 0;
	}
	if (rc == 0 && s != yajl_status_ok) {
		if (st.aborted) {
			rc = -2;
		} else if (st.too_deep) {
			buf_addf(err, "malformed JSON: nested deeper than %d levels",
				 FEED_MAX_JSON_DEPTH);
			rc = -1;
		} else {
			syntax_error(h, chunk, (size_t)n, line, col, err);
			rc = -1;
		}
	}
	yajl_free(h);
	free(chunk);
	buf_release(&st.key);
	return rc;
}
