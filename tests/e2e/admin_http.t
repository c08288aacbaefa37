#!/bin/sh
# admin_http.t: the /admin/ pages over HTTP behind lighttpd — login, sessions, CSRF, throttling, escaping, headers, HTML validity.
. "$(dirname "$0")/lib.sh"
export RESTOCK_TEMPLATES="$ROOT/templates"

if ! command -v tidy >/dev/null 2>&1; then
	echo "1..0 # SKIP tidy is not installed (apt-get install tidy)"
	exit 0
fi

XSS1='<script>alert(1)</script>'
XSS2="\"'><img src=x onerror=alert(1)>"

H=$(new_home) || { echo "Bail out! no home"; exit 1; }
cat >"$T_TMP/xss.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<items>
  <item><id>XSS-1</id><title>&lt;script&gt;alert(1)&lt;/script&gt;</title><link>https://example.com/x1</link>
    <description>d</description><price>1.00</price><image_link>https://example.com/x1.jpg</image_link>
    <inventory_quantity>0</inventory_quantity></item>
  <item><id>XSS-2</id><title>"'&gt;&lt;img src=x onerror=alert(1)&gt;</title><link>https://example.com/x2</link>
    <description>d</description><price>2.00</price><image_link>https://example.com/x2.jpg</image_link>
    <inventory_quantity>0</inventory_quantity></item>
  <item><id>XSS-3</id><title>broken</title><link>https://example.com/x3</link></item>
</items>
EOF
printf '%s\n%s\n' "$ROOT/examples/demo-feed.xml" "$T_TMP/xss.xml" >"$T_TMP/sources"
"$CTL" --home "$H" settings feed_sources "$(cat "$T_TMP/sources")" >/dev/null
"$CTL" --home "$H" sync >/dev/null
echo 'secret-pass-1' | "$CTL" --home "$H" passwd >/dev/null
start_lighttpd "$H" 2 || { echo "Bail out! lighttpd"; exit 1; }
A="$BASE/admin"
JAR="$T_TMP/jar"

# hdr FILE NAME: the value of a response header (first one)
hdr() { tr -d '\r' <"$1" | awk -v n="$2" 'BEGIN{IGNORECASE=1} index(tolower($0), tolower(n) ": ")==1 {sub(/^[^:]*: /,""); print; exit}'; }
# fetch URL [curl args]: GET into $T_TMP/h (headers) and $T_TMP/b (body); prints the status
fetch() { _u=$1; shift; curl -s -o "$T_TMP/b" -D "$T_TMP/h" -w '%{http_code}' -b "$JAR" -c "$JAR" "$@" "$_u"; }
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$T_TMP/b" | head -1 | sed 's/.*value="//; s/"//'; }
login() {	# login PASSWORD: status of the POST
	fetch "$A/login" >/dev/null
	_t=$(csrf_of)
	fetch "$A/login" --data-urlencode "csrf=$_t" --data-urlencode "password=$1"
}
session_cookie() { awk '$6=="restock_admin"{print $7}' "$JAR" | tail -1; }

# ---- unauthenticated ----
is "$(fetch "$A/")" 303 "GET /admin/ without a session: 303"
is "$(hdr "$T_TMP/h" Location)" "/admin/login" "... to the login page"
is "$(fetch "$A/catalog?page=2")" 303 "GET /admin/catalog without a session: 303"
is "$(fetch "$A")" 303 "GET /admin redirects to /admin/"
is "$(fetch "$A/login")" 200 "login page"
for h in "Content-Security-Policy" "X-Frame-Options" "X-Content-Type-Options" "Cache-Control" "Referrer-Policy"; do
	ok "$([ -n "$(hdr "$T_TMP/h" "$h")" ]; echo $?)" "login page has $h"
