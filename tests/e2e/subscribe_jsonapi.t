#!/bin/bash
# subscribe_jsonapi.t: the JSON:API endpoints of SPEC 3.2 behind lighttpd —
# revision header, 202 empty success, error objects with source.pointer,
# keys, company_id, profiles by email / phone / external_id, channels, CORS.
. "$(dirname "$0")/lib.sh"

CLIENT=/client/back-in-stock-subscriptions
SERVER=/api/back-in-stock-subscriptions
PK=pk_test0123456789abcdef0123456789ab
SOLD=TRL-JKT-001-M
REV='revision: 2024-10-15'
CT='Content-Type: application/json'
AUTH="Authorization: Klaviyo-API-Key $PK"

req() {
	CODE=$(curl -s -o "$T_TMP/body" -D "$T_TMP/hdrs" -w '%{http_code}' "$@")
	BODY=$(cat "$T_TMP/body")
	HDRS=$(tr -d '\r' <"$T_TMP/hdrs")
}
hdr() { printf '%s\n' "$HDRS" | grep -i "^$1:" | head -1 | sed 's/^[^:]*: *//'; }
waiting() { "$CTL" --home "$H" status | sed -n 's/^waiting subscriptions: //p'; }
nevents() { "$CTL" --home "$H" export events | grep -c ',Subscribed to Back in Stock,'; }

# body [EMAIL] [VARIANT] [CHANNELS_JSON] [PROFILE_ATTRS_JSON]: a subscription document
body() {
	local email=${1:-j@example.com} variant=${2:-$SOLD} ch=${3:-'["EMAIL"]'} attrs=${4:-}
	[ -n "$attrs" ] || attrs="{\"email\": \"$email\"}"
	printf '{"data": {"type": "back-in-stock-subscription", "attributes": {"channels": %s, "profile": {"data": {"type": "profile", "attributes": %s}}}, "relationships": {"variant": {"data": {"type": "catalog-variant", "id": "$custom:::$default:::%s"}}}}}' \
		"$ch" "$attrs" "$variant"
}
client() { req -H "$REV" -H "$CT" --data-binary "$1" "$BASE$CLIENT?company_id=abc123"; }
server() { req -H "$REV" -H "$CT" -H "$AUTH" --data-binary "$1" "$BASE$SERVER"; }

# errs: "status code pointer" per error of the last body, one a line
# (also checks every error object has id, status, code, title, detail)
errs() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for e in d["errors"]:
    for k in ("id", "status", "code", "title", "detail"):
        assert k in e, k
    assert isinstance(e["status"], int)
    p = e.get("source", {}).get("pointer", "-")
    print(e["status"], e["code"], p)
' "$T_TMP/body" 2>&1
}
# pointers: just the pointers, space-separated
pointers() { errs | awk '{print $3}' | tr '\n' ' ' | sed 's/ $//'; }

H=$(new_home) || { echo "Bail out! no home"; exit 1; }
start_lighttpd "$H" 2 || { echo "Bail out! lighttpd"; exit 1; }

# ---- success on both endpoints, with and without the trailing slash
n=0
for path in "$CLIENT?company_id=abc123" "$CLIENT/?company_id=abc123"; do
	n=$((n + 1))
	req -H "$REV" -H "$CT" --data-binary "$(body c$n@example.com)" "$BASE$path"
	is "$CODE" 202 "POST $path: 202"
	is "$(wc -c <"$T_TMP/body")" 0 "POST $path: empty body"
	is "$(hdr Access-Control-Allow-Origin)" '*' "POST $path: Access-Control-Allow-Origin *"
done
for path in "$SERVER" "$SERVER/"; do
	n=$((n + 1))
	req -H "$REV" -H 'Content-Type: application/vnd.api+json' -H "$AUTH" --data-binary "$(body s$n@example.com)" "$BASE$path"
	is "$CODE" 202 "POST $path: 202"
	is "$(wc -c <"$T_TMP/body")" 0 "POST $path: empty body"
done
is "$(waiting)" 4 "4 subscriptions stored"
ev=$("$CTL" --home "$H" export events | grep ',c1@example.com,')
like "$ev" ",Subscribed to Back in Stock,c1@example.com,$SOLD,EMAIL,client,Ridgeline Rain Jacket \(M\),149\.00," \
	"client event: channel, platform, item title and price"
