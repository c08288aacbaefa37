/* item_json: an item as a JSON object with Klaviyo's $-field names (one encoder for every endpoint). */
#ifndef RESTOCK_ITEM_JSON_H
#define RESTOCK_ITEM_JSON_H

#include "store/item.h"
#include "core/json.h"

void item_json(struct json *j, const struct item *it);

#endif
