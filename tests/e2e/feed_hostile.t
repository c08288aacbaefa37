#!/bin/sh
# feed_hostile.t: hostile and broken feeds fail clearly and leave the previous catalog exactly as it was.
. "$(dirname "$0")/feed_lib.sh"
echo "1..25"

new_home
sync "$FEEDS/array.json"; ok $? "a good catalog to protect"
BEFORE=$(snapshot)

hostile() {	# hostile FILE EXPECTED-TEXT DESCRIPTION
	timeout 60 "$CTL" --home "$H" sync "$1" >"$TMP/out" 2>&1
	st=$?
	[ $st -eq 1 ] && has "$2" && [ "$(wc -l <"$TMP/out")" -eq 1 ] &&
		[ "$(snapshot)" = "$BEFORE" ]
	ok $? "$3"
}

hostile "$FEEDS/billion_laughs.xml" "billion_laughs.xml:" "billion laughs: clear error, catalog unchanged"

python3 - "$TMP/quadratic.xml" <<'PY'
import sys
big = "A" * 50000
refs = "&a;" * 50000
open(sys.argv[1], "w").write('<?xml version="1.0"?>\n<!DOCTYPE items [<!ENTITY a "%s">]>\n'
    '<items><item><id>q</id><title>%s</title><link>&a;</link><description>x</description>'
    '<price>1</price><image_link>&a;</image_link></item></items>\n' % (big, refs))
PY
start=$(date +%s)
hostile "$TMP/quadratic.xml" "quadratic.xml:" "quadratic blowup: clear error, catalog unchanged"
[ $(( $(date +%s) - start )) -lt 20 ]; ok $? "quadratic blowup does not take long"

hostile "$FEEDS/xxe_file.xml" "xxe_file.xml:" "XXE file entity: clear error, catalog unchanged"
! grep -q "root:" "$TMP/out" && ! listing | grep -q "root:"; ok $? "file:///etc/passwd was never read into the output or catalog"
hostile "$FEEDS/xxe_param.xml" "xxe_param.xml: malformed XML" "XXE parameter entity: not loaded, clear error"
hostile "$FEEDS/external_dtd.xml" "external_dtd.xml:" "external DTD: not loaded, clear error"

python3 -c 'print("[" * 100000 + "]" * 100000)' >"$TMP/deep.json"
hostile "$TMP/deep.json" "nested deeper than 32 levels" "100k nested JSON arrays: malformed feed"

hostile "$FEEDS/invalid_utf8.json" "malformed JSON" "invalid UTF-8 in JSON: malformed feed"
hostile "$FEEDS/invalid_utf8.xml" "malformed XML" "invalid UTF-8 in XML: malformed feed"
hostile "$FEEDS/truncated.xml" "truncated.xml: malformed XML at line" "truncated XML: malformed feed with line and column"
hostile "$FEEDS/truncated.json" "truncated.json: malformed JSON at line" "truncated JSON: malformed feed with line and column"
hostile "$FEEDS/empty.json" "the feed is empty" "an empty file fails"
hostile "$FEEDS/empty_array.json" "no valid items" "an empty item array fails"
hostile "$FEEDS/zero_valid.json" "no valid items (1 rejected" "zero valid items fail"

# a huge string rejects only its item
python3 - "$TMP/huge.json" <<'PY'
import json, sys
item = lambda i, **kw: dict(dict(id="H%d" % i, title="t", link="https://x.example/%d" % i,
    description="d", price=1, image_link="https://x.example/%d.jpg" % i), **kw)
json.dump([item(1, description="x" * 70000), item(2)], open(sys.argv[1], "w"))
PY
sync "$TMP/huge.json"; st=$?
[ $st -eq 0 ] && has "1 items accepted, 1 rejected" && has "field description longer than 65536 bytes"; ok $? "a 70 KB field rejects its item, not the feed"
sync "$FEEDS/array.json" >/dev/null; BEFORE=$(snapshot)

# size cap
"$CTL" --home "$H" settings feed_max_bytes 2048 >/dev/null 2>&1
python3 "$ROOT/bench/gen_feed.py" 20 --format json -o "$TMP/big.json"
hostile "$TMP/big.json" "larger than feed_max_bytes (2048)" "a file over feed_max_bytes fails"
"$CTL" --home "$H" sync - <"$TMP/big.json" >"$TMP/out" 2>&1; st=$?
[ $st -eq 1 ] && has "larger than feed_max_bytes (2048)" && [ "$(snapshot)" = "$BEFORE" ]; ok $? "stdin over feed_max_bytes fails"
mkdir -p "$TMP/www" && cp "$TMP/big.json" "$TMP/www/"
"$CTL" --home "$H" settings feed_allowed_hosts 127.0.0.1 >/dev/null 2>&1
if start_server "$TMP/www"; then
	sync "http://127.0.0.1:$PORT/big.json"; st=$?
	[ $st -eq 1 ] && has "larger than feed_max_bytes (2048)" && [ "$(snapshot)" = "$BEFORE" ]; ok $? "a URL over feed_max_bytes fails"
else
	ok 1 "could not start python3 http.server"
fi
"$CTL" --home "$H" settings feed_max_bytes 1073741824 >/dev/null 2>&1

# the last report records the failure
sync "$FEEDS/truncated.json"
"$CTL" --home "$H" status >"$TMP/out" 2>&1
sync "$FEEDS/array.json"; ok $? "a good sync after all the failures works"

# SIGKILL midway through a large sync
python3 "$ROOT/bench/gen_feed.py" 200000 -o "$TMP/large.xml"
BEFORE=$(snapshot)
"$CTL" --home "$H" sync "$TMP/large.xml" >/dev/null 2>&1 &
pid=$!
n=0
while [ $n -lt 100 ] && ! [ -s "$H/catalog.gdbm.new" ]; do sleep 0.05; n=$((n + 1)); done
sleep 0.5
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
[ $n -lt 100 ]; ok $? "the killed sync had started writing the new catalog"
[ "$(snapshot)" = "$BEFORE" ]; ok $? "after SIGKILL the old catalog is intact"
sync "$FEEDS/second.json"; ok $? "a sync after the kill works"
listing | grep -q '"S-1"'; ok $? "and its catalog is live"
exit $FAILED
