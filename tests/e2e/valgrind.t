#!/bin/bash
# valgrind.t: the request path (subscribe, JSON:API, catalog, errors) under valgrind: no leaks, no invalid accesses.
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || { echo "1..0 # SKIP valgrind not installed"; exit 0; }
H=$(new_home) || { echo "Bail out! no home"; exit 1; }
VG="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99"

vg_cgi() {	# vg_cgi NAME METHOD PATH QUERY CTYPE BODY [EXTRA_ENV...]
	local name=$1 m=$2 p=$3 q=$4 ct=$5 b=$6
	shift 6
	printf '%s' "$b" | env -i PATH="$PATH" RESTOCK_HOME="$H" REQUEST_METHOD="$m" PATH_INFO="$p" \
		QUERY_STRING="$q" CONTENT_TYPE="$ct" CONTENT_LENGTH="${#b}" REMOTE_ADDR=127.0.0.1 \
		GATEWAY_INTERFACE=CGI/1.1 "$@" $VG "$FCGI" >"$T_TMP/out" 2>"$T_TMP/vg"
	local rc=$?
	[ $rc -ne 99 ] && ! grep -q 'Invalid\|uninitialised\|definitely lost' "$T_TMP/vg"
	ok $? "$name: clean under valgrind"
	[ -s "$T_TMP/vg" ] && sed 's/^/# /' "$T_TMP/vg" | head -30
}

vg_cgi "healthz" GET /healthz "" "" ""
vg_cgi "catalog items" GET /api/catalog/items "limit=5&offset=2" "" ""
vg_cgi "catalog category" GET /api/catalog/items "category=Jackets" "" ""
vg_cgi "form subscribe" POST /api/v1/catalog/subscribe "" application/x-www-form-urlencoded \
	"a=abc123&email=vg%40example.com&variant=TRL-JKT-001-M&platform=api"
vg_cgi "duplicate subscribe" POST /api/v1/catalog/subscribe "" application/x-www-form-urlencoded \
	"a=abc123&email=VG%40example.com&variant=TRL-JKT-001-M&platform=api"
vg_cgi "missing fields" POST /onsite/components/back-in-stock/subscribe "" application/x-www-form-urlencoded "a=abc123"
vg_cgi "malformed form" POST /api/v1/catalog/subscribe "" application/x-www-form-urlencoded "a=%zz&email=x"
mp=$'--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nabc123\r\n--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\nmp@example.com\r\n--XyZ\r\nContent-Disposition: form-data; name="variant"\r\n\r\nTRL-JKT-001-M\r\n--XyZ\r\nContent-Disposition: form-data; name="platform"\r\n\r\napi\r\n--XyZ--\r\n'
vg_cgi "multipart subscribe" POST /api/v1/catalog/subscribe "" "multipart/form-data; boundary=XyZ" "$mp"
ja='{"data":{"type":"back-in-stock-subscription","attributes":{"channels":["EMAIL"],"profile":{"data":{"type":"profile","attributes":{"email":"ja@example.com"}}}},"relationships":{"variant":{"data":{"type":"catalog-variant","id":"$custom:::$default:::TRL-JKT-001-M"}}}}}'
vg_cgi "jsonapi client" POST /client/back-in-stock-subscriptions "company_id=abc123" application/json "$ja" HTTP_REVISION=2024-10-15
vg_cgi "jsonapi errors" POST /client/back-in-stock-subscriptions "company_id=abc123" application/json '{"data":{"type":"x"}}' HTTP_REVISION=2024-10-15
vg_cgi "jsonapi server" POST /api/back-in-stock-subscriptions "" application/json "$ja" HTTP_REVISION=2024-10-15 "HTTP_AUTHORIZATION=Klaviyo-API-Key pk_test0123456789abcdef0123456789ab"
vg_cgi "not found" GET /nope "" "" ""
done_testing
