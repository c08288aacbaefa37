/* builder: collect an item's fields with limits, then map, validate and hand it to the sink. */
#include "feed/builder.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "feed/validate.h"

#define SEEN_SLOTS (FEED_MAX_SEEN_FIELDS * 2)

void feed_builder_init(struct feed_builder *b, const struct feed_mapping *map,
		       const struct feed_sink *sink)
{
	memset(b, 0, sizeof(*b));
	b->map = map;
	if (sink)
		b->sink = *sink;
	feed_problem_init(&b->problem);
}

void feed_builder_release(struct feed_builder *b)
{
	for (size_t i = 0; i < b->alloc; i++) {
		buf_release(&b->fields[i].name);
		buf_release(&b->fields[i].val);
	}
	free(b->fields);
	if (b->seen) {
		for (size_t i = 0; i < SEEN_SLOTS; i++)
			free(b->seen[i]);
		free(b->seen);
	}
	feed_problem_release(&b->problem);
	memset(b, 0, sizeof(*b));
}

void feed_builder_source(struct feed_builder *b)
{
	b->itemno = 0;
	b->preset_known = 0;
	b->in_item = 0;
}

void feed_builder_begin_item(struct feed_builder *b)
{
	b->nfields = 0;
	b->bad = 0;
	b->in_item = 1;
	b->itemno++;
}

void feed_builder_reject(struct feed_builder *b, const char *field,
			 const char *reason)
{
	if (!b->in_item || b->bad)
		return;
	b->bad = 1;
	feed_problem_set(&b->problem, field, "%s", reason);
}

static struct feed_field *find_field(struct feed_builder *b, const char *name,
				     size_t nlen)
{
	for (size_t i = 0; i < b->nfields; i++) {
		struct feed_field *f = &b->fields[i];
		if (f->name.len == nlen && !memcmp(f->name.ptr, name, nlen))
			return f;
	}
	return NULL;
}

void feed_builder_forget(struct feed_builder *b, const char *name, size_t nlen)
{
	struct feed_field *f = b->in_item ? find_field(b, name, nlen) : NULL;
	if (!f)
		return;
	buf_reset(&f->val);
	f->nelem = 0;
	f->is_list = 0;
	f->too_long = 0;
	f->forgot = 1;
}

static struct feed_field *new_field(struct feed_builder *b, const char *name,
				    size_t nlen)
{
	struct feed_field *f;
	if (b->nfields == b->alloc) {
		size_t na = b->alloc ? b->alloc * 2 : 16;
		b->fields = xrealloc(b->fields, na * sizeof(*b->fields));
		for (size_t i = b->alloc; i < na; i++) {
			buf_init(&b->fields[i].name);
			buf_init(&b->fields[i].val);
		}
		b->alloc = na;
	}
	f = &b->fields[b->nfields++];
	buf_reset(&f->name);
	buf_add(&f->name, name, nlen);
	buf_reset(&f->val);
	f->nelem = 0;
	f->is_list = 0;
	f->too_long = 0;
	f->forgot = 0;
	return f;
}

void feed_builder_field(struct feed_builder *b, const char *name, size_t nlen,
			const char *val, size_t vlen, int list_elem)
{
	struct feed_field *f;
	char msg[128];

	if (!b->in_item || b->bad)
		return;
	if (nlen == 0 || nlen > FEED_MAX_FIELD_NAME_BYTES ||
	    memchr(name, '\0', nlen)) {
		b->bad = 1;
		feed_problem_set(&b->problem, "", "a field name is empty, too long or contains NUL");
		return;
	}
	if (memchr(val, '\0', vlen)) {
		b->bad = 1;
		buf_reset(&b->problem.field);
		buf_add(&b->problem.field, name, nlen);
		buf_reset(&b->problem.reason);
		buf_adds(&b->problem.reason, "contains a NUL character");
		return;
	}
	f = find_field(b, name, nlen);
	if (!f) {
		if (b->nfields >= FEED_MAX_FIELDS) {
			snprintf(msg, sizeof(msg), "more than %d fields", FEED_MAX_FIELDS);
			b->bad = 1;
			feed_problem_set(&b->problem, "", "%s", msg);
			return;
		}
		f = new_field(b, name, nlen);
	} else if (f->forgot) {
		f->forgot = 0;	/* a repeated JSON key starts afresh */
	} else if (!list_elem) {
		f->is_list = 1;	/* a repeated XML element */
	}
	if (list_elem)
		f->is_list = 1;
	if (f->val.len + vlen > FEED_MAX_FIELD_BYTES) {
		b->bad = 1;
		feed_problem_set(&b->problem, f->name.ptr,
				 "field %s longer than %d bytes", f->name.ptr,
				 FEED_MAX_FIELD_BYTES);
		return;
	}
	buf_add(&f->val, val, vlen);
	buf_addch(&f->val, '\0');
	f->nelem++;
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* note_fields: report each field name once per sync, up to FEED_MAX_SEEN_FIELDS. */
static void note_fields(struct feed_builder *b)
{
	if (!b->sink.field_seen)
		return;
	if (!b->seen)
		b->seen = xcalloc(SEEN_SLOTS, sizeof(char *));
	for (size_t i = 0; i < b->nfields; i++) {
		const char *name = b->fields[i].name.ptr;
		size_t s = hash(name) % SEEN_SLOTS;
		while (b->seen[s] && strcmp(b->seen[s], name))
			s = (s + 1) % SEEN_SLOTS;
		if (b->seen[s] || b->nseen >= FEED_MAX_SEEN_FIELDS)
			continue;
		b->seen[s] = xstrdup(name);
		b->nseen++;
		b->sink.field_seen(b->sink.ctx, name);
	}
}

/* id_hint: the item's id for a rejection row, when one can be found. */
static const char *id_hint(struct feed_builder *b, const struct item *it)
{
	if (it->id && *it->id)
		return it->id;
	for (size_t i = 0; i < b->nfields; i++)
		if (feed_map_is_id(b->map, b->preset, b->fields[i].name.ptr))
			return b->fields[i].val.ptr;
	return NULL;
}

int feed_builder_end_item(struct feed_builder *b)
{
	struct item it;
	int rc = 0;

	if (!b->in_item)
		return 0;
	b->in_item = 0;
	if (!b->preset_known) {
		b->preset = feed_map_preset(b->map, b->fields, b->nfields);
		b->preset_known = 1;
	}
	if (!b->bad)
		note_fields(b);
	item_init(&it);
	if (b->bad ||
	    feed_map_item(b->map, b->preset, b->fields, b->nfields, &it, &b->problem) < 0 ||
	    feed_validate_item(&it, &b->problem) < 0) {
		b->rejected++;
		if (b->sink.reject)
			b->sink.reject(b->sink.ctx, b->itemno, id_hint(b, &it),
				       b->problem.field.ptr, b->problem.reason.ptr);
	} else {
		b->accepted++;
		if (b->sink.item && b->sink.item(b->sink.ctx, &it, b->itemno) < 0)
			rc = -1;
	}
	item_release(&it);
	return rc;
}