ev=$("$CTL" --home "$H" export events | grep ',s3@example.com,')
like "$ev" ",Subscribed to Back in Stock,s3@example.com,$SOLD,EMAIL,server,Ridgeline Rain Jacket \(M\),149\.00," \
	"server event: channel, platform, item title and price"

# duplicates (also across the form endpoint), case-insensitive; unknown variant
server "$(body C1@Example.COM)"
is "$CODE" 202 "duplicate (other case, other endpoint): 202"
curl -s -o /dev/null -d a=abc123 -d email=c1@EXAMPLE.com -d variant=$SOLD -d platform=api "$BASE/api/v1/catalog/subscribe"
is "$(waiting)" 4 "duplicates change nothing"
is "$(nevents)" 4 "no event for a duplicate"
client "$(body ghost@example.com NO-SUCH-VARIANT)"
is "$CODE/$(wc -c <"$T_TMP/body")" "202/0" "unknown variant: 202 empty"
is "$(waiting)/$(nevents)" "4/4" "unknown variant: nothing stored, no event"

# ---- profiles: phone only, external_id only, several channels
client "$(body '' TRL-JKT-001-L '["SMS"]' '{"phone_number": "+15005550006"}')"
is "$CODE" 202 "phone-only profile with SMS: 202"
server "$(body '' TRL-JKT-001-L '["PUSH"]' '{"external_id": "cust-42"}')"
is "$CODE" 202 "external_id-only profile with PUSH: 202"
server "$(body '' TRL-JKT-001-L '["EMAIL", "SMS", "WHATSAPP"]' '{"email": "multi@example.com", "phone_number": "+447700900123"}')"
is "$CODE" 202 "email + phone with EMAIL, SMS, WHATSAPP: 202"
is "$(waiting)" 7 "three more subscriptions"
subs=$("$CTL" --home "$H" export subscriptions | tr -d '\r')
like "$subs" "TRL-JKT-001-L,[0-9]+,,'?\+15005550006,,[^,]+,SMS,client," "phone-only subscription exported with its channel"
like "$subs" "TRL-JKT-001-L,[0-9]+,,,cust-42,[^,]+,PUSH,server," "external_id-only subscription exported"
like "$subs" "TRL-JKT-001-L,[0-9]+,multi@example.com,'?\+447700900123,,[^,]+,EMAIL[|;+ ]SMS[|;+ ]WHATSAPP,server," \
	"all channels stored"
ev=$("$CTL" --home "$H" export events | tr -d '\r' | grep 'multi@example.com')
like "$ev" ",EMAIL[|;+ ]SMS[|;+ ]WHATSAPP,server,Ridgeline Rain Jacket \(L\),149\.00," "event lists the channels"
client "$(body '' TRL-JKT-001-L '["SMS"]' '{"phone_number": "+15005550006"}')"
is "$CODE/$(waiting)" "202/7" "same phone again: duplicate"

# ---- revision header
req -H "$CT" --data-binary "$(body rev@example.com)" "$BASE$CLIENT?company_id=abc123"
is "$CODE" 400 "client without revision: 400"
is "$(errs)" "400 invalid -" "client without revision: one invalid error"
for r in 'latest' '2024-1-15' '15-10-2024' '2024/10/15' '2024-10-15x'; do
	req -H "revision: $r" -H "$CT" -H "$AUTH" --data-binary "$(body rev@example.com)" "$BASE$SERVER"
	is "$CODE" 400 "server with revision '$r': 400"
done
req -H 'revision: 2024-10-15.pre' -H "$CT" -H "$AUTH" --data-binary "$(body rev@example.com)" "$BASE$SERVER"
is "$CODE" 202 "revision with a .pre suffix accepted"

