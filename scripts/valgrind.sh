#!/bin/bash
# valgrind.sh: make valgrind — the FastCGI program serving 1,000 mixed requests behind lighttpd,
# and restockctl run, under valgrind: no leaks, no invalid accesses. Exit 0 when clean.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/restock-valgrind.XXXXXX)
home="$tmp/home" run="$tmp/run"
ctl="$root/bin/restockctl"
REQUESTS=${REQUESTS:-1000}
trap '[ -f "$run/lighttpd.pid" ] && kill "$(cat "$run/lighttpd.pid")" 2>/dev/null; sleep 1; rm -rf "$tmp"' EXIT
mkdir -p "$run"
chmod 755 "$tmp" "$run"

"$ctl" --home "$home" init --public-key abc123 --private-key pk_0123456789abcdef0123456789abcdef >/dev/null
"$ctl" --home "$home" settings rate_ip_per_minute 0 >/dev/null
"$ctl" --home "$home" settings rate_email_per_hour 0 >/dev/null
"$ctl" --home "$home" sync "$root/examples/demo-feed.xml" >/dev/null
echo 'valgrind-pass-1' | "$ctl" --home "$home" passwd >/dev/null

# the worker is valgrind running restock.fcgi (lighttpd hands it the socket as fd 0)
cat >"$run/restock.fcgi" <<W
#!/bin/sh
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --log-file="$run/vg.%p.log" "$root/cgi-bin/restock.fcgi"
W
chmod 755 "$run/restock.fcgi"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$root/scripts/lighttpd-local.sh" "$root" "$home" "$run" "$port" 1 >"$run/lighttpd.conf"
sed -i "s|var.restock_root + \"/cgi-bin/restock.fcgi\"|\"$run/restock.fcgi\"|" "$run/lighttpd.conf" 2>/dev/null
# lighttpd-local includes the shared fragment: point bin-path at the wrapper with an override file
sed "s|var.restock_root + \"/cgi-bin/restock.fcgi\"|\"$run/restock.fcgi\"|" "$root/etc/lighttpd-restock.conf" >"$run/restock.conf"
sed -i "s|include \"$root/etc/lighttpd-restock.conf\"|include \"$run/restock.conf\"|" "$run/lighttpd.conf"
lighttpd -D -f "$run/lighttpd.conf" 2>"$run/stderr.log" &
for i in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done

python3 - "$port" "$REQUESTS" <<'PY'
import http.client, sys, json
port, n = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
codes = {}
def req(method, path, body=None, headers={}):
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse(); r.read()
    codes[r.status] = codes.get(r.status, 0) + 1
ja = lambda e: json.dumps({"data": {"type": "back-in-stock-subscription", "attributes": {"channels": ["EMAIL"],
    "profile": {"data": {"type": "profile", "attributes": {"email": e}}}},
    "relationships": {"variant": {"data": {"type": "catalog-variant", "id": "$custom:::$default:::TRL-JKT-001-M"}}}}})
form = {"Content-Type": "application/x-www-form-urlencoded"}
for i in range(n):
    k = i % 10
    if k == 0: req("GET", "/healthz")
    elif k == 1: req("GET", "/api/catalog/items?limit=5&offset=%d" % (i % 12))
    elif k == 2: req("POST", "/api/v1/catalog/subscribe", "a=abc123&email=vg%d%%40example.com&variant=TRL-JKT-001-L&platform=api" % i, form)
    elif k == 3: req("POST", "/onsite/components/back-in-stock/subscribe", "a=abc123&email=bad&variant=x&platform=api", form)
    elif k == 4: req("POST", "/client/back-in-stock-subscriptions?company_id=abc123", ja("ja%d@example.com" % i), {"revision": "2024-10-15", "Content-Type": "application/json"})
    elif k == 5: req("POST", "/api/back-in-stock-subscriptions", ja("x"), {"revision": "2024-10-15", "Content-Type": "application/json", "Authorization": "Klaviyo-API-Key wrong"})
    elif k == 6: req("GET", "/admin/")
    elif k == 7: req("POST", "/admin/login", "password=wrong", form)
    elif k == 8: req("POST", "/api/v1/catalog/subscribe", "a=%zz", form)
    else: req("GET", "/unsubscribe?t=tampered.0000")
print("requests:", n, "status codes:", dict(sorted(codes.items())))
PY
kill "$(cat "$run/lighttpd.pid")" 2>/dev/null
sleep 3
"$ctl" --home "$home" settings mail_transport "file:$tmp/mail" >/dev/null
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99 --log-file="$run/vg.ctl.log" "$ctl" --home "$home" run >/dev/null
ctl_rc=$?
bad=0
for f in "$run"/vg.*.log; do
	if [ -s "$f" ]; then
		echo "== $f"; cat "$f"; bad=1
	fi
done
[ $ctl_rc -eq 99 ] && bad=1
logs=$(ls "$run"/vg.*.log 2>/dev/null | wc -l)
if [ $bad -eq 0 ]; then
	echo "valgrind: clean (FastCGI worker logs: $((logs - 1)), restockctl run sent $(ls "$tmp/mail" 2>/dev/null | wc -l) messages)"
	exit 0
fi
echo "valgrind: problems found"
exit 1