done
is "$(hdr "$T_TMP/h" X-Frame-Options)" "DENY" "X-Frame-Options: DENY"
is "$(hdr "$T_TMP/h" X-Content-Type-Options)" "nosniff" "nosniff"
is "$(hdr "$T_TMP/h" Cache-Control)" "no-store" "Cache-Control: no-store"
like "$(hdr "$T_TMP/h" Content-Security-Policy)" "default-src 'none'.*style-src 'self'" "CSP forbids scripts, styles from self"
unlike "$(hdr "$T_TMP/h" Content-Security-Policy)" "unsafe-inline|script-src" "CSP allows no script at all"
is "$(fetch "$A/static/admin.css")" 200 "stylesheet"
like "$(hdr "$T_TMP/h" Content-Type)" "^text/css" "stylesheet is text/css"
is "$(curl -s -o /dev/null -w '%{http_code}' -d 'x=1' "$A/settings")" 403 "POST without a session: 403"

# ---- login ----
rm -f "$JAR"
fetch "$A/login" >/dev/null
is "$(fetch "$A/login" --data-urlencode "password=secret-pass-1")" 403 "login POST without the form token: 403"
ok "$([ -z "$(session_cookie)" ]; echo $?)" "... and no session"
is "$(login wrong-password)" 401 "wrong password: 401"
like "$(cat "$T_TMP/b")" "Wrong password" "... says so"
ok "$([ -z "$(session_cookie)" ]; echo $?)" "... and no session cookie"
# session fixation: a session id planted before login is not the one after
FIX=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
printf '127.0.0.1\tFALSE\t/admin\tFALSE\t0\trestock_admin\t%s\n' "$FIX" >>"$JAR"
is "$(login secret-pass-1)" 303 "right password: 303"
is "$(hdr "$T_TMP/h" Location)" "/admin/" "... to the dashboard"
SETC=$(grep -i '^set-cookie: restock_admin=' "$T_TMP/h" | tr -d '\r')
like "$SETC" "HttpOnly" "session cookie is HttpOnly"
like "$SETC" "SameSite=Strict" "session cookie is SameSite=Strict"
like "$SETC" "Path=/admin(;|$)" "session cookie Path=/admin"
unlike "$SETC" "Secure" "no Secure flag over plain http"
S1=$(session_cookie)
like "$S1" "^[0-9a-f]{64}$" "session id is 32 random bytes"
ok "$([ "$S1" != "$FIX" ]; echo $?)" "a cookie set before login is not the session after it (no fixation)"
ok "$(! grep -rqs "$S1" "$H"/admin.gdbm; echo $?)" "the session id itself is not stored"
is "$(fetch "$A/")" 200 "dashboard with the session"
# a second login gets a new id, and the first one ends
cp "$JAR" "$T_TMP/jar1"
is "$(login secret-pass-1)" 303 "log in again"
S2=$(session_cookie)
ok "$([ "$S2" != "$S1" ] && [ -n "$S2" ]; echo $?)" "a new login makes a new session id"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "restock_admin=$S1" "$A/")" 303 "the session presented at login was ended"

