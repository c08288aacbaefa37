#!/bin/sh
# feed_sync.t: ingest every supported feed shape with restockctl sync and read the catalog back.
. "$(dirname "$0")/feed_lib.sh"
echo "1..30"

new_home
sync "$FEEDS/klaviyo.xml"; ok $? "Klaviyo <rss><Products><Product> feed syncs"
has "sync: 2 items accepted, 0 rejected, 0 warnings"; ok $? "summary line counts 2 accepted"
listing >"$TMP/l"
grep -q '"\$id": "K-2"' "$TMP/l" && grep -q '"Tools", "Kitchen"' "$TMP/l"; ok $? "comma-string categories become a list"
! grep -q '"K-1"' "$TMP/l"; ok $? "policy 1 item out of stock is hidden from the listing"
"$CTL" --home "$H" status 2>&1 | grep -q '^items: 2'; ok $? "status counts 2 items"

sync "$FEEDS/items.xml"; ok $? "<items><item> feed syncs"
listing >"$TMP/l"
grep -q '"I-1"' "$TMP/l" && grep -q '"A", "B"' "$TMP/l" && ! grep -q '"K-2"' "$TMP/l"; ok $? "nested category lists kept; old items left the catalog"

sync "$FEEDS/google.xml"; ok $? "Google Merchant RSS syncs"
listing >"$TMP/l"
grep -q '"\$price": 12.99' "$TMP/l" && grep -q '"\$inventory_quantity": 1' "$TMP/l" && grep -q '"\$inventory_quantity": 0' "$TMP/l"; ok $? "g:price 12.99 USD and g:availability mapped"
grep -q '"g:brand": "Acme"' "$TMP/l" && ! grep -q '"Example store"' "$TMP/l"; ok $? "custom g: field kept; channel title is not an item"

sync "$FEEDS/array.json"; ok $? "JSON array syncs"
listing >"$TMP/l"
grep -q '"\$price": 19.99' "$TMP/l" && grep -q '"\$inventory_quantity": 7' "$TMP/l"; ok $? "numbers written as strings parsed"
grep -q '"big": "123456789012345678901234567890"' "$TMP/l"; ok $? "a big integer is kept exactly as metadata"

sync "$FEEDS/object.json"; ok $? "JSON object holding an array syncs"
listing >"$TMP/l"
grep -q '"O-1"' "$TMP/l" && grep -q '"O-2"' "$TMP/l" && ! grep -q '"not"' "$TMP/l"; ok $? "\$-keys map to themselves; only the first item array is read"

sync "$FEEDS/invalid.json"; ok $? "a feed with invalid items still syncs"
has "sync: 2 items accepted, 10 rejected" && has "rejected: " && has "item 3 (id V-3): price: not a number" && has '$link: not an http(s) URL'; ok $? "rejections listed with item number, id, field and reason"

sync "$FEEDS/dups.json"; ok $? "duplicate ids sync"
has "1 warnings" && has "warning: duplicate id D-1"; ok $? "duplicate id is a warning"
listing | grep -q '"\$title": "Second"'; ok $? "the last duplicate wins"

sync "$FEEDS/array.json" "$FEEDS/second.json" "$FEEDS/items.xml"; ok $? "three sources in one sync"
listing >"$TMP/l"
grep -q '"J-1"' "$TMP/l" && grep -q '"S-1"' "$TMP/l" && grep -q '"I-2"' "$TMP/l"; ok $? "all sources are in one catalog"

"$CTL" --home "$H" sync - <"$FEEDS/second.json" >"$TMP/out" 2>&1; ok $? "stdin source '-' syncs"
listing | grep -q '"S-1"' && ! listing | grep -q '"J-1"'; ok $? "stdin feed replaced the catalog"

# URL sources served on loopback
mkdir -p "$TMP/www" && cp "$FEEDS/array.json" "$TMP/www/"
if start_server "$TMP/www"; then
	sync "http://127.0.0.1:$PORT/array.json"; st=$?
	has "refused" && [ $st -ne 0 ]; ok $? "the SSRF guard refuses 127.0.0.1 unless allowed"
	"$CTL" --home "$H" settings feed_allowed_hosts 127.0.0.1 >/dev/null 2>&1
	sync "http://127.0.0.1:$PORT/array.json"; ok $? "URL source syncs with feed_allowed_hosts=127.0.0.1"
	listing | grep -q '"J-1"'; ok $? "URL feed items are in the catalog"
	before=$(snapshot)
	sync "http://127.0.0.1:$PORT/missing.json"; st=$?
	[ $st -ne 0 ] && has "HTTP 404"; ok $? "a 404 URL fails clearly"
	[ "$(snapshot)" = "$before" ]; ok $? "the failed URL sync left the catalog as it was"
else
	for i in 1 2 3 4 5; do ok 1 "could not start python3 http.server"; done
fi
sync "$FEEDS/demo-missing.xml"; [ $? -ne 0 ] && has "No such file"; ok $? "a missing file fails clearly"
exit $FAILED
