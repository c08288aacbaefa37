# lib_engine.sh: helpers for the engine_*.t scenario tests (feeds, a real SMTP server, subscribers, received mail).
# Source it from a .t script: . "$(dirname "$0")/lib_engine.sh"

. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
PY=/usr/bin/python3
SMTPD="$ROOT/tests/e2e/smtpd.py"
SMTP_PID=""
SMTP_PORT=""
SMTP_DIR=""
export RESTOCK_TEMPLATES="$ROOT/templates"

# write_feed FILE ID:QTY[:CATEGORY] ...: an XML feed of those items (QTY "-" leaves the quantity out)
write_feed() {
	_f=$1
	shift
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<rss><Products>'
		for _spec in "$@"; do
			_id=${_spec%%:*}
			_rest=${_spec#*:}
			_qty=${_rest%%:*}
			_cat=Things
			[ "$_rest" != "$_qty" ] && _cat=${_rest#*:}
			echo "<Product><id>$_id</id><title>Item $_id</title>"
			echo "<link>https://shop.example/p/$_id</link><price>12.50</price>"
			echo "<image_link>https://shop.example/i/$_id.jpg</image_link>"
			echo "<description>The $_id, described.</description>"
			[ "$_qty" != "-" ] && echo "<inventory_quantity>$_qty</inventory_quantity>"
			echo "<categories><category>$_cat</category></categories><color>Teal</color></Product>"
		done
		echo '</Products></rss>'
	} >"$_f.tmp" && mv "$_f.tmp" "$_f"
}

# set_stock HOME ID:QTY[:CAT] ...: replace the home's feed (HOME/feed.xml)
set_stock() {
	_h=$1
	shift
	write_feed "$_h/feed.xml" "$@"
}

# start_smtp DIR [smtpd.py args]: a real SMTP server on a free port; sets SMTP_PORT, SMTP_PID, SMTP_DIR
start_smtp() {
	SMTP_DIR=$1
	shift
	mkdir -p "$SMTP_DIR"
	rm -f "$SMTP_DIR.ready"
	"$PY" "$SMTPD" --dir "$SMTP_DIR" --ready "$SMTP_DIR.ready" "$@" 2>>"$SMTP_DIR.log" &
	SMTP_PID=$!
	T_PIDS="$T_PIDS $SMTP_PID"
	for _i in $(seq 1 200); do
		if [ -s "$SMTP_DIR.ready" ]; then
			SMTP_PORT=$(cut -d' ' -f2 "$SMTP_DIR.ready")
			return 0
		fi
		sleep 0.05
	done
	echo "# smtpd did not start"; sed 's/^/# /' "$SMTP_DIR.log"
	return 1
}

stop_smtp() {
	[ -n "$SMTP_PID" ] && kill "$SMTP_PID" 2>/dev/null && wait "$SMTP_PID" 2>/dev/null
	SMTP_PID=""
}

# eng_home NAME: an initialised home whose feed is NAME/feed.xml and whose mail goes to the SMTP server
eng_home() {
	_h="$T_TMP/$1"
	"$CTL" --home "$_h" init --public-key abc123 --base-url http://shop.test/restock >/dev/null || return 1
	for _kv in rate_ip_per_minute=0 rate_email_per_hour=0 max_waiting_per_email=0 \
		feed_item_element=Product "feed_sources=$_h/feed.xml" \
		"mail_transport=smtp://127.0.0.1:$SMTP_PORT" store_name=Teal\ Shop \
		mail_from=alerts@shop.test send_backoff_seconds=60; do
		"$CTL" --home "$_h" settings "${_kv%%=*}" "${_kv#*=}" >/dev/null || return 1
	done
	echo "$_h"
}

# setting HOME KEY VALUE
setting() { "$CTL" --home "$1" settings "$2" "$3" >/dev/null; }

# subscribe HOME EMAIL VARIANT: through the real FastCGI program run as CGI; prints the JSON body
subscribe() {
	cgi "$1" POST /api/v1/catalog/subscribe "" application/x-www-form-urlencoded \
		"a=abc123&email=$2&variant=$3&platform=api" | sed '1,/^\r*$/d'
}

# subscribe_many HOME VARIANT PREFIX FROM TO: PREFIX<n>@example.com for n in FROM..TO, in that order
subscribe_many() {
	for _n in $(seq "$4" "$5"); do
		subscribe "$1" "$3$_n@example.com" "$2" >/dev/null
	done
}

# run_engine HOME [ENV...]: restockctl run (sync + evaluate + send); output in $T_TMP/run.out
run_engine() {
	_h=$1
	shift
	env "$@" "$CTL" --home "$_h" run >"$T_TMP/run.out" 2>&1
}

# send_engine HOME [ENV...]: restockctl send; output in $T_TMP/send.out
send_engine() {
	_h=$1
	shift
	env "$@" "$CTL" --home "$_h" send >"$T_TMP/send.out" 2>&1
}

# rcpts [DIR]: the envelope recipients of the received messages, in arrival order, one a line
rcpts() {
	"$PY" - "${1:-$SMTP_DIR}" <<'EOF'
import os, sys
d = sys.argv[1]
ns = sorted(int(f[:-4]) for f in os.listdir(d) if f.endswith(".env") and f[:-4].isdigit())
for n in ns:
    for line in open(os.path.join(d, "%d.env" % n)):
        if line.startswith("rcpt_to: "):
            print(line[9:].strip())
EOF
}

# count_mail [DIR]: how many messages arrived
count_mail() { ls "${1:-$SMTP_DIR}" 2>/dev/null | grep -c '^[0-9]*\.eml$'; }

# sorted_rcpts [DIR]: rcpts sorted and joined by spaces
sorted_rcpts() { rcpts "${1:-}" | sort | tr '\n' ' ' | sed 's/ $//'; }

# mail_field N FIELD [DIR]: a decoded header (Subject, To, ...) or "text"/"html" body of message N
mail_field() {
	"$PY" - "${3:-$SMTP_DIR}/$1.eml" "$2" <<'EOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
f = sys.argv[2]
if f in ("text", "html"):
    part = m.get_body(preferencelist=("plain",) if f == "text" else ("html",))
    sys.stdout.write(part.get_content() if part else "")
else:
    sys.stdout.write(str(m.get(f, "")))
EOF
}

# status_of HOME LABEL: a number from restockctl status ("waiting subscriptions", ...)
status_of() { "$CTL" --home "$1" status | sed -n "s/^$2: *//p" | head -1; }

# seq_emails PREFIX FROM TO: "PREFIX<FROM>@example.com ... " sorted as sorted_rcpts sorts
seq_emails() { for _n in $(seq "$2" "$3"); do echo "$1$_n@example.com"; done | sort | tr '\n' ' ' | sed 's/ $//'; }

# subscribe_json HOME VARIANT CHANNELS_JSON PROFILE_ATTRS_JSON: the JSON:API client endpoint, as CGI; prints the status line
subscribe_json() {
	_b=$(printf '{"data": {"type": "back-in-stock-subscription", "attributes": {"channels": %s, "profile": {"data": {"type": "profile", "attributes": %s}}}, "relationships": {"variant": {"data": {"type": "catalog-variant", "id": "$custom:::$default:::%s"}}}}}' "$3" "$4" "$2")
	printf '%s' "$_b" | env -i PATH="$PATH" RESTOCK_HOME="$1" REQUEST_METHOD=POST \
		PATH_INFO=/client/back-in-stock-subscriptions QUERY_STRING=company_id=abc123 \
		CONTENT_TYPE=application/json HTTP_REVISION=2024-10-15 CONTENT_LENGTH="${#_b}" \
		REMOTE_ADDR=127.0.0.1 GATEWAY_INTERFACE=CGI/1.1 "$FCGI" | head -1
}

# start_hook DIR: a webhook receiver on a free port storing DIR/<n>.json and DIR/<n>.sig; sets HOOK_URL
start_hook() {
	mkdir -p "$1"
	cat >"$T_TMP/hook.py" <<'PYEOF'
import http.server, os, sys
d = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    n = 0
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        H.n += 1
        with open(os.path.join(d, "%d.sig" % H.n), "w") as f:
            f.write(self.headers.get("X-Restock-Signature", "") + "\n")
        with open(os.path.join(d, ".%d.tmp" % H.n), "wb") as f:
            f.write(body)
        os.rename(os.path.join(d, ".%d.tmp" % H.n), os.path.join(d, "%d.json" % H.n))
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(os.path.join(d, "port.tmp"), "w") as f:
    f.write(str(s.server_address[1]))
os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
s.serve_forever()
PYEOF
	"$PY" "$T_TMP/hook.py" "$1" &
	T_PIDS="$T_PIDS $!"
	for _i in $(seq 1 100); do
		[ -s "$1/port" ] && { HOOK_URL="http://127.0.0.1:$(cat "$1/port")/hook"; return 0; }
		sleep 0.05
	done
	return 1
}

# home_secret HOME: the signing secret (for checking webhook signatures)
home_secret() { gdbmtool -r "$1/settings.gdbm" fetch '#secret' 2>/dev/null; }

# export_csv HOME WHAT: restockctl export events|notifications
export_csv() { "$CTL" --home "$1" export "$2"; }

# link_from_mail N KIND [DIR]: the first http link to /KIND?t= in message N's text part
link_from_mail() { mail_field "$1" text "${3:-}" | grep -o "http[^ ]*/$2?t=[A-Za-z0-9._-]*" | head -1; }

# token_of URL: the t= value
token_of() { printf '%s' "${1##*t=}"; }

# page HOME METHOD PATH QUERY [CONTENT_TYPE BODY]: the CGI answer with CRs removed
page() { cgi "$@" | tr -d '\r'; }

# make_token HOME PURPOSE PAYLOAD: a link token signed as bis/token.c signs them (base64url "." 32 hex of HMAC-SHA256)
make_token() {
	"$PY" - "$(home_secret "$1")" "$2" "$3" <<'PYEOF'
import base64, hashlib, hmac, sys
secret, purpose, payload = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3].encode()
b = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
print(b + "." + hmac.new(secret, purpose + b"\n" + payload, hashlib.sha256).hexdigest()[:32])
PYEOF
}