# Secure over HTTPS (plain CGI run with HTTPS=on)
tok=$(env -i PATH="$PATH" RESTOCK_HOME="$H" RESTOCK_TEMPLATES="$RESTOCK_TEMPLATES" REQUEST_METHOD=GET PATH_INFO=/admin/login HTTPS=on GATEWAY_INTERFACE=CGI/1.1 "$FCGI" | grep -o 'restock_login=[0-9a-f]*' | cut -d= -f2)
body="csrf=$tok&password=secret-pass-1"
out=$(printf '%s' "$body" | env -i PATH="$PATH" RESTOCK_HOME="$H" RESTOCK_TEMPLATES="$RESTOCK_TEMPLATES" REQUEST_METHOD=POST \
	PATH_INFO=/admin/login HTTPS=on CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=${#body} \
	HTTP_COOKIE="restock_login=$tok" REMOTE_ADDR=10.9.9.9 GATEWAY_INTERFACE=CGI/1.1 "$FCGI" 2>/dev/null)
like "$(printf '%s' "$out" | grep -i '^set-cookie: restock_admin')" "; Secure" "Secure flag over HTTPS"
# mounted under /cgi-bin/restock.fcgi
out=$(env -i PATH="$PATH" RESTOCK_HOME="$H" RESTOCK_TEMPLATES="$RESTOCK_TEMPLATES" REQUEST_METHOD=GET SCRIPT_NAME=/cgi-bin/restock.fcgi \
	PATH_INFO=/admin/ GATEWAY_INTERFACE=CGI/1.1 "$FCGI" | tr -d '\r')
like "$out" "Location: /cgi-bin/restock.fcgi/admin/login" "redirects keep the /cgi-bin/restock.fcgi prefix"
out=$(env -i PATH="$PATH" RESTOCK_HOME="$H" RESTOCK_TEMPLATES="$RESTOCK_TEMPLATES" REQUEST_METHOD=GET SCRIPT_NAME=/cgi-bin/restock.fcgi \
	PATH_INFO=/admin/login GATEWAY_INTERFACE=CGI/1.1 "$FCGI" | tr -d '\r')
like "$out" "Path=/cgi-bin/restock.fcgi/admin/login" "cookie path keeps the prefix"
like "$out" 'action="/cgi-bin/restock.fcgi/admin/login"' "form action keeps the prefix"

# ---- the settings note, then a subscription ----
fetch "$A/settings" >/dev/null
like "$(cat "$T_TMP/b")" 'id="settings-note"' "settings: a note before any Subscribed event"
unlike "$(cat "$T_TMP/b")" 'name="min_inventory"' "... and no settings form yet"
for v in XSS-1 XSS-2 TRL-JKT-001-M TRL-JKT-001-M; do
	n=$((${n:-0} + 1))
	curl -s -o /dev/null -d "a=abc123&email=shopper$n@example.com&variant=$v&platform=api" "$BASE/onsite/components/back-in-stock/subscribe"
done
fetch "$A/settings" >/dev/null
like "$(cat "$T_TMP/b")" 'name="min_inventory"' "settings form once a subscription exists"
like "$(cat "$T_TMP/b")" "20 units × 1 per unit = the oldest 20" "a sentence with the current numbers"
CSRF=$(csrf_of)
like "$CSRF" "^[0-9a-f]{64}$" "forms carry a CSRF token"

# ---- CSRF ----
is "$(fetch "$A/settings" -d "min_inventory=7")" 403 "POST without a CSRF token: 403"
is "$("$CTL" --home "$H" settings min_inventory)" 1 "... and nothing changed"
# a wrong token: the right one with its last digit changed (never equal to it)
case $CSRF in *0) WRONG=${CSRF%?}1 ;; *) WRONG=${CSRF%?}0 ;; esac
is "$(fetch "$A/settings" -d "csrf=$WRONG&min_inventory=7")" 403 "POST with a wrong CSRF token: 403"
is "$("$CTL" --home "$H" settings min_inventory)" 1 "... and nothing changed"
is "$(fetch "$A/subs/delete" -d "variant=XSS-1&seq=0")" 403 "delete without a token: 403"
is "$(fetch "$A/logout" -d "csrf=")" 403 "logout with an empty token: 403"
is "$(fetch "$A/settings" -d "csrf=$CSRF&notify_mode=per_unit&customers_per_unit=5&min_inventory=2")" 303 "POST with the token: 303"
is "$(hdr "$T_TMP/h" Location)" "/admin/settings" "... back to the page (PRG)"
is "$("$CTL" --home "$H" settings customers_per_unit)" 5 "... and saved"
fetch "$A/settings" >/dev/null
like "$(cat "$T_TMP/b")" "Saved 3 settings" "flash message after the redirect"
like "$(cat "$T_TMP/b")" "20 units × 5 per unit = the oldest 100" "explanation uses the new numbers"
fetch "$A/settings" >/dev/null
unlike "$(cat "$T_TMP/b")" "Saved 3 settings" "the flash shows once"
is "$(fetch "$A/settings" -d "csrf=$CSRF&min_inventory=0&customers_per_unit=9")" 303 "invalid value: redirect"
fetch "$A/settings" >/dev/null
like "$(cat "$T_TMP/b")" "Nothing was saved: min_inventory: must be between 1 and" "... with the validation message of restockctl settings"
is "$("$CTL" --home "$H" settings customers_per_unit)" 5 "... and nothing saved"
"$CTL" --home "$H" settings min_inventory 1 >/dev/null