# ---- keys and company_id
req -H "$REV" -H "$CT" --data-binary "$(body k@example.com)" "$BASE$SERVER"
is "$CODE" 401 "server without Authorization: 401"
is "$(errs)" "401 not_authenticated -" "401 error object"
is "$(hdr Content-Type)" "application/vnd.api+json" "errors are application/vnd.api+json"
req -H "$REV" -H "$CT" -H "Authorization: Bearer $PK" --data-binary "$(body k@example.com)" "$BASE$SERVER"
is "$CODE" 401 "server with another scheme: 401"
req -H "$REV" -H "$CT" -H 'Authorization: Klaviyo-API-Key pk_wrong' --data-binary "$(body k@example.com)" "$BASE$SERVER/"
is "$CODE" 403 "server with a wrong key: 403"
is "$(errs)" "403 permission_denied -" "403 error object"
req -H "$REV" -H "$CT" -H "Authorization: Klaviyo-API-Key ${PK}x" --data-binary "$(body k@example.com)" "$BASE$SERVER"
is "$CODE" 403 "server with the key plus a character: 403"
req -H "$REV" -H "$CT" -H 'Authorization: Klaviyo-API-Key abc123' --data-binary "$(body k@example.com)" "$BASE$SERVER"
is "$CODE" 403 "server with the public key: 403"
req -H "$REV" -H "$CT" --data-binary "$(body k@example.com)" "$BASE$CLIENT"
is "$CODE" 400 "client without company_id: 400"
is "$(errs)" "400 invalid -" "missing company_id: invalid"
req -H "$REV" -H "$CT" --data-binary "$(body k@example.com)" "$BASE$CLIENT?company_id="
is "$CODE" 400 "client with an empty company_id: 400"
req -H "$REV" -H "$CT" --data-binary "$(body k@example.com)" "$BASE$CLIENT/?company_id=WRONG"
is "$CODE" 400 "client with a wrong company_id: 400"
is "$(errs)" "400 invalid -" "wrong company_id: invalid"
req -H "$REV" -H "$CT" --data-binary "$(body k@example.com)" "$BASE$CLIENT?company_id=$PK"
is "$CODE" 400 "client with the private key as company_id: 400"
is "$(waiting)" 8 "nothing stored by refused requests"

# ---- media type
req -H "$REV" -H 'Content-Type: application/x-www-form-urlencoded' -H "$AUTH" --data-binary "$(body m@example.com)" "$BASE$SERVER"
is "$CODE" 415 "form content type on a JSON:API endpoint: 415"

# ---- every invalid member, with its pointer
P=/data/attributes/profile/data/attributes
bad() {	# bad NAME JSON WANT_ERRS
	client "$2"
	is "$CODE" 400 "$1: 400"
	is "$(errs)" "$3" "$1: errors"
}
D='{"data": {"type": "back-in-stock-subscription", "attributes": %s, "relationships": %s}}'
A_OK='{"channels": ["EMAIL"], "profile": {"data": {"type": "profile", "attributes": {"email": "e@example.com"}}}}'
R_OK='{"variant": {"data": {"type": "catalog-variant", "id": "$custom:::$default:::TRL-JKT-001-M"}}}'
bad "not JSON" '{"data": ' "400 invalid /"
bad "empty body" '' "400 invalid /"
bad "array" '[1, 2]' "400 invalid /"
bad "too deep" "$(printf '[%.0s' $(seq 1 40))" "400 invalid /"
bad "no data" '{}' "400 invalid /data"
bad "data not an object" '{"data": 5}' "400 invalid /data"
bad "data twice" "{\"data\": {}, \"data\": {}}" "400 invalid /data"
bad "wrong type" "$(printf "$D" "$A_OK" "$R_OK" | sed 's/"back-in-stock-subscription"/"subscription"/')" "400 invalid /data/type"
bad "no type" "$(printf "$D" "$A_OK" "$R_OK" | sed 's/"type": "back-in-stock-subscription", //')" "400 invalid /data/type"
bad "no attributes" '{"data": {"type": "back-in-stock-subscription", "relationships": '"$R_OK"'}}' "400 invalid /data/attributes"
bad "no channels" "$(printf "$D" '{"profile": {"data": {"type": "profile", "attributes": {"email": "e@example.com"}}}}' "$R_OK")" \
	"400 invalid /data/attributes/channels"
bad "channels not an array" "$(printf "$D" "$(printf '%s' "$A_OK" | sed 's/\["EMAIL"\]/"EMAIL"/')" "$R_OK")" \
	"400 invalid /data/attributes/channels"
