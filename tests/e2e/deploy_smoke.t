#!/bin/bash
# deploy_smoke.t: the same checks behind every shipped deployment — lighttpd, Apache mod_fcgid
# (vhost) and Apache with the shared-hosting .htaccess layout: health, catalog, form and JSON:API
# subscribes (Authorization passed through), 413, CORS, and identical answers at / and under
# /cgi-bin/restock.fcgi/. RESTOCK_TEST_SERVER picks one server; unset, all three are checked.
. "$(dirname "$0")/lib.sh"

V1=/api/v1/catalog/subscribe
ONSITE=/onsite/components/back-in-stock/subscribe
CLIENT=/client/back-in-stock-subscriptions
SERVER=/api/back-in-stock-subscriptions
PK=pk_test0123456789abcdef0123456789ab
SOLD=TRL-JKT-001-M
REV='revision: 2024-10-15'
CT='Content-Type: application/json'

req() {	# req CURL_ARGS...: sets CODE, BODY, HDRS
	CODE=$(curl -s -o "$T_TMP/body" -D "$T_TMP/hdrs" -w '%{http_code}' "$@")
	BODY=$(cat "$T_TMP/body")
	HDRS=$(tr -d '\r' <"$T_TMP/hdrs")
}
hdr() { printf '%s\n' "$HDRS" | grep -i "^$1:" | head -1 | sed 's/^[^:]*: *//'; }
waiting() { "$CTL" --home "$H" status | sed -n 's/^waiting subscriptions: //p'; }
jbody() {	# jbody EMAIL: a JSON:API subscription document
	printf '{"data": {"type": "back-in-stock-subscription", "attributes": {"channels": ["EMAIL"], "profile": {"data": {"type": "profile", "attributes": {"email": "%s"}}}}, "relationships": {"variant": {"data": {"type": "catalog-variant", "id": "$custom:::$default:::%s"}}}}}' "$1" "$SOLD"
}
# answer URL CURL_ARGS...: "status|content-type|body" of one request, for comparisons
answer() {
	_u=$1
	shift
	req "$@" "$_u"
	printf '%s|%s|%s' "$CODE" "$(hdr Content-Type)" "$BODY"
}

servers=${RESTOCK_TEST_SERVER:-lighttpd apache htaccess}
big="$T_TMP/big.txt"
head -c $((70 * 1024)) /dev/zero | tr '\0' 'x' | sed 's/^/a=abc123\&email=big%40example.com\&variant=TRL-JKT-001-M\&platform=api\&pad=/' >"$big"