# ---- feed, catalog, subscriptions ----
is "$(fetch "$A/feed/mapping" -d "csrf=$CSRF&rows=2&from_0=color&to_0=colour&type_0=String&from_1=&to_1=")" 303 "save a mapping"
is "$("$CTL" --home "$H" settings feed_mapping | tr -d '\n')" "color=colour:String" "mapping stored as feed_field=target:Type"
is "$(fetch "$A/feed/mapping" -d "csrf=$CSRF&rows=1&from_0=color&to_0=\$nope")" 303 "a bad mapping"
is "$("$CTL" --home "$H" settings feed_mapping | tr -d '\n')" "color=colour:String" "... is not stored"
is "$(fetch "$A/feed/sync" -d "csrf=$CSRF")" 303 "sync now"
fetch "$A/feed" >/dev/null
like "$(cat "$T_TMP/b")" "items accepted" "sync summary flashed"
like "$(cat "$T_TMP/b")" "XSS-3" "report lists the rejected item"
like "$(cat "$T_TMP/b")" '<option value="color">' "fields seen in the last sync offered"
fetch "$A/subs?variant=TRL-JKT-001-M" >/dev/null
like "$(cat "$T_TMP/b")" "shopper3@example.com" "subscriptions of a variant"
grep -o 'name="seq" value="[0-9]*"' "$T_TMP/b" | head -1 | grep -o '[0-9]*' >"$T_TMP/seq"
is "$(fetch "$A/subs/delete" -d "csrf=$CSRF&variant=TRL-JKT-001-M&seq=$(cat "$T_TMP/seq")")" 303 "delete one subscription"
fetch "$A/subs?variant=TRL-JKT-001-M" >/dev/null
unlike "$(cat "$T_TMP/b")" "<td>shopper3@example.com</td>" "... it is gone"
like "$(cat "$T_TMP/b")" "Deleted the subscription of shopper3@example.com" "... with a flash message"
like "$(cat "$T_TMP/b")" "shopper4@example.com" "... the other stays"
is "$(fetch "$A/subs/export?variant=TRL-JKT-001-M")" 200 "CSV export of one variant"
like "$(hdr "$T_TMP/h" Content-Type)" "^text/csv" "... text/csv"
like "$(hdr "$T_TMP/h" Content-Disposition)" "^attachment" "... as an attachment"
like "$(cat "$T_TMP/b")" "shopper4@example.com" "... with the subscriber"
is "$(fetch "$A/subs/export")" 200 "CSV export of all"
like "$(cat "$T_TMP/b")" "shopper1@example.com" "... with every variant"
is "$(fetch "$A/subs/suppress" -d "csrf=$CSRF&email=shopper4@example.com")" 303 "suppress an address"
fetch "$A/subs" >/dev/null
like "$(cat "$T_TMP/b")" "shopper4@example.com is suppressed; 1 waiting subscription dropped" "... its subscriptions dropped"
like "$(cat "$T_TMP/b")" "<td>shopper4@example.com</td>" "... and listed"
is "$(fetch "$A/subs/unsuppress" -d "csrf=$CSRF&email=shopper4@example.com")" 303 "unsuppress"
fetch "$A/subs?check=shopper4%40example.com" >/dev/null
like "$(cat "$T_TMP/b")" "is not suppressed" "... off the list"

# ---- a failed notification, retried ----
"$CTL" --home "$H" settings mail_transport sendmail:/bin/false >/dev/null
curl -s -o /dev/null -d "a=abc123&email=failing@example.com&variant=TRL-JKT-001-L&platform=api" "$BASE/onsite/components/back-in-stock/subscribe"
"$CTL" --home "$H" send >/dev/null 2>&1
"$CTL" --home "$H" send >/dev/null 2>&1
fetch "$A/activity?state=failed" >/dev/null
like "$(cat "$T_TMP/b")" "failing@example.com" "activity lists the failed notification"
ID=$(grep -o 'name="id" value="[0-9]*"' "$T_TMP/b" | head -1 | grep -o '[0-9]*')
is "$(fetch "$A/activity/retry" -d "csrf=$CSRF&id=$ID")" 303 "retry it"
fetch "$A/activity?state=pending" >/dev/null
like "$(cat "$T_TMP/b")" "failing@example.com" "... it is pending again"

