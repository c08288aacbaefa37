#!/bin/bash
# fault_kill.t: SIGKILL at random points — of restockctl sync, of restockctl send, and of FastCGI
# workers under load. Afterwards check passes, the catalog is the old or the new one (never half),
# every acknowledged subscription is present, and each kill during send resends at most one message.
. "$(dirname "$0")/lib.sh"
KILLS=${FAULT_KILLS:-30}
H=$(new_home) || { echo "Bail out! no home"; exit 1; }
rand_sleep() { python3 -c "import random, time; time.sleep(random.uniform($1, $2))"; }

# ---- sync killed KILLS times ------------------------------------------------------------------
python3 "$ROOT/bench/gen_feed.py" --format xml -o "$T_TMP/big.xml" 20000
old=$("$CTL" --home "$H" status | sed -n 's/^items: //p')
torn=0 broken=0 new=0
for i in $(seq 1 "$KILLS"); do
	"$CTL" --home "$H" sync "$T_TMP/big.xml" >/dev/null 2>&1 &
	p=$!
	rand_sleep 0.02 0.6
	kill -9 $p 2>/dev/null; wait $p 2>/dev/null
	n=$("$CTL" --home "$H" status | sed -n 's/^items: //p')
	case $n in "$old") ;; 20000) new=$((new + 1)) ;; *) torn=$((torn + 1)) ;; esac
	"$CTL" --home "$H" check >/dev/null 2>&1 || broken=$((broken + 1))
	if [ "$n" = 20000 ]; then "$CTL" --home "$H" sync "$ROOT/examples/demo-feed.xml" >/dev/null; fi
done
is "$torn" 0 "sync killed $KILLS times: the catalog was always the old or the new one ($new finished first)"
is "$broken" 0 "check passed after every killed sync"
"$CTL" --home "$H" sync "$ROOT/examples/demo-feed.xml" >/dev/null
ok $? "a sync after the kills works"

# ---- send killed until everything is delivered ------------------------------------------------
S=$(new_home send) || { echo "Bail out! no home"; exit 1; }
K=$("$CTL" --home "$S" settings public_key)
N=150
for i in $(seq 1 $N); do
	cgi "$S" POST /api/v1/catalog/subscribe "" application/x-www-form-urlencoded \
		"a=$K&email=k$i%40example.com&variant=TRL-JKT-001-M&platform=api" >/dev/null
done
mkdir -p "$T_TMP/out"
cat >"$T_TMP/slowmail" <<MAIL
#!/bin/sh
# a sendmail that takes a moment per message and keeps each one
f=\$(mktemp "$T_TMP/out/m.XXXXXX")
cat >"\$f"
sleep 0.02
MAIL
chmod +x "$T_TMP/slowmail"
"$CTL" --home "$S" settings mail_transport "sendmail:$T_TMP/slowmail" >/dev/null
sed 's/<inventory_quantity>0</<inventory_quantity>5</' "$ROOT/examples/demo-feed.xml" >"$T_TMP/instock.xml"
"$CTL" --home "$S" sync "$T_TMP/instock.xml" >/dev/null
kills=0
for i in $(seq 1 200); do
	"$CTL" --home "$S" status | grep -q '^outbox: 0 pending' && break
	"$CTL" --home "$S" send >/dev/null 2>&1 &
	p=$!
	rand_sleep 0.05 0.4
	if kill -9 $p 2>/dev/null; then kills=$((kills + 1)); fi
	wait $p 2>/dev/null
done
"$CTL" --home "$S" send >/dev/null 2>&1
recips=$(grep -h '^To:' "$T_TMP"/out/m.* | sort | uniq | wc -l)
total=$(ls "$T_TMP"/out/m.* | wc -l)
is "$recips" $N "send killed $kills times: every one of the $N subscribers got the alert"
[ $((total - N)) -le "$kills" ]
ok $? "duplicates ($((total - N))) at most one per kill ($kills)"
"$CTL" --home "$S" check >/dev/null 2>&1
ok $? "check passes after the killed sends"

# ---- workers killed under load ----------------------------------------------------------------
W=$(new_home workers) || { echo "Bail out! no home"; exit 1; }
chmod -R a+rwX "$W" 2>/dev/null
start_server "$W" 4 || { echo "Bail out! no server"; exit 1; }
(for i in $(seq 1 20); do
	rand_sleep 0.1 0.3
	p=$(worker_pids | shuf -n 1)
	[ -n "$p" ] && kill -9 "$p" 2>/dev/null
done) &
killer=$!
python3 - "$BASE" "$T_TMP/acked.txt" <<'PY'
import http.client, sys, time, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
acked, codes = [], {}
deadline = time.time() + 6
i = 0
while time.time() < deadline:
    i += 1
    email = "w%d@example.com" % i
    try:
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        c.request("POST", "/api/v1/catalog/subscribe", "a=abc123&email=%s&variant=TRL-JKT-001-M&platform=api" % urllib.parse.quote(email),
                  {"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse(); body = r.read(); c.close()
        codes[r.status] = codes.get(r.status, 0) + 1
        if r.status == 200 and b'"success": true' in body:
            acked.append(email)
    except (OSError, http.client.HTTPException):
        codes["conn"] = codes.get("conn", 0) + 1
open(sys.argv[2], "w").write("\n".join(acked) + "\n")
print("# requests: %d, codes: %s" % (i, codes))
PY
wait $killer
stop_server
"$CTL" --home "$W" export events | cut -d, -f4 | sort -u >"$T_TMP/stored.txt"
missing=$(grep -v '^$' "$T_TMP/acked.txt" | sort | comm -23 - "$T_TMP/stored.txt" | wc -l)
is "$missing" 0 "workers killed 20 times under load: every acknowledged subscription ($(grep -c . "$T_TMP/acked.txt")) is stored"
"$CTL" --home "$W" check >/dev/null 2>&1
ok $? "check passes after the killed workers"
done_testing