for srv in $servers; do
	export RESTOCK_TEST_SERVER=$srv
	failed_before=$T_FAILED
	H=$(new_home "home-$srv") || { echo "Bail out! no home"; exit 1; }
	if [ "$srv" = htaccess ]; then
		# on a shared host the data home can only come from cgi-bin/.htaccess (SetEnv), which
		# mod_fcgid passes as a request parameter, not in the program's process environment
		start_server "$H" 2 >"$T_TMP/start.log"
		ok $? "htaccess: RESTOCK_HOME set by SetEnv in cgi-bin/.htaccess reaches the program"
		[ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null ||
			{ cat "$T_TMP/start.log"; echo "Bail out! $srv did not start"; exit 1; }
	else
		start_server "$H" 2 || { echo "Bail out! $srv did not start"; exit 1; }
	fi
	diag "server: $srv at $BASE"

	for b in "$BASE" "$SCRIPT_BASE"; do
		m=${b#"$BASE"}; m=${m:-/}
		k=$srv-$( [ "$m" = / ] && echo root || echo script )	# distinct addresses per mount
		req "$b/healthz"
		is "$CODE $BODY" '200 {"status": "ok"}' "$srv $m: GET /healthz"

		req "$b/api/catalog/items?limit=2"
		is "$CODE" 200 "$srv $m: GET /api/catalog/items"
		like "$BODY" '"\$id"' "$srv $m: catalog items carry \$id"

		req -d a=abc123 -d "email=form-$k@example.com" -d variant=$SOLD -d platform=api "$b$V1"
		is "$CODE $BODY" "200 {\"email\": \"form-$k@example.com\", \"success\": true}" "$srv $m: form subscribe, exact body"
		is "$(hdr Content-Type)" application/json "$srv $m: form subscribe Content-Type"

		req -F a=abc123 -F "email=onsite-$k@example.com" -F variant=$SOLD -F platform=api "$b$ONSITE"
		is "$CODE $BODY" "200 {\"email\": \"onsite-$k@example.com\", \"success\": true}" "$srv $m: onsite multipart subscribe"

		req -H "$REV" -H "$CT" -H "Authorization: Klaviyo-API-Key $PK" --data-binary "$(jbody "srv-$k@example.com")" "$b$SERVER"
		is "$CODE|$BODY" "202|" "$srv $m: JSON:API server subscribe with the key: 202, empty (Authorization passed through)"
		req -H "$REV" -H "$CT" --data-binary "$(jbody "nokey-$k@example.com")" "$b$SERVER"
		is "$CODE" 401 "$srv $m: JSON:API server subscribe without a key: 401"
		req -H "$REV" -H "$CT" -H "Authorization: Klaviyo-API-Key pk_wrong0123456789abcdef012345678" --data-binary "$(jbody "badkey-$k@example.com")" "$b$SERVER"
		is "$CODE" 403 "$srv $m: JSON:API server subscribe with a wrong key: 403"
		req -H "$REV" -H "$CT" --data-binary "$(jbody "client-$k@example.com")" "$b$CLIENT/?company_id=abc123"
		is "$CODE|$BODY" "202|" "$srv $m: JSON:API client subscribe (trailing slash, query kept): 202"

		req -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$big" "$b$V1"
		is "$CODE" 413 "$srv $m: a 70 KiB body: 413"

		req -X OPTIONS -H 'Origin: https://shop.example' -H 'Access-Control-Request-Method: POST' \
			-H 'Access-Control-Request-Headers: content-type' "$b$ONSITE"
		like "$CODE" '^20[04]$' "$srv $m: onsite CORS preflight 2xx"
		is "$(hdr Access-Control-Allow-Origin)" '*' "$srv $m: onsite preflight Allow-Origin"
		req -X OPTIONS -H 'Origin: https://shop.example' -H 'Access-Control-Request-Method: POST' \
			-H 'Access-Control-Request-Headers: revision, content-type' "$b$CLIENT?company_id=abc123"
		like "$CODE" '^20[04]$' "$srv $m: client CORS preflight 2xx"
		like "$(hdr Access-Control-Allow-Headers)" '[Rr]evision' "$srv $m: client preflight allows revision"
	done
	# 4 accepted subscriptions per mount (form, onsite, server, client); the refused ones stored nothing
	is "$(waiting)" 8 "$srv: exactly 8 subscriptions waiting"

	# the same program at both mounts: byte-identical answers
	for spec in "/healthz" "/api/catalog/items?limit=3&offset=1" "/api/catalog/items?category=Jackets" \
		"POST $V1 a=abc123&email=dup-$srv@example.com&variant=$SOLD&platform=api" \
		"POST $V1 a=abc123&email=bad" "POST $ONSITE a=wrong&email=x@example.com&variant=$SOLD&platform=api" \
		"POST $V1 a=abc123&email=unknown-$srv@example.com&variant=NOPE&platform=api" \
		"GET $V1" "POST /healthz x=1"; do
		set -- $spec
		if [ "$1" = POST ]; then
			a1=$(answer "$BASE$2" -d "$3"); a2=$(answer "$SCRIPT_BASE$2" -d "$3")
		elif [ "$1" = GET ]; then
			a1=$(answer "$BASE$2"); a2=$(answer "$SCRIPT_BASE$2")
		else
			a1=$(answer "$BASE$1"); a2=$(answer "$SCRIPT_BASE$1")
		fi
		is "$a2" "$a1" "$srv: same answer at / and /cgi-bin/restock.fcgi for $spec"
	done
	req "$SCRIPT_BASE/no/such/page"
	is "$CODE" 404 "$srv: unknown path under the script: 404"
	req "$BASE/no/such/page"
	is "$CODE" 404 "$srv: unknown path at the root: 404"

	# the program's errors reach the server's error log without full email addresses
	unlike "$(cat "$SERVER_RUN"/*.log 2>/dev/null | grep -i restock)" '[a-z0-9-]{3,}@example\.com' \
		"$srv: no full email address in the server's logs"
	[ "$T_FAILED" -gt "$failed_before" ] && server_logs
	stop_server
done
done_testing
