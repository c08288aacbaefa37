/* item: catalog item lifecycle and its record encoding (version 1). */
#include "store/item.h"

#include <stdlib.h>
#include <string.h>

#include "core/rec.h"

enum {
	ITEM_REC_VERSION = 1,
	T_ID = 'i', T_TITLE = 't', T_LINK = 'l', T_DESC = 'd', T_IMAGE = 'm',
	T_PRICE = 'p', T_QTY = 'q', T_POLICY = 'o', T_CAT = 'c',
	T_META = 'x', T_SEQ = 's', T_PREV = 'r', T_FIRST = 'f', T_LAST = 'a',
};

void item_init(struct item *it)
{
	memset(it, 0, sizeof(*it));
}

void item_release(struct item *it)
{
	size_t i;
	free(it->id);
	free(it->title);
	free(it->link);
	free(it->description);
	free(it->image_link);
	for (i = 0; i < it->ncategories; i++)
		free(it->categories[i]);
	free(it->categories);
	for (i = 0; i < it->nmeta; i++) {
		free(it->meta[i].name);
		free(it->meta[i].value);
	}
	free(it->meta);
	item_init(it);
}

void item_add_category(struct item *it, const char *s, size_t len)
{
	it->categories = xrealloc(it->categories,
				  (it->ncategories + 1) * sizeof(char *));
	it->categories[it->ncategories++] = xstrndup(s, len);
}

void item_add_meta(struct item *it, const char *name, const char *value,
		   size_t vlen, char type)
{
	if (it->nmeta == it->meta_alloc) {
		it->meta_alloc = it->meta_alloc ? it->meta_alloc * 2 : 8;
		it->meta = xrealloc(it->meta, it->meta_alloc * sizeof(*it->meta));
	}
	it->meta[it->nmeta].name = xstrdup(name);
	it->meta[it->nmeta].value = xstrndup(value, vlen);
	it->meta[it->nmeta].type = type;
	it->nmeta++;
}

const char *item_meta_get(const struct item *it, const char *name)
{
	for (size_t i = 0; i < it->nmeta; i++)
		if (!strcmp(it->meta[i].name, name))
			return it->meta[i].value;
	return NULL;
}

void item_encode(const struct item *it, struct buf *out)
{
	size_t i;
	rec_begin(out, ITEM_REC_VERSION);
	rec_put_str(out, T_ID, it->id);
	rec_put_str(out, T_TITLE, it->title);
	rec_put_str(out, T_LINK, it->link);
	rec_put_str(out, T_DESC, it->description);
	rec_put_str(out, T_IMAGE, it->image_link);
	if (it->has_price)
		rec_put_dbl(out, T_PRICE, it->price);
	if (it->has_quantity)
		rec_put_ll(out, T_QTY, it->quantity);
	if (it->policy)
		rec_put_ll(out, T_POLICY, it->policy);
	for (i = 0; i < it->ncategories; i++)
		rec_put_str(out, T_CAT, it->categories[i]);
	for (i = 0; i < it->nmeta; i++) {
		/* type byte, name, NUL, value */
		struct buf m = BUF_INIT;
		buf_addch(&m, it->meta[i].type);
		buf_adds(&m, it->meta[i].name);
		buf_addch(&m, '\0');
		buf_adds(&m, it->meta[i].value);
		rec_put(out, T_META, m.ptr, m.len);
		buf_release(&m);
	}
	rec_put_ll(out, T_SEQ, it->seq);
	if (it->has_prev)
		rec_put_ll(out, T_PREV, it->prev_quantity);
	rec_put_ll(out, T_FIRST, it->first_seen);
	rec_put_ll(out, T_LAST, it->last_seen);
}

static char **str_slot(struct item *it, unsigned char tag)
{
	switch (tag) {
	case T_ID: return &it->id;
	case T_TITLE: return &it->title;
	case T_LINK: return &it->link;
	case T_DESC: return &it->description;
	case T_IMAGE: return &it->image_link;
	}
	return NULL;
}

int item_decode(struct item *it, const char *data, size_t len)
{
	struct rec_reader r;
	unsigned char tag;
	const char *d;
	size_t n;
	int rc;

	item_release(it);
	if (rec_reader_init(&r, data, len) < 0 || r.version != ITEM_REC_VERSION)
		return -1;
	while ((rc = rec_next(&r, &tag, &d, &n)) == 1) {
		char **slot = str_slot(it, tag);
		if (slot) {
			free(*slot);
			*slot = xstrndup(d, n);
			continue;
		}
		switch (tag) {
		case T_PRICE: it->price = rec_dbl(d, n); it->has_price = 1; break;
		case T_QTY: it->quantity = rec_ll(d, n); it->has_quantity = 1; break;
		case T_POLICY: it->policy = (int)rec_ll(d, n); break;
		case T_CAT: item_add_category(it, d, n); break;
		case T_SEQ: it->seq = rec_ll(d, n); break;
		case T_PREV: it->prev_quantity = rec_ll(d, n); it->has_prev = 1; break;
		case T_FIRST: it->first_seen = rec_ll(d, n); break;
		case T_LAST: it->last_seen = rec_ll(d, n); break;
		case T_META: {
			const char *nul = n > 1 ? memchr(d + 1, '\0', n - 1) : NULL;
			if (!nul)
				return -1;
			char *name = xstrndup(d + 1, (size_t)(nul - d - 1));
			item_add_meta(it, name, nul + 1, n - (size_t)(nul + 1 - d), d[0]);
			free(name);
			break;
		}
		default: break;	/* a newer field: skip */
		}
	}
	if (rc < 0 || !it->id)
		return -1;
	return 0;
}

int item_in_stock(const struct item *it, long long min_inventory)
{
	return it->has_quantity && it->quantity >= min_inventory;
}

int item_visible(const struct item *it, long long min_inventory)
{
	if (it->policy != 1)
		return 1;
	return item_in_stock(it, min_inventory);
}
