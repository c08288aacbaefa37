#!/bin/bash
# subscribe_limits.t: request limits (413, malformed encodings, duplicates,
# NUL, overlong fields -> 400), abuse limits (per-IP and per-email windows,
# waiting cap, honeypot), and workers surviving hostile input.
. "$(dirname "$0")/lib.sh"

V1=/api/v1/catalog/subscribe
ONSITE=/onsite/components/back-in-stock/subscribe
CLIENT=/client/back-in-stock-subscriptions
SOLD=TRL-JKT-001-M
INVALID='{"errors": ["There was something wrong with your request. Please try again."], "data": {}, "success": false}'
LIMITED='{"status": 429, "message": "Too many requests. Please try again later."}'

req() {
	CODE=$(curl -s -o "$T_TMP/body" -D "$T_TMP/hdrs" -w '%{http_code}' "$@")
	BODY=$(cat "$T_TMP/body")
	HDRS=$(tr -d '\r' <"$T_TMP/hdrs")
}
hdr() { printf '%s\n' "$HDRS" | grep -i "^$1:" | head -1 | sed 's/^[^:]*: *//'; }
is_body() {
	if printf '%s' "$1" | cmp -s - "$T_TMP/body"; then ok 0 "$2"; else is "$BODY" "$1" "$2"; fi
}
sub() {	# sub EMAIL [VARIANT] [ENDPOINT] [EXTRA CURL ARGS...]
	local e=$1 v=${2:-$SOLD} ep=${3:-$V1}
	shift; shift; shift
	req -d a=abc123 --data-urlencode "email=$e" -d "variant=$v" -d platform=api "$@" "$BASE$ep"
}
waiting() { "$CTL" --home "$H" status | sed -n 's/^waiting subscriptions: //p'; }
healthy() { req "$BASE/healthz"; is "$CODE" 200 "worker still answers after $1"; }
raw() {	# raw HTTP_REQUEST_TEXT: send bytes over a socket, print the status line
	python3 - "$PORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1"))
s.shutdown(socket.SHUT_WR)
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except socket.timeout:
    print("TIMEOUT")
print(data.split(b"\r\n", 1)[0].decode("latin-1"))
PY
}