# ---- email settings and a test email ----
is "$(fetch "$A/email" -d "csrf=$CSRF&mail_transport=carrier-pigeon")" 303 "a bad transport"
is "$("$CTL" --home "$H" settings mail_transport)" "sendmail:/bin/false" "... is refused with restockctl's validation"
fetch "$A/email" >/dev/null
like "$(cat "$T_TMP/b")" "Nothing was saved: mail_transport: must be" "... and the reason shown"
is "$(fetch "$A/email" -d "csrf=$CSRF&mail_transport=file:mail&store_name=Trail%20%26%20Co&utm=off")" 303 "save email settings"
is "$("$CTL" --home "$H" settings store_name)/$("$CTL" --home "$H" settings utm)" "Trail & Co/off" "... stored"
is "$(fetch "$A/email/test" -d "csrf=$CSRF&to=merchant@example.com")" 303 "send a test email"
fetch "$A/email" >/dev/null
like "$(cat "$T_TMP/b")" "A test email was handed to file:mail for merchant@example.com" "... reported"
ok "$(grep -lqs "restock test email" "$H"/mail/*.eml; echo $?)" "... and written by the file: transport"

# ---- a failing sync leaves the catalog alone ----
"$CTL" --home "$H" settings feed_sources "$T_TMP/missing.xml" >/dev/null
is "$(fetch "$A/feed/sync" -d "csrf=$CSRF")" 303 "sync now with a missing source"
fetch "$A/feed" >/dev/null
like "$(cat "$T_TMP/b")" "Sync failed: .*The catalog was not changed" "... fails with the reason"
like "$("$CTL" --home "$H" status)" "items: 1[0-9]" "... and the catalog is still there"
"$CTL" --home "$H" settings feed_sources "$(cat "$T_TMP/sources")" >/dev/null

# ---- every page: escaped, valid, with the headers ----
PAGES="/ /settings /feed /catalog /catalog?q=alert /catalog?waiters=1 /catalog?stock=out&policy= /catalog?page=2
/subs /subs?variant=XSS-1 /subs?variant=XSS-2 /activity /activity?state=failed /email /activity/preview?item=XSS-1
/activity/preview?item=XSS-2 /activity/preview?item=nope /nope"
for p in $PAGES; do
	st=$(fetch "$A$p")
	case $p in */nope|*item=nope) want=404 ;; *) want=200 ;; esac
	is "$st" "$want" "GET $p: $want"
	ok "$(! grep -qF "$XSS1" "$T_TMP/b"; echo $?)" "$p: no raw <script> from the feed"
	ok "$(! grep -qF "<img src=x" "$T_TMP/b"; echo $?)" "$p: no raw attribute-breaking title"
	is "$(hdr "$T_TMP/h" X-Frame-Options)/$(hdr "$T_TMP/h" Cache-Control)/$(hdr "$T_TMP/h" Referrer-Policy)" "DENY/no-store/same-origin" "$p: headers"
	ok "$([ -n "$(hdr "$T_TMP/h" Content-Security-Policy)" ]; echo $?)" "$p: CSP"
	tidy -errors -quiet "$T_TMP/b" >"$T_TMP/tidy" 2>&1
	rc=$?
	ok "$([ $rc -lt 2 ]; echo $?)" "$p: tidy finds no errors"
	[ $rc -ne 0 ] && sed 's/^/# tidy: /' "$T_TMP/tidy" | head -5
