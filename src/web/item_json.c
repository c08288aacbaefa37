/* item_json: write a catalog item as JSON. */
#include "web/item_json.h"

#include <stdlib.h>
#include <string.h>

static void meta_value(struct json *j, const struct item_meta *m)
{
	char *end;
	double d;
	switch (m->type) {
	case FT_NUMBER:
		d = strtod(m->value, &end);
		if (*m->value && !*end) {
			json_num(j, d);
			return;
		}
		break;
	case FT_BOOLEAN:
		json_bool(j, !strcmp(m->value, "true"));
		return;
	case FT_LIST:
		/* stored as a JSON array already validated by the feed reader */
		if (m->value[0] == '[') {
			json_raw_trusted(j, m->value);
			return;
		}
		break;
	}
	json_str(j, m->value);
}

void item_json(struct json *j, const struct item *it)
{
	json_obj_begin(j);
	json_key(j, "$id");
	json_str(j, it->id);
	json_key(j, "$title");
	json_str(j, it->title);
	json_key(j, "$link");
	json_str(j, it->link);
	json_key(j, "$description");
	json_str(j, it->description);
	json_key(j, "$price");
	if (it->has_price)
		json_num(j, it->price);
	else
		json_null(j);
	json_key(j, "$image_link");
	json_str(j, it->image_link);
	json_key(j, "$categories");
	json_arr_begin(j);
	for (size_t i = 0; i < it->ncategories; i++)
		json_str(j, it->categories[i]);
	json_arr_end(j);
	json_key(j, "$inventory_quantity");
	if (it->has_quantity)
		json_int(j, it->quantity);
	else
		json_null(j);
	json_key(j, "$inventory_policy");
	json_int(j, it->policy ? it->policy : 2);
	for (size_t i = 0; i < it->nmeta; i++) {
		json_key(j, it->meta[i].name);
		meta_value(j, &it->meta[i]);
	}
	json_obj_end(j);
}
