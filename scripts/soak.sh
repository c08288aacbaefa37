#!/bin/bash
# soak.sh: make soak — a mixed load (SOAK_SECONDS, default 600, per server) behind lighttpd and behind
# Apache mod_fcgid, with restockctl run syncing a changing feed every 30 s and a real SMTP server;
# then reconcile: zero 5xx, every acknowledged subscription accounted for, one email per notification,
# worker RSS flat. Prints TAP (so a failure is visible) and a summary table.
RESTOCK_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$RESTOCK_ROOT/tests/e2e/lib.sh"
SOAK_SECONDS=${SOAK_SECONDS:-600}
SERVERS=${SOAK_SERVERS:-lighttpd apache}
SMTPD="$ROOT/tests/e2e/smtpd.py"

feed() {	# feed FILE ROUND: 50 items whose quantities change every round
	python3 - "$1" "$2" <<'PY'
import sys
path, rnd = sys.argv[1], int(sys.argv[2])
with open(path + ".tmp", "w") as f:
    f.write("<items>\n")
    for i in range(50):
        q = (i + rnd) % 4 if i % 3 else 0	# some come and go, a third stay sold out
        f.write("<item><id>SOAK-%d</id><title>Soak item %d</title><link>https://example.com/p/%d</link>"
                "<description>Item %d</description><price>%d.99</price><image_link>https://example.com/i/%d.jpg</image_link>"
                "<categories>Soak</categories><inventory_quantity>%d</inventory_quantity></item>\n" % (i, i, i, i, 10 + i, i, q))
    f.write("</items>\n")
import os; os.rename(path + ".tmp", path)
PY
}