H=$(new_home) || { echo "Bail out! no home"; exit 1; }
start_lighttpd "$H" 2 || { echo "Bail out! lighttpd"; exit 1; }
PORT=${BASE##*:}

# ---- body size: lighttpd refuses over 64 KiB; the program itself too (as CGI)
head -c 70000 /dev/zero | tr '\0' x | sed 's/^/a=abc123\&email=big@example.com\&variant=TRL-JKT-001-M\&platform=api\&pad=/' >"$T_TMP/big"
req --data-binary @"$T_TMP/big" "$BASE$V1"
is "$CODE" 413 "70 KB form body behind lighttpd: 413"
req -H 'revision: 2024-10-15' -H 'Content-Type: application/json' --data-binary @"$T_TMP/big" "$BASE$CLIENT?company_id=abc123"
is "$CODE" 413 "70 KB JSON:API body behind lighttpd: 413"
out=$(cgi "$H" POST $V1 "" application/x-www-form-urlencoded "$(cat "$T_TMP/big")" | tr -d '\r')
like "$(printf '%s' "$out" | head -1)" '^Status: 413' "70 KB body to the program as CGI: 413"
like "$out" '"status": 413' "CGI 413 answer is JSON"
out=$(printf 'x' | env -i PATH="$PATH" RESTOCK_HOME="$H" REQUEST_METHOD=POST PATH_INFO=$V1 \
	CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=99999999999 REMOTE_ADDR=127.0.0.1 \
	GATEWAY_INTERFACE=CGI/1.1 timeout 5 "$FCGI" | head -1 | tr -d '\r')
is "$out" "Status: 413 Payload Too Large" "huge Content-Length refused before reading (CGI)"
out=$(cgi "$H" POST $V1 "" application/x-www-form-urlencoded "$(head -c 65536 /dev/zero | tr '\0' x | sed 's/^/a=abc123\&email=edge@example.com\&variant=TRL-JKT-001-M\&platform=api\&p=/' | head -c 65536)" | head -1 | tr -d '\r')
is "$out" "Status: 400 Bad Request" "exactly 64 KiB is not 413 (overlong field: 400)"
is "$(waiting)" 0 "nothing stored"

# ---- malformed encodings and hostile fields: the generic 400 body
bad() {	# bad NAME CURL_ARGS...
	local name=$1
	shift
	req "$@"
	is "$CODE" 400 "$name: 400"
	is_body "$INVALID" "$name: exact body"
}
F="a=abc123&email=x@example.com&variant=$SOLD&platform=api"
bad "bad percent escape %zz" --data-binary "$F&x=%zz" "$BASE$V1"
bad "truncated percent escape" --data-binary "$F&x=%4" "$BASE$ONSITE"
bad "percent escape in a name" --data-binary "$F&%G1=1" "$BASE$V1"
bad "duplicate field (a twice)" --data-binary "$F&a=abc123" "$BASE$V1"
bad "duplicate field (email twice, different)" --data-binary "$F&email=y@example.com" "$BASE$ONSITE"
bad "NUL byte %00 in email" --data-binary "a=abc123&email=x%00@example.com&variant=$SOLD&platform=api" "$BASE$V1"
bad "NUL byte %00 in a name" --data-binary "$F&x%00y=1" "$BASE$V1"
bad "invalid UTF-8" --data-binary "$F&x=%C3%28" "$BASE$V1"
bad "overlong field (5000 bytes)" --data-binary "$F&product=$(head -c 5000 /dev/zero | tr '\0' p)" "$BASE$V1"
bad "overlong field name" --data-binary "$F&$(head -c 200 /dev/zero | tr '\0' n)=1" "$BASE$V1"
bad "overlong email (300 octets)" --data-binary "a=abc123&email=$(head -c 288 /dev/zero | tr '\0' e)@example.com&variant=$SOLD&platform=api" "$BASE$V1"
bad "too many fields" --data-binary "$F$(for i in $(seq 1 70); do printf '&f%d=1' "$i"; done)" "$BASE$V1"
bad "multipart without boundary" -H 'Content-Type: multipart/form-data' --data-binary "$F" "$BASE$V1"
mp() { printf -- '--XyZ\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' "$1" "$2"; }
{ mp a abc123; mp email mp@example.com; mp variant $SOLD; mp platform api; } >"$T_TMP/mp_parts"
{ cat "$T_TMP/mp_parts"; printf -- '--XyZ--\r\n'; } >"$T_TMP/mp_ok"
req -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @"$T_TMP/mp_ok" "$BASE$V1"
is "$CODE" 200 "hand-made multipart body: 200 (control)"
cp "$T_TMP/mp_parts" "$T_TMP/mp_noclose"
bad "multipart without the closing boundary" -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @"$T_TMP/mp_noclose" "$BASE$V1"
{ cat "$T_TMP/mp_parts"; printf -- '--XY'; } >"$T_TMP/mp_trunc"
bad "multipart truncated in a boundary" -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @"$T_TMP/mp_trunc" "$BASE$ONSITE"
bad "multipart boundary mismatch" -H 'Content-Type: multipart/form-data; boundary=Other' --data-binary @"$T_TMP/mp_ok" "$BASE$V1"
bad "multipart two boundary parameters" -H 'Content-Type: multipart/form-data; boundary=XyZ; boundary=XyZ' --data-binary @"$T_TMP/mp_ok" "$BASE$V1"
printf -- '--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--\r\n' >"$T_TMP/mp_noname"
bad "multipart part without a name" -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @"$T_TMP/mp_noname" "$BASE$V1"
{ cat "$T_TMP/mp_parts"; mp email dup@example.com; printf -- '--XyZ--\r\n'; } >"$T_TMP/mp_dup"
bad "multipart duplicate field" -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @"$T_TMP/mp_dup" "$BASE$V1"
printf -- '--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\na\0b@example.com\r\n--XyZ--\r\n' >"$T_TMP/mp_nul"
bad "multipart NUL byte" -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @"$T_TMP/mp_nul" "$BASE$V1"
printf -- '--XyZ\r\nContent-Disposition: form-data; name="a"\r\nX: %s\r\n\r\nv\r\n--XyZ--\r\n' "$(head -c 5000 /dev/zero | tr '\0' h)" >"$T_TMP/mp_hdr"
bad "multipart overlong part header" -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @"$T_TMP/mp_hdr" "$BASE$V1"
healthy "malformed forms"

# JSON:API hostile bodies
req -H 'revision: 2024-10-15' -H 'Content-Type: application/json' \
	--data-binary "$(head -c 60000 /dev/zero | tr '\0' '[')" "$BASE$CLIENT?company_id=abc123"
is "$CODE" 400 "60 KB of '[': 400"
req -H 'revision: 2024-10-15' -H 'Content-Type: application/json' \
	--data-binary "$(printf '{"data": "\xff\xfe"}')" "$BASE$CLIENT?company_id=abc123"
is "$CODE" 400 "invalid UTF-8 JSON: 400"
req -H 'revision: 2024-10-15' -H 'Content-Type: application/json' --data-binary '{"data": {"type": "back-in-stock-subscription"' "$BASE$CLIENT?company_id=abc123"
is "$CODE" 400 "truncated JSON: 400"
req -H 'revision: 2024-10-15' -H 'Content-Type: application/json' --data-binary @"$T_TMP/mp_nul" "$BASE$CLIENT?company_id=abc123"
is "$CODE" 400 "binary junk as JSON: 400"
healthy "hostile JSON"

# a client that promises more than it sends, and one that sends garbage
line=$(raw 'POST /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\na=abc123&email=short')
if [ "${RESTOCK_TEST_SERVER:-lighttpd}" = lighttpd ]; then
	unlike "$line" '^HTTP/1\.[01] 5|TIMEOUT' "short body (Content-Length 500, 20 sent, then EOF): no 5xx, no hang ($line)"
else	# Apache itself answers 500 when the client hangs up mid-body; the worker never sees it
	unlike "$line" 'TIMEOUT' "short body (Content-Length 500, 20 sent, then EOF): no hang ($line)"
fi
line=$(raw 'GARBAGE\r\n\r\n')
like "$line" '^HTTP/1\.[01] 4' "garbage request line: 4xx"
healthy "short bodies"
pids=""
for i in 1 2 3 4 5 6; do curl -s -o /dev/null "$BASE/healthz" & pids="$pids $!"; done
wait $pids	# not a bare wait: lighttpd is a child too
req "$BASE/healthz"
is "$CODE" 200 "all workers fine"
is "$(waiting)" 1 "only the control request stored"

# ---- per-IP rate limit: the 4th request within a minute gets 429
"$CTL" --home "$H" settings rate_ip_per_minute 3 >/dev/null
for i in 1 2 3; do
	sub "ip$i@example.com"
	is "$CODE" 200 "per-IP: request $i of 3 accepted"
done
sub ip4@example.com "$SOLD" "$ONSITE"
is "$CODE" 429 "per-IP: 4th request: 429"
is_body "$LIMITED" "per-IP: exact 429 body"
ra=$(hdr Retry-After)
like "$ra" '^[0-9]+$' "Retry-After is a number of seconds ($ra)"
[ "${ra:-0}" -ge 1 ] && [ "${ra:-0}" -le 60 ]
ok $? "Retry-After within the 60 s window"
is "$(hdr Access-Control-Allow-Origin)" '*' "429 on the onsite endpoint carries CORS"
is "$(hdr Content-Type)" application/json "429 is application/json"
req -H 'revision: 2024-10-15' -H 'Content-Type: application/json' --data-binary \
	'{"data": {"type": "back-in-stock-subscription", "attributes": {"channels": ["EMAIL"], "profile": {"data": {"type": "profile", "attributes": {"email": "ip5@example.com"}}}}, "relationships": {"variant": {"data": {"type": "catalog-variant", "id": "$custom:::$default:::TRL-JKT-001-M"}}}}}' \
	"$BASE$CLIENT?company_id=abc123"
is "$CODE" 429 "per-IP limit shared by the JSON:API endpoint: 429"
like "$BODY" '"code": ?"throttled"' "JSON:API 429: code throttled"
like "$(hdr Retry-After)" '^[0-9]+$' "JSON:API 429: Retry-After"
is "$(waiting)" 4 "limited requests stored nothing"
"$CTL" --home "$H" settings rate_ip_per_minute 0 >/dev/null
sub ip4@example.com
is "$CODE" 200 "limit off again: accepted"

# ---- per-email rate limit (per hour), independent of the variant
"$CTL" --home "$H" settings rate_email_per_hour 2 >/dev/null
sub Rate@example.com TRL-JKT-001-M
is "$CODE" 200 "per-email: 1st accepted"
sub rate@example.com TRL-JKT-001-L
is "$CODE" 200 "per-email: 2nd accepted"
sub RATE@EXAMPLE.COM HKG-BOO-404-42 "$ONSITE"
is "$CODE" 429 "per-email: 3rd within the hour (other case): 429"
is_body "$LIMITED" "per-email: exact 429 body"
ra=$(hdr Retry-After)
[ "${ra:-0}" -ge 1 ] && [ "${ra:-0}" -le 3600 ]
ok $? "per-email Retry-After within the hour ($ra)"
sub other@example.com HKG-BOO-404-42
is "$CODE" 200 "another email is not limited"
"$CTL" --home "$H" settings rate_email_per_hour 0 >/dev/null

# ---- cap on waiting subscriptions per email
"$CTL" --home "$H" settings max_waiting_per_email 2 >/dev/null
sub cap@example.com TRL-JKT-001-M
sub cap@example.com TRL-JKT-001-L
is "$CODE" 200 "cap: 2nd waiting subscription accepted"
sub Cap@example.com HKG-BOO-404-42
is "$CODE" 429 "cap: 3rd waiting subscription refused with 429"
is_body "$LIMITED" "cap: exact 429 body"
like "$(hdr Retry-After)" '^[0-9]+$' "cap: Retry-After"
sub cap@example.com TRL-JKT-001-M
is "$CODE" 200 "cap: a duplicate of a waiting one is still a success"
"$CTL" --home "$H" settings max_waiting_per_email 100 >/dev/null
w=$(waiting)

# ---- honeypot on the onsite endpoint
"$CTL" --home "$H" settings honeypot_field website >/dev/null
sub bot@example.com "$SOLD" "$ONSITE" -d website=http://spam.example
is "$CODE" 200 "honeypot filled: 200"
is_body '{"email": "bot@example.com", "success": true}' "honeypot filled: the ordinary success body"
is "$(waiting)" "$w" "honeypot filled: nothing stored"
is "$("$CTL" --home "$H" export events | grep -c bot@example.com)" 0 "honeypot filled: no event"
sub human@example.com "$SOLD" "$ONSITE" -d website=
is "$CODE" 200 "honeypot empty: accepted"
is "$(waiting)" "$((w + 1))" "honeypot empty: stored"
"$CTL" --home "$H" settings honeypot_field '' >/dev/null

healthy "the whole run"
grep -i 'segfault\|abort\|core dump' "$LIGHTTPD_RUN/error.log" >/dev/null 2>&1
ok $((! $?)) "no crashed workers in lighttpd's error log"
done_testing