bad "channels empty" "$(printf "$D" "$(printf '%s' "$A_OK" | sed 's/\["EMAIL"\]/[]/')" "$R_OK")" \
	"400 invalid /data/attributes/channels"
bad "unknown channel" "$(printf "$D" "$(printf '%s' "$A_OK" | sed 's/\["EMAIL"\]/["EMAIL", "FAX"]/')" "$R_OK")" \
	"400 invalid /data/attributes/channels/1"
bad "lowercase channel" "$(printf "$D" "$(printf '%s' "$A_OK" | sed 's/\["EMAIL"\]/["email"]/')" "$R_OK")" \
	"400 invalid /data/attributes/channels/0"
bad "channel twice" "$(printf "$D" "$(printf '%s' "$A_OK" | sed 's/\["EMAIL"\]/["EMAIL", "EMAIL"]/')" "$R_OK")" \
	"400 invalid /data/attributes/channels/1"
bad "channel not a string" "$(printf "$D" "$(printf '%s' "$A_OK" | sed 's/\["EMAIL"\]/["EMAIL", 7]/')" "$R_OK")" \
	"400 invalid /data/attributes/channels/1"
bad "no profile" "$(printf "$D" '{"channels": ["EMAIL"]}' "$R_OK")" "400 invalid /data/attributes/profile"
bad "profile without data" "$(printf "$D" '{"channels": ["EMAIL"], "profile": {}}' "$R_OK")" \
	"400 invalid /data/attributes/profile/data"
bad "profile type" "$(printf "$D" "$(printf '%s' "$A_OK" | sed 's/"type": "profile"/"type": "person"/')" "$R_OK")" \
	"400 invalid /data/attributes/profile/data/type"
bad "profile without attributes" "$(printf "$D" '{"channels": ["EMAIL"], "profile": {"data": {"type": "profile"}}}' "$R_OK")" \
	"400 invalid $P"
bad "invalid email" "$(body not-an-email)" "400 invalid $P/email"
bad "email not a string" "$(body '' $SOLD '["EMAIL"]' '{"email": 42}')" "400 invalid $P/email"
bad "email NUL" "$(body '' $SOLD '["EMAIL"]' '{"email": "a\u0000b@example.com"}')" "400 invalid $P/email"
bad "EMAIL channel without email" "$(body '' $SOLD '["EMAIL"]' '{"external_id": "x1"}')" "400 invalid $P/email"
bad "SMS without phone" "$(body '' $SOLD '["SMS"]' '{"email": "e@example.com"}')" "400 invalid $P/phone_number"
bad "WHATSAPP without phone" "$(body '' $SOLD '["WHATSAPP"]' '{"email": "e@example.com"}')" "400 invalid $P/phone_number"
bad "phone not E.164" "$(body '' $SOLD '["SMS"]' '{"phone_number": "555-0100"}')" \
	"400 invalid $P/phone_number"
bad "phone too long" "$(body '' $SOLD '["SMS"]' '{"phone_number": "+1234567890123456"}')" \
	"400 invalid $P/phone_number"
bad "no identity at all" "$(body '' $SOLD '["PUSH"]' '{}')" "400 invalid $P"
bad "external_id too long" "$(body '' $SOLD '["PUSH"]' "{\"external_id\": \"$(printf 'x%.0s' $(seq 1 300))\"}")" \
	"400 invalid $P/external_id"
bad "external_id control char" "$(body '' $SOLD '["PUSH"]' '{"external_id": "a\u0001b"}')" \
	"400 invalid $P/external_id"
bad "no relationships" '{"data": {"type": "back-in-stock-subscription", "attributes": '"$A_OK"'}}' \
	"400 invalid /data/relationships"
bad "no variant" "$(printf "$D" "$A_OK" '{}')" "400 invalid /data/relationships/variant"
bad "variant without data" "$(printf "$D" "$A_OK" '{"variant": {}}')" "400 invalid /data/relationships/variant/data"
bad "variant type" "$(printf "$D" "$A_OK" "$(printf '%s' "$R_OK" | sed 's/catalog-variant/catalog-item/')")" \
	"400 invalid /data/relationships/variant/data/type"
