#!/bin/bash
# mail_smtp.t: src/mail/ end to end: a real SMTP server (aiosmtpd) and webhook receiver on 127.0.0.1, messages parsed by Python's email package.
cd "$(dirname "$0")/../.." || exit 1

PY=/usr/bin/python3
if [ ! -f build/librestock.a ]; then
	echo "1..0 # SKIP build/librestock.a missing (run make first)"
	exit 0
fi
if ! $PY -c 'import aiosmtpd' 2>/dev/null; then
	echo "1..0 # SKIP python3-aiosmtpd not installed"
	exit 0
fi

TMP=$(mktemp -d /tmp/mail_smtp.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

N=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() {
	N=$((N + 1))
	echo "not ok $N - $1"
	[ -f "$TMP/out" ] && sed 's/^/# /' "$TMP/out" | head -30
}
# check DESC CMD...: one test point from a command's exit status (output in $TMP/out).
check() {
	local desc=$1
	shift
	if "$@" >"$TMP/out" 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}

PLAN=25
echo "1..$PLAN"

# ---- the driver ----
DRV=$TMP/mail_driver
# shellcheck disable=SC2046
check "driver builds against build/librestock.a" \
	cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc tests/e2e/mail_driver.c build/librestock.a \
	$(pkg-config --libs libcurl libxml-2.0 yajl libcrypto libcrypt) -lgdbm -lfcgi -o "$DRV"
if [ ! -x "$DRV" ]; then
	for i in $(seq $((N + 1)) $PLAN); do echo "not ok $i - # no driver"; done
	exit 1
fi

# start_smtpd NAME ARGS...: start smtpd.py storing into $TMP/NAME; sets PORT and SPID.
start_smtpd() {
	local name=$1
	shift
	rm -f "$TMP/$name.ready"
	$PY tests/e2e/smtpd.py --dir "$TMP/$name" --ready "$TMP/$name.ready" "$@" \
		>"$TMP/$name.log" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	for _ in $(seq 100); do
		[ -s "$TMP/$name.ready" ] && break
		sleep 0.1
	done
	PORT=$(cut -d' ' -f2 "$TMP/$name.ready" 2>/dev/null)
	[ -n "$PORT" ]
}

stop_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# parse.py FILE SUBJECT TO: the message parses cleanly with the email package.
cat >"$TMP/parse.py" <<'EOF'
import email, email.policy, email.utils, sys
path, subject, to = sys.argv[1], sys.argv[2], sys.argv[3]
raw = open(path, "rb").read()
assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
assert all(len(l) <= 998 for l in raw.split(b"\r\n")), "line over 998"
head = raw.split(b"\r\n\r\n", 1)[0]
assert all(len(l) <= 78 for l in head.split(b"\r\n")), "header line over 78"
m = email.message_from_bytes(raw, policy=email.policy.default)
assert not m.defects, m.defects
assert m["Subject"] == subject, (m["Subject"], subject)
assert m["To"].addresses[0].addr_spec == to, m["To"]
frm = m["From"].addresses[0]
assert frm.display_name == "Acme Caf\u00e9 Store", frm.display_name
assert frm.addr_spec == "store@shop.example", frm.addr_spec
assert email.utils.parsedate_to_datetime(m["Date"]) is not None
mid = m["Message-ID"]
assert mid.startswith("<") and mid.endswith("@shop.example>"), mid
assert m["MIME-Version"] == "1.0"
assert m["List-Unsubscribe"] == "<https://shop.example/unsubscribe?t=tok.sig>", m["List-Unsubscribe"]
assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
assert m.get_content_type() == "multipart/alternative"
parts = [p.get_content_type() for p in m.iter_parts()]
assert parts == ["text/plain", "text/html"], parts
text = m.get_body(("plain",)).get_content()
html = m.get_body(("html",)).get_content()
assert "https://shop.example/p/1?utm_source=restock" in text, text
assert '<a href="https://shop.example/p/1?utm_source=restock">' in html, html
for p in m.iter_parts():
    assert p["Content-Transfer-Encoding"] == "quoted-printable"
    assert p.get_content_charset() == "utf-8"
    assert not p.defects, p.defects
print("ok")
EOF

FROM=store@shop.example
TITLE="Caf$(printf '\xc3\xa9') Ol$(printf '\xc3\xa9') Chair $(printf '\xe2\x80\x94') $(printf '\xf0\x9f\x98\x80') \"Gro$(printf '\xc3\x9f')\" edition, restocked in every size and colour you asked for is back in stock"

# ---- delivery, envelope, parsing, connection reuse ----
check "smtpd.py starts on a free port" start_smtpd s1
S1=$SPID
"$DRV" send "smtp://127.0.0.1:$PORT" "$TMP" "$FROM" "$TITLE" \
	a@x.example b@x.example c@x.example >"$TMP/send1" 2>&1
check "three messages sent (result 0 each)" \
	test "$(awk '$2 == 0' "$TMP/send1" | wc -l)" -eq 3
check "three .eml files stored" test -f "$TMP/s1/3.eml" -a ! -f "$TMP/s1/4.eml"
check "envelope: MAIL FROM and one RCPT TO each" sh -c "
	for i in 1 2 3; do grep -qx 'mail_from: $FROM' $TMP/s1/\$i.env || exit 1; done
	grep -qx 'rcpt_to: a@x.example' $TMP/s1/1.env &&
	grep -qx 'rcpt_to: b@x.example' $TMP/s1/2.env &&
	grep -qx 'rcpt_to: c@x.example' $TMP/s1/3.env &&
	test \$(grep -c rcpt_to $TMP/s1/2.env) -eq 1"
check "one connection carried all three (reuse)" sh -c "
	test \$(wc -l < $TMP/s1/connections.log) -eq 1 &&
	env_ok=\$(grep -l 'connection: 1' $TMP/s1/*.env | wc -l) && test \$env_ok -eq 3"
check "message parses: UTF-8 subject, both alternatives, List-Unsubscribe" \
	$PY "$TMP/parse.py" "$TMP/s1/2.eml" "$TITLE" b@x.example
check "each message has its own Message-ID" \
	test "$(grep -h '^Message-ID:' "$TMP"/s1/*.eml | sort -u | wc -l)" -eq 3

# ---- header injection through the subject (feed data) ----
"$DRV" send "smtp://127.0.0.1:$PORT" "$TMP" "$FROM" "$(printf 'Mug\r\nBcc: evil@x.example\nX-Evil: 1')" \
	d@x.example >"$TMP/send2" 2>&1
check "CR/LF in the subject: delivered to the recipient only" sh -c "
	grep -q '^d@x.example 0 ' $TMP/send2 && test -f $TMP/s1/4.eml &&
	grep -qx 'rcpt_to: d@x.example' $TMP/s1/4.env && test \$(grep -c rcpt_to $TMP/s1/4.env) -eq 1"
check "CR/LF in the subject: no injected header, subject flattened" \
	$PY -c '
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
assert m["Bcc"] is None and m["X-Evil"] is None, m.keys()
assert m["Subject"] == "Mug Bcc: evil@x.example X-Evil: 1", m["Subject"]
' "$TMP/s1/4.eml"
"$DRV" send "smtp://127.0.0.1:$PORT" "$TMP" "$FROM" "x" \
	"$(printf 'e@x.example\r\nRCPT TO:<evil@x.example>')" >"$TMP/send3" 2>&1
check "CR/LF in the recipient: refused locally, nothing sent" sh -c "
	grep -q ' -1 ' $TMP/send3 && test ! -f $TMP/s1/5.eml"
stop_pid "$S1"

# ---- 4xx and 5xx recipients among good ones ----
check "smtpd.py with rejecting recipients starts" \
	start_smtpd s2 --reject 'later*@x.example:451' --reject 'nobody@x.example:550'
S2=$SPID
"$DRV" send "smtp://127.0.0.1:$PORT" "$TMP" "$FROM" "$TITLE" \
	g1@x.example later@x.example g2@x.example nobody@x.example g3@x.example \
	>"$TMP/send4" 2>&1
check "451 recipient: TEMPFAIL with the server's reply" \
	grep -q '^later@x.example 1 SMTP 451 4.3.0 mailbox temporarily unavailable$' "$TMP/send4"
check "550 recipient: PERMFAIL with the server's reply" \
	grep -q '^nobody@x.example 2 SMTP 550 5.1.1 no such user$' "$TMP/send4"
check "good recipients around them delivered" sh -c "
	grep -q '^g1@x.example 0' $TMP/send4 && grep -q '^g2@x.example 0' $TMP/send4 &&
	grep -q '^g3@x.example 0' $TMP/send4 &&
	grep -qx 'rcpt_to: g1@x.example' $TMP/s2/1.env &&
	grep -qx 'rcpt_to: g2@x.example' $TMP/s2/2.env &&
	grep -qx 'rcpt_to: g3@x.example' $TMP/s2/3.env && test ! -f $TMP/s2/4.eml"
stop_pid "$S2"
"$DRV" send "smtp://127.0.0.1:$PORT" "$TMP" "$FROM" "x" g4@x.example >"$TMP/send5" 2>&1
check "server gone (connection refused): TEMPFAIL" grep -q '^g4@x.example 1 SMTP: ' "$TMP/send5"

# ---- AUTH PLAIN without TLS ----
check "smtpd.py requiring AUTH starts" start_smtpd s3 --auth 'shop:p@ss:w'
S3=$SPID
"$DRV" send "smtp://shop:p%40ss%3Aw@127.0.0.1:$PORT" "$TMP" "$FROM" "$TITLE" \
	h1@x.example h2@x.example >"$TMP/send6" 2>&1
check "AUTH with percent-decoded user:password: delivered, authenticated" sh -c "
	test \$(awk '\$2 == 0' $TMP/send6 | wc -l) -eq 2 &&
	grep -qx 'auth: shop' $TMP/s3/1.env && grep -qx 'auth: shop' $TMP/s3/2.env"
"$DRV" send "smtp://shop:wrong@127.0.0.1:$PORT" "$TMP" "$FROM" "x" h3@x.example >"$TMP/send7" 2>&1
"$DRV" send "smtp://127.0.0.1:$PORT" "$TMP" "$FROM" "x" h4@x.example >"$TMP/send8" 2>&1
check "wrong password (535) and no AUTH (530): TEMPFAIL (relay setup, not the message)" sh -c "
	grep -q '^h3@x.example 1 SMTP 535' $TMP/send7 &&
	grep -q '^h4@x.example 1 SMTP 530' $TMP/send8 && test ! -f $TMP/s3/3.eml"
stop_pid "$S3"

# ---- file: transport through the same driver ----
"$DRV" send "file:spool/mail" "$TMP" "$FROM" "$TITLE" f@x.example >"$TMP/send9" 2>&1
check "file: transport writes one parseable .eml under the home" sh -c "
	grep -q '^f@x.example 0' $TMP/send9 &&
	test \$(ls $TMP/spool/mail | wc -l) -eq 1 &&
	$PY $TMP/parse.py $TMP/spool/mail/*.eml \"\$1\" f@x.example" sh "$TITLE"

# ---- webhook with a verifying receiver ----
cat >"$TMP/hook.py" <<'EOF'
import hashlib, hmac, http.server, os, sys, time
secret, ready, log = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        sig = dict(kv.split("=", 1) for kv in self.headers["X-Restock-Signature"].split(","))
        want = hmac.new(secret, sig["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(sig["t"])) < 300
        good = hmac.compare_digest(want, sig["v1"]) and fresh
        good = good and self.headers["Content-Type"] == "application/json"
        code = {"/fail500": 500, "/fail429": 429, "/fail408": 408, "/fail400": 400}.get(self.path, 204)
        if not good:
            code = 401
        with open(log, "ab") as f:
            f.write(b"%d %s %s\n" % (code, self.path.encode(), body))
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(ready + ".tmp", "w").write("%d\n" % s.server_address[1])
os.rename(ready + ".tmp", ready)
s.serve_forever()
EOF
$PY "$TMP/hook.py" "hook-s3cret" "$TMP/hook.ready" "$TMP/hook.log" 2>"$TMP/hook.err" &
HPID=$!
PIDS="$PIDS $HPID"
for _ in $(seq 100); do [ -s "$TMP/hook.ready" ] && break; sleep 0.1; done
HPORT=$(cat "$TMP/hook.ready" 2>/dev/null)
BODY='{"email":"jane@example.com","item":"Caf\u00e9","channels":["sms"]}'
H="http://127.0.0.1:$HPORT"
check "webhook: signed POST verified by the receiver (2xx = 0)" sh -c "
	test \"\$($DRV webhook $H/hook hook-s3cret '$BODY')\" = '0 ' &&
	grep -qF '204 /hook $BODY' $TMP/hook.log"
check "webhook: wrong secret is rejected by the receiver (401 = PERMFAIL)" sh -c "
	$DRV webhook $H/hook other-secret '{}' | grep -q '^2 webhook HTTP 401'"
check "webhook: 500, 429 and 408 are TEMPFAIL" sh -c "
	$DRV webhook $H/fail500 hook-s3cret '{}' | grep -q '^1 webhook HTTP 500' &&
	$DRV webhook $H/fail429 hook-s3cret '{}' | grep -q '^1 webhook HTTP 429' &&
	$DRV webhook $H/fail408 hook-s3cret '{}' | grep -q '^1 webhook HTTP 408'"
check "webhook: 400 is PERMFAIL" sh -c "
	$DRV webhook $H/fail400 hook-s3cret '{}' | grep -q '^2 webhook HTTP 400'"
stop_pid "$HPID"
check "webhook: receiver gone is TEMPFAIL" sh -c "
	$DRV webhook $H/hook hook-s3cret '{}' | grep -q '^1 webhook: '"
