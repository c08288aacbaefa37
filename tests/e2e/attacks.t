#!/bin/bash
# attacks.t: hand-written attacks — header injection through emails, item titles and links; path
# traversal; oversized headers and queries; slow clients. (XSS, CSRF and session fixation on the
# admin page are in admin_http.t; SSRF and hostile feeds in feed_sync.t and feed_hostile.t.)
. "$(dirname "$0")/lib.sh"
H=$(new_home) || { echo "Bail out! no home"; exit 1; }
K=abc123
form() { cgi "$H" POST /api/v1/catalog/subscribe "" application/x-www-form-urlencoded "$1" | head -1 | tr -d '\r'; }

# ---- header injection through the subscriber's email
is "$(form "a=$K&email=eve%40example.com%0D%0ABcc%3A%20all%40example.com&variant=TRL-JKT-001-M&platform=api")" \
	"Status: 400 Bad Request" "an email carrying CRLF + Bcc is refused"
is "$(form "a=$K&email=eve%40example.com%0ABcc%3Aall%40example.com&variant=TRL-JKT-001-M&platform=api")" \
	"Status: 400 Bad Request" "an email carrying a bare LF is refused"
ja='{"data":{"type":"back-in-stock-subscription","attributes":{"channels":["EMAIL"],"profile":{"data":{"type":"profile","attributes":{"email":"eve@example.com\r\nBcc: all@example.com"}}}},"relationships":{"variant":{"data":{"type":"catalog-variant","id":"$custom:::$default:::TRL-JKT-001-M"}}}}}'
out=$(printf '%s' "$ja" | env -i PATH="$PATH" RESTOCK_HOME="$H" REQUEST_METHOD=POST PATH_INFO=/client/back-in-stock-subscriptions \
	QUERY_STRING=company_id=$K CONTENT_TYPE=application/json CONTENT_LENGTH=${#ja} HTTP_REVISION=2024-10-15 "$FCGI" | head -1 | tr -d '\r')
is "$out" "Status: 400 Bad Request" "JSON:API: an email with CRLF is refused"

# ---- header injection through feed data (title, link) into the email
cat >"$T_TMP/evil.json" <<'EOF2'
[{"id": "EVIL-1", "title": "Jacket\r\nBcc: everyone@example.com\r\nSubject: free money", "link": "https://example.com/p/1",
  "description": "d", "price": "10", "image_link": "https://example.com/i.jpg", "inventory_quantity": 0},
 {"id": "EVIL-2", "title": "Boots", "link": "https://example.com/p/2?x=1\r\nX-Evil: 1",
  "description": "d", "price": "10", "image_link": "https://example.com/i.jpg", "inventory_quantity": 0}]
EOF2
"$CTL" --home "$H" sync "$T_TMP/evil.json" >"$T_TMP/sync.out" 2>&1
for v in EVIL-1 EVIL-2; do form "a=$K&email=victim%40example.com&variant=$v&platform=api" >/dev/null; done
sed 's/"inventory_quantity": 0/"inventory_quantity": 3/' "$T_TMP/evil.json" >"$T_TMP/evil-in.json"
"$CTL" --home "$H" settings mail_transport "file:$T_TMP/mail" >/dev/null
"$CTL" --home "$H" sync "$T_TMP/evil-in.json" >/dev/null 2>&1
"$CTL" --home "$H" send >/dev/null 2>&1
n=$(ls "$T_TMP"/mail/*.eml 2>/dev/null | wc -l)
[ "$n" -ge 1 ]
ok $? "alerts for the hostile items were rendered ($n messages)"
heads=$(for f in "$T_TMP"/mail/*.eml; do sed '/^\r\{0,1\}$/q' "$f"; done)
unlike "$heads" '^(Bcc|X-Evil):' "no Bcc: or X-Evil: header was injected"
is "$(printf '%s\n' "$heads" | grep -c '^Subject:')" "$n" "exactly one Subject: per message"
python3 - "$T_TMP/mail" <<'PY'
import email, email.policy, glob, sys
for f in glob.glob(sys.argv[1] + "/*.eml"):
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    assert m["Bcc"] is None and m["X-Evil"] is None, f
    assert len(m.get_all("To")) == 1 and "victim@example.com" in str(m["To"]), f
PY
ok $? "every message parses with one recipient and no smuggled header"

# ---- path traversal
for p in "/admin/../../../../etc/passwd" "/admin/static/../../../etc/passwd" "/admin/static/..%2f..%2fetc%2fpasswd" "/unsubscribe/../../etc/passwd"; do
	out=$(cgi "$H" GET "$p")
	unlike "$out" 'root:x:0:0' "no file content through $p"
	like "$(printf '%s' "$out" | head -1)" 'Status: (30[0-9]|4[0-9][0-9])' "$p is refused or redirected"
done
"$CTL" --home "$H" sync "../../../../../../etc/passwd" >"$T_TMP/trav.out" 2>&1
unlike "$(cat "$T_TMP/trav.out")" 'root:x:0:0' "a feed source pointing at /etc/passwd never echoes the file"

# ---- oversized headers and queries, slow clients (behind the server)
chmod -R a+rwX "$H" 2>/dev/null
start_server "$H" 2 || { echo "Bail out! no server"; exit 1; }
big=$(head -c 70000 /dev/zero | tr '\0' 'a')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$BASE/healthz")
like "$code" '^4[0-9][0-9]$' "a 70 KB header is refused with 4xx ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/catalog/items?category=$(head -c 9000 /dev/zero | tr '\0' 'b')")
like "$code" '^4[0-9][0-9]$' "a 9 KB query string is refused with 4xx ($code)"
python3 - "$BASE" <<'PY' &
# 30 slow clients: headers trickled a byte at a time (slowloris)
import socket, sys, time, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
socks = []
for i in range(30):
    s = socket.create_connection((u.hostname, u.port)); s.sendall(b"POST /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\n")
    socks.append(s)
end = time.time() + 6
while time.time() < end:
    for s in socks:
        try: s.sendall(b"X")
        except OSError: pass
    time.sleep(0.5)
PY
slow=$!
sleep 1
t0=$(date +%s%N)
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$BASE/healthz")
t1=$(date +%s%N)
is "$code" 200 "with 30 slow clients connected, a normal request is answered"
[ $(( (t1 - t0) / 1000000 )) -lt 2000 ]
ok $? "... within 2 s ($(( (t1 - t0) / 1000000 )) ms)"
wait $slow 2>/dev/null
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$BASE/healthz")
is "$code" 200 "the server answers after the slow clients"
done_testing