done
fetch "$A/catalog?q=alert" >/dev/null
like "$(cat "$T_TMP/b")" "&lt;script&gt;alert\(1\)&lt;/script&gt;" "title shown escaped"
like "$(cat "$T_TMP/b")" "&quot;&#39;&gt;&lt;img src=x onerror=alert\(1\)&gt;|&quot;&#x27;&gt;&lt;img" "quotes escaped"
fetch "$A/subs?variant=XSS-2" >/dev/null
like "$(cat "$T_TMP/b")" "&lt;img src=x" "subscriptions page escapes the title"
fetch "$A/?refresh=1" >/dev/null
like "$(cat "$T_TMP/b")" "<svg class=\"chart\"" "dashboard has the SVG chart"
like "$(cat "$T_TMP/b")" "&lt;script&gt;" "most-wanted shows the escaped title"
for p in /login; do
	fetch "$A$p" >/dev/null
	tidy -errors -quiet "$T_TMP/b" >/dev/null 2>&1
	ok "$([ $? -lt 2 ]; echo $?)" "$p: tidy finds no errors"
done

# ---- logout ----
is "$(fetch "$A/logout" -d "csrf=$CSRF")" 303 "logout"
is "$(hdr "$T_TMP/h" Location)" "/admin/login?out=1" "... to the login page"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "restock_admin=$S2" "$A/")" 303 "the session is gone after logout"

# ---- idle and absolute expiry: a helper moves a session's stored times back ----
cat >"$T_TMP/age.c" <<'EOF2'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bis/session.h"
#include "core/crypto.h"
/* age HOME SESSION_ID CREATED_AGO_S IDLE_S: rewrite the session's created/last_seen times */
int main(int argc, char **argv)
{
	struct buf h = BUF_INIT, k = BUF_INIT, v = BUF_INIT, nv = BUF_INIT;
	long long created, last, now = atoll(argv[5]);
	char csrf[80];
	const char key[] = "restock admin session v1";
	(void)argc;
	hmac_sha256_hex(&h, key, sizeof(key) - 1, argv[2], strlen(argv[2]));
	buf_addf(&k, "S:%s", h.ptr);
	if (admin_kv_get(argv[1], k.ptr, &v) != 1 || sscanf(v.ptr, "1 %lld %lld %70s", &created, &last, csrf) != 3)
		return 1;
	buf_addf(&nv, "1 %lld %lld %s\n\n", now - atoll(argv[3]), now - atoll(argv[4]), csrf);
	return admin_kv_put(argv[1], k.ptr, nv.ptr, nv.len) ? 1 : 0;
}
EOF2
if cc -std=c11 -D_GNU_SOURCE -I"$ROOT/src" -o "$T_TMP/age" "$T_TMP/age.c" "$ROOT/build/librestock.a" -lgdbm -lcrypto 2>"$T_TMP/cc.err"; then
	rm -f "$JAR"
	login secret-pass-1 >/dev/null
	S3=$(session_cookie)
	is "$(fetch "$A/")" 200 "a fresh session works"
	"$T_TMP/age" "$H" "$S3" 60 $((29 * 60)) "$(date +%s)"
	is "$(fetch "$A/")" 200 "idle 29 of 30 minutes: still logged in"
	"$T_TMP/age" "$H" "$S3" 60 $((31 * 60)) "$(date +%s)"
	is "$(fetch "$A/")" 303 "idle 31 minutes (session_idle_minutes 30): logged out"
	login secret-pass-1 >/dev/null
	S4=$(session_cookie)
	"$T_TMP/age" "$H" "$S4" $((11 * 3600)) 0 "$(date +%s)"
	is "$(fetch "$A/")" 200 "11 hours after login, active: still logged in"
	"$T_TMP/age" "$H" "$S4" $((12 * 3600 + 60)) 0 "$(date +%s)"
	is "$(fetch "$A/")" 303 "12 hours after login (session_max_hours 12): logged out though active"
else
	diag "skipping the expiry checks: $(head -1 "$T_TMP/cc.err")"
fi

# ---- failed logins are throttled per IP ----
rm -f "$JAR"
for i in 1 2 3 4 5; do login "wrong-$i" >/dev/null; done
is "$(login secret-pass-1)" 429 "sixth login within a minute after 5 failures: 429"
ok "$([ -n "$(hdr "$T_TMP/h" Retry-After)" ]; echo $?)" "... with Retry-After"
ok "$([ -z "$(session_cookie)" ]; echo $?)" "... and no session"

done_testing
