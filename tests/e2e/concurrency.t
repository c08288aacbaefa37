#!/bin/bash
# concurrency.t: 4 lighttpd workers, 4 parallel clients x 2,000 distinct
# subscriptions plus repeats (500 of their own, 500 of another client's,
# in other letter cases): nothing lost, nothing duplicated, no 5xx.
. "$(dirname "$0")/lib.sh"

CLIENTS=4
PER_CLIENT=2000
REPEATS=500
ITEMS=100

H=$(new_home) || { echo "Bail out! no home"; exit 1; }

# a catalog of $ITEMS sold-out items
python3 - "$ITEMS" >"$T_TMP/feed.xml" <<'PY'
import sys
n = int(sys.argv[1])
print('<?xml version="1.0" encoding="UTF-8"?>\n<rss>\n  <Products>')
for i in range(n):
    print(f"""    <Product>
      <id>CC-{i:04d}</id>
      <title>Concurrency Item {i}</title>
      <link>https://example.com/p/cc-{i:04d}</link>
      <description>Item {i}</description>
      <price>{10 + i}.50</price>
      <image_link>https://example.com/i/cc-{i:04d}.jpg</image_link>
      <inventory_quantity>0</inventory_quantity>
      <categories><category>Test</category></categories>
    </Product>""")
print('  </Products>\n</rss>')
PY
"$CTL" --home "$H" sync "$T_TMP/feed.xml" >/dev/null
like "$("$CTL" --home "$H" status)" "items: $((ITEMS + 12))|items: $ITEMS" "catalog of $ITEMS more items synced"

start_lighttpd "$H" 4 || { echo "Bail out! lighttpd"; exit 1; }
PORT=${BASE##*:}
if [ "${RESTOCK_TEST_SERVER:-lighttpd}" = lighttpd ]; then
	like "$(worker_pids | wc -l)" '^[4-9]$' "4 worker processes"
else	# mod_fcgid starts its workers on demand: count them under load instead (below)
	ok 0 "workers are spawned by mod_fcgid on demand # SKIP counted only behind lighttpd"
fi

# one client: its own 2,000 distinct subscriptions with a repeat of an earlier
# one of its own and one of the next client's (upper case) every 4th request;
# writes "status count" lines
cat >"$T_TMP/client.py" <<'PY'
import collections, http.client, sys, urllib.parse
port, me, clients, per, repeats, items = map(int, sys.argv[1:7])
other = (me + 1) % clients

def email(c, i):
    return f"c{c}-{i}@example.com"

def body(c, i, upper=False):
    e = email(c, i).upper() if upper else email(c, i)
    return urllib.parse.urlencode({"a": "abc123", "email": e,
                                   "variant": f"CC-{i % items:04d}", "platform": "api"})

work = []
for i in range(per):
    work.append((me, i, False))
    k = i // 4
    if i % 4 == 3 and k < repeats:
        work.append((me, (k * 7) % i, False))	# one of mine, sent before
        work.append((other, (k * 11) % per, True))	# the other client's, maybe not sent yet
codes = collections.Counter()
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
for n, (c, i, up) in enumerate(work):
    path = "/api/v1/catalog/subscribe" if n % 2 else "/onsite/components/back-in-stock/subscribe"
    for attempt in range(3):
        try:
            conn.request("POST", path, body(c, i, up),
                         {"Content-Type": "application/x-www-form-urlencoded"})
            r = conn.getresponse()
            r.read()
            codes[r.status] += 1
            break
        except (http.client.HTTPException, OSError):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    else:
        codes["conn-error"] += 1
for k, v in sorted(codes.items(), key=str):
    print(k, v)
PY

start=$(date +%s)
pids=""
for c in $(seq 0 $((CLIENTS - 1))); do
	python3 "$T_TMP/client.py" "$PORT" "$c" "$CLIENTS" "$PER_CLIENT" "$REPEATS" "$ITEMS" >"$T_TMP/codes.$c" &
	pids="$pids $!"
done
wait $pids
elapsed=$(($(date +%s) - start))
total=$((CLIENTS * (PER_CLIENT + 2 * REPEATS)))
diag "$total requests in ${elapsed}s"

codes=$(cat "$T_TMP"/codes.* | awk '{n[$1] += $2} END {for (k in n) print k, n[k]}' | sort)
diag "response codes: $(echo $codes)"
is "$(printf '%s\n' "$codes" | awk '$1 == 200 {print $2}')" "$total" "all $total requests answered 200"
is "$(printf '%s\n' "$codes" | awk '$1 ~ /^5/ {n += $2} END {print n + 0}')" 0 "no 5xx"
is "$(printf '%s\n' "$codes" | awk '$1 == "conn-error" {print $2}')" "" "no connection errors"

want=$((CLIENTS * PER_CLIENT))
is "$("$CTL" --home "$H" status | sed -n 's/^waiting subscriptions: //p')" "$want" "waiting subscriptions == $want"
is "$("$CTL" --home "$H" status | sed -n 's/^variants with waiters: //p')" "$ITEMS" "every item has waiters"
"$CTL" --home "$H" export events >"$T_TMP/events.csv"
is "$(grep -c ',Subscribed to Back in Stock,' "$T_TMP/events.csv")" "$want" "Subscribed events == $want"
"$CTL" --home "$H" export subscriptions | tr -d '\r' >"$T_TMP/subs.csv"
is "$(($(wc -l <"$T_TMP/subs.csv") - 1))" "$want" "export subscriptions: $want rows"
is "$(tail -n +2 "$T_TMP/subs.csv" | cut -d, -f1,3 | tr 'A-Z' 'a-z' | sort -u | wc -l)" "$want" \
	"no (email, variant) pair twice"
# positions within each variant are 1..n without gaps
gaps=$(tail -n +2 "$T_TMP/subs.csv" | awk -F, '{ if ($2 != ++p[$1]) bad++ } END { print bad + 0 }')
is "$gaps" 0 "queue positions dense per variant"
# FIFO: within a variant, subscription times ascend with the position
fifo=$(tail -n +2 "$T_TMP/subs.csv" | awk -F, '{ if (($1 in t) && $6 < t[$1]) bad++; t[$1] = $6 } END { print bad + 0 }')
is "$fifo" 0 "queue order follows subscription time"
# speed is measured by make bench (bench/subscribe.sh), not asserted on a shared machine
diag "the storm took ${elapsed}s"
req_ok=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")
is "$req_ok" 200 "healthz after the storm"
if "$CTL" --home "$H" check >/dev/null 2>&1; then ok 0 "restockctl check: consistent"; else
	"$CTL" --home "$H" check 2>&1 | head -5 | sed 's/^/# /'; ok 1 "restockctl check: consistent"; fi
done_testing