soak_one() {	# soak_one SERVER
	local server=$1 H mail port
	export RESTOCK_TEST_SERVER=$server
	H=$(new_home "soak-$server") || return 1
	mail="$T_TMP/mail-$server"; mkdir -p "$mail"
	port=$(free_port)
	/usr/bin/python3 "$SMTPD" --port "$port" --dir "$mail" --ready "$T_TMP/smtpd-$server.ready" >"$T_TMP/smtpd-$server.log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	for i in $(seq 1 100); do [ -s "$T_TMP/smtpd-$server.ready" ] && break; sleep 0.1; done
	"$CTL" --home "$H" settings mail_transport "smtp://127.0.0.1:$port" >/dev/null
	"$CTL" --home "$H" settings send_backoff_seconds 1 >/dev/null
	feed "$T_TMP/feed-$server.xml" 0
	"$CTL" --home "$H" settings feed_sources "$T_TMP/feed-$server.xml" >/dev/null
	"$CTL" --home "$H" run >/dev/null
	chmod -R a+rwX "$H" 2>/dev/null
	start_server "$H" 4 || return 1

	# restockctl run every 30 s with a changing feed
	(r=1; end=$((SECONDS + SOAK_SECONDS)); while [ $SECONDS -lt $end ]; do
		sleep 30; feed "$T_TMP/feed-$server.xml" $r; r=$((r + 1))
		"$CTL" --home "$H" run >>"$T_TMP/run-$server.log" 2>&1
	done) &
	local runner=$!
	T_PIDS="$T_PIDS $runner"

	python3 - "$BASE" "$SOAK_SECONDS" "$T_TMP/acked-$server.txt" "$T_TMP/load-$server.json" $(worker_pids) <<'PY'
import http.client, json, random, sys, time, urllib.parse
base, seconds, acked_path, out_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port
def rss():
    import glob, subprocess
    pids = subprocess.run(["pgrep", "-f", "restock.fcgi"], capture_output=True, text=True).stdout.split()
    tot = 0
    for p in pids:
        try:
            for line in open("/proc/%s/status" % p):
                if line.startswith("VmRSS:"): tot += int(line.split()[1])
        except OSError: pass
    return tot, len(pids)
c = http.client.HTTPConnection(host, port, timeout=30)
codes, acked, n, rss_samples = {}, [], 0, []
form = {"Content-Type": "application/x-www-form-urlencoded"}
def req(method, path, body=None, headers={}):
    global c
    for attempt in range(2):
        try:
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse(); data = r.read()
            codes[r.status] = codes.get(r.status, 0) + 1
            return r.status, data
        except (http.client.HTTPException, OSError):
            c.close(); c = http.client.HTTPConnection(host, port, timeout=30)
    codes["conn"] = codes.get("conn", 0) + 1
    return 0, b""
start = time.time(); last_rss = 0
while time.time() - start < seconds:
    n += 1
    k = n % 10
    if k < 5:	# a distinct subscription
        email, variant = "soak%d@example.com" % n, "SOAK-%d" % random.randrange(50)
        st, body = req("POST", "/api/v1/catalog/subscribe", "a=abc123&email=%s&variant=%s&platform=api" % (urllib.parse.quote(email), variant), form)
        if st == 200:
            acked.append((email, variant))
            if k == 0:	# a duplicate right behind it
                req("POST", "/onsite/components/back-in-stock/subscribe", "a=abc123&email=%s&variant=%s&platform=api" % (urllib.parse.quote(email.upper()), variant), form)
    elif k == 5:
        req("POST", "/api/v1/catalog/subscribe", "a=abc123&email=u%d%%40example.com&variant=NO-SUCH-%d&platform=api" % (n, n), form)
    elif k in (6, 7):
        req("GET", "/api/catalog/items?limit=20&offset=%d" % random.randrange(40))
    elif k == 8:
        req("GET", "/admin/login")
    else:
        req("GET", "/healthz")
    if time.time() - last_rss > max(5, seconds / 20):
        rss_samples.append(rss()); last_rss = time.time()
rss_samples.append(rss())
open(acked_path, "w").write("".join("%s %s\n" % a for a in acked))
json.dump({"requests": n, "codes": codes, "acked": len(acked), "rss": rss_samples}, open(out_path, "w"))
PY
	kill $runner 2>/dev/null; wait $runner 2>/dev/null
	# drain: final runs until nothing is pending
	for i in $(seq 1 20); do
		"$CTL" --home "$H" run >>"$T_TMP/run-$server.log" 2>&1
		"$CTL" --home "$H" status | grep -q '^outbox: 0 pending' && break
		sleep 1
	done
	stop_server

	local load="$T_TMP/load-$server.json"
	like "$(python3 -c "import json; c=json.load(open('$load'))['codes']; print(sum(v for k,v in c.items() if str(k).startswith('5') or k=='conn'))")" '^0$' "$server: zero 5xx and no failed connections"
	# every acknowledged subscription is a Subscribed event exactly once
	"$CTL" --home "$H" export events >"$T_TMP/events-$server.csv"
	python3 - "$T_TMP/acked-$server.txt" "$T_TMP/events-$server.csv" >"$T_TMP/recon-$server.txt" <<'PY'
import csv, sys
acked = [tuple(l.split()) for l in open(sys.argv[1])]
subs = {}
for row in csv.DictReader(open(sys.argv[2])):
    if row["type"] == "Subscribed to Back in Stock":
        k = (row["email"].lower(), row["variant"])
        subs[k] = subs.get(k, 0) + 1
missing = [a for a in acked if (a[0].lower(), a[1]) not in subs]
twice = [k for k, v in subs.items() if v > 1]
print(len(acked), len(missing), len(twice))
PY
	read acked missing twice <"$T_TMP/recon-$server.txt"
	is "$missing" 0 "$server: all $acked acknowledged subscriptions recorded (none lost)"
	is "$twice" 0 "$server: no subscription recorded twice"
	st=$("$CTL" --home "$H" status)
	waiting=$(echo "$st" | sed -n 's/^waiting subscriptions: //p')
	sent=$(echo "$st" | sed -n 's/^outbox: [0-9]* pending, \([0-9]*\) sent.*/\1/p')
	# a skipped notification (recheck_before_send) puts its subscriber back in line: count the others
	queued=$("$CTL" --home "$H" export notifications | awk -F, 'NR > 1 && $2 == "restock" && $3 != "skipped"' | wc -l)
	is "$((waiting + queued))" "$acked" "$server: waiting ($waiting) + notified ($queued) = acknowledged ($acked)"
	received=$(find "$mail" -name '*.eml' | wc -l)
	is "$received" "$sent" "$server: the SMTP server received exactly the $sent sent notifications"
	dups=$(find "$mail" -name '*.eml' -print0 | xargs -0 -r grep -h -i '^Message-ID:' | sort | uniq -d | wc -l)
	is "$dups" 0 "$server: no message delivered twice"
	python3 - "$load" >"$T_TMP/rss-$server.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["rss"]
first = r[min(1, len(r) - 1)][0]; last = r[-1][0]
print(first, last, 1 if last <= first * 1.2 + 2048 else 0)
PY
	read rss0 rss1 flat <"$T_TMP/rss-$server.txt"
	is "$flat" 1 "$server: worker RSS flat (${rss0} kB -> ${rss1} kB)"
	python3 -c "
import json; l=json.load(open('$load'))
print('| $server | %d | %s | %d | %s | %s | %s | %s | ${rss0} -> ${rss1} kB |' % (l['requests'], ', '.join('%s: %s' % kv for kv in sorted(l['codes'].items(), key=str)), l['acked'], '$waiting', '$queued', '$sent', '$received'))" >>"$T_TMP/summary.md"
}

for s in $SERVERS; do soak_one "$s"; done
echo "# | server | requests | status codes | acknowledged | waiting | notified | sent | received by SMTP | worker RSS |"
sed 's/^/# /' "$T_TMP/summary.md"
done_testing