bad "variant id without prefix" "$(printf "$D" "$A_OK" '{"variant": {"data": {"type": "catalog-variant", "id": "TRL-JKT-001-M"}}}')" \
	"400 invalid /data/relationships/variant/data/id"
bad "variant id empty after prefix" "$(printf "$D" "$A_OK" '{"variant": {"data": {"type": "catalog-variant", "id": "$custom:::$default:::"}}}')" \
	"400 invalid /data/relationships/variant/data/id"
bad "variant id missing" "$(printf "$D" "$A_OK" '{"variant": {"data": {"type": "catalog-variant"}}}')" \
	"400 invalid /data/relationships/variant/data/id"
bad "variant id not a string" "$(printf "$D" "$A_OK" '{"variant": {"data": {"type": "catalog-variant", "id": 12}}}')" \
	"400 invalid /data/relationships/variant/data/id"

# several errors at once, in document order
client '{"data": {"type": "nope", "attributes": {"channels": ["FAX"], "profile": {"data": {"type": "profile", "attributes": {"email": "bad", "phone_number": "123"}}}}, "relationships": {"variant": {"data": {"type": "catalog-variant", "id": "X"}}}}}'
is "$CODE" 400 "many errors: 400"
is "$(pointers)" "/data/type /data/attributes/channels/0 $P/email $P/phone_number /data/relationships/variant/data/id" \
	"many errors: one object per bad member, each with its pointer"
ids=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["errors"]; print(len(set(x["id"] for x in e)) == len(e))' "$T_TMP/body")
is "$ids" True "every error has its own id"
is "$(waiting)" 8 "nothing stored by invalid bodies"

# ---- CORS on the client endpoint
req -X OPTIONS -H 'Origin: https://shop.example' -H 'Access-Control-Request-Method: POST' \
	-H 'Access-Control-Request-Headers: revision, content-type' "$BASE$CLIENT?company_id=abc123"
like "$CODE" '^20[04]$' "client OPTIONS preflight: 2xx"
is "$(hdr Access-Control-Allow-Origin)" '*' "preflight: Allow-Origin *"
like "$(hdr Access-Control-Allow-Methods)" 'POST' "preflight: POST allowed"
like "$(hdr Access-Control-Allow-Headers)" '(^|, *)revision(,|$)' "preflight: revision allowed"
like "$(hdr Access-Control-Allow-Headers)" '(^|, *)[Cc]ontent-[Tt]ype(,|$)' "preflight: content-type allowed"
req -X OPTIONS -H 'Origin: https://shop.example' "$BASE$CLIENT/"
like "$CODE" '^20[04]$' "preflight with a trailing slash and no query"
req -H "$CT" -H 'Origin: https://shop.example' --data-binary "$(body x@example.com)" "$BASE$CLIENT?company_id=abc123"
is "$(hdr Access-Control-Allow-Origin)" '*' "client error answers carry CORS too (missing revision)"
"$CTL" --home "$H" settings cors_origins 'https://shop.example' >/dev/null
req -X OPTIONS -H 'Origin: https://shop.example' -H 'Access-Control-Request-Method: POST' "$BASE$CLIENT"
is "$(hdr Access-Control-Allow-Origin)" 'https://shop.example' "cors_origins: listed origin echoed in the preflight"
is "$(printf '%s\n' "$HDRS" | grep -ci '^Access-Control-Allow-Origin:')" 1 "preflight: Allow-Origin once"
req -H "$REV" -H "$CT" -H 'Origin: https://shop.example' --data-binary "$(body cors@example.com)" "$BASE$CLIENT?company_id=abc123"
is "$CODE/$(hdr Access-Control-Allow-Origin)" '202/https://shop.example' "cors_origins: listed origin echoed on POST"
req -H "$REV" -H "$CT" -H 'Origin: https://evil.example' --data-binary "$(body cors2@example.com)" "$BASE$CLIENT?company_id=abc123"
is "$(hdr Access-Control-Allow-Origin)" '' "cors_origins: origin not listed gets no Allow-Origin"
"$CTL" --home "$H" settings cors_origins '' >/dev/null

req "$BASE/healthz"
is "$CODE" 200 "healthz after all that"
done_testing
