#!/bin/bash
# engine_delivery.t: delivery (SPEC 5) through a real SMTP server — a failing recipient among good
# ones, 451 retried with backoff then delivered, 550 failed, give-up limit, connection reuse,
# recheck_before_send putting a subscriber back at the head of the line, template errors, the
# webhook (signed; SMS-only subscriptions), and a SIGKILL during send resending at most one message.
. "$(dirname "$0")/lib_engine.sh"

NOW=$(date +%s)
start_smtp "$T_TMP/smtp" --reject 'bad*@example.com:550' --reject 'later*@example.com:451' \
	|| { echo "Bail out! smtpd did not start"; exit 1; }

# ---- a failing recipient among good ones; 451 and 550 -----------------------------------
H=$(eng_home deliv) || { echo "Bail out! no home"; exit 1; }
set_stock "$H" X:0 Y:0
run_engine "$H" RESTOCK_NOW=$NOW
for e in good1 bad1 later1 good2 bad2 good3; do subscribe "$H" "$e@example.com" X >/dev/null; done
set_stock "$H" X:5 Y:0
run_engine "$H" RESTOCK_NOW=$NOW
is "$(grep '^send:' "$T_TMP/run.out")" "send: 3 sent, 2 failed, 0 skipped, 1 pending" "run: 3 sent, 2 failed (550), 1 pending (451)"
is "$(sorted_rcpts)" "good1@example.com good2@example.com good3@example.com" "the good recipients got their message"
ok $([ "$(grep -c . "$SMTP_DIR/connections.log")" -le 4 ] && echo 0 || echo 1) \
	"connection reused: a new one only after each of the 3 rejected recipients (libcurl drops it after an error)"
n=$(export_csv "$H" notifications)
like "$n" ",restock,failed,bad1@example.com,X,1,.*550" "550: failed after one attempt, with the server's reply"
like "$n" ",restock,pending,later1@example.com,X,1,.*451" "451: still pending, attempts 1, last error kept"
ev=$(export_csv "$H" events)
like "$ev" "Notification failed,bad2@example.com,X,.*550" "event: Notification failed with the reason"
is "$(printf '%s\n' "$ev" | grep -c 'Notification sent')" 3 "3 Notification sent events"
is "$(printf '%s\n' "$ev" | grep -c 'Notification queued')" 6 "6 Notification queued events"

send_engine "$H" RESTOCK_NOW=$((NOW + 30))
is "$(cat "$T_TMP/send.out")" "send: 0 sent, 0 failed, 0 skipped, 1 pending" "before the backoff (60 s) has passed: not retried"
stop_smtp
start_smtp "$T_TMP/smtp-b" || { echo "Bail out! smtpd"; exit 1; }
setting "$H" mail_transport "smtp://127.0.0.1:$SMTP_PORT"
send_engine "$H" RESTOCK_NOW=$((NOW + 61))
is "$(cat "$T_TMP/send.out")" "send: 1 sent, 0 failed, 0 skipped, 0 pending" "after the backoff, with the server accepting again: delivered"
is "$(rcpts)" "later1@example.com" "... to later1"
like "$(export_csv "$H" notifications)" ",restock,sent,later1@example.com,X,2," "sent on attempt 2"

# ---- the give-up limit ------------------------------------------------------------------
stop_smtp
start_smtp "$T_TMP/smtp-c" --reject 'later*@example.com:451' || { echo "Bail out! smtpd"; exit 1; }
setting "$H" mail_transport "smtp://127.0.0.1:$SMTP_PORT"
setting "$H" send_max_attempts 3
subscribe "$H" later2@example.com Y >/dev/null
set_stock "$H" X:5 Y:1
run_engine "$H" RESTOCK_NOW=$NOW
send_engine "$H" RESTOCK_NOW=$((NOW + 60))
is "$(cat "$T_TMP/send.out")" "send: 0 sent, 0 failed, 0 skipped, 1 pending" "451 twice: still pending (backoff doubled to 120 s)"
send_engine "$H" RESTOCK_NOW=$((NOW + 60 + 120))
is "$(cat "$T_TMP/send.out")" "send: 0 sent, 1 failed, 0 skipped, 0 pending" "third 451 with send_max_attempts 3: failed"
like "$(export_csv "$H" notifications)" ",restock,failed,later2@example.com,Y,3,.*gave up after 3 attempts" "reason: gave up after 3 attempts"

# ---- recheck_before_send: skipped, and back at the head of the line -------------------------
R=$(eng_home recheck) || { echo "Bail out! no home"; exit 1; }
set_stock "$R" R:0
run_engine "$R" RESTOCK_NOW=$NOW
for i in 1 2 3; do subscribe "$R" "r$i@example.com" R >/dev/null; done
setting "$R" mail_transport "smtp://127.0.0.1:1"	# nothing listens: temporary failure
set_stock "$R" R:5
run_engine "$R" RESTOCK_NOW=$NOW
is "$(grep '^send:' "$T_TMP/run.out")" "send: 0 sent, 0 failed, 0 skipped, 3 pending" "SMTP down: 3 queued and pending"
subscribe "$R" r4@example.com R >/dev/null
setting "$R" mail_transport "smtp://127.0.0.1:$SMTP_PORT"
set_stock "$R" R:0
before=$(count_mail)
run_engine "$R" RESTOCK_NOW=$((NOW + 61))
is "$(grep '^send:' "$T_TMP/run.out")" "send: 0 sent, 0 failed, 3 skipped, 0 pending" "item sold out again before delivery: 3 skipped"
is "$(count_mail)" "$before" "... nothing sent"
like "$(export_csv "$H" notifications; export_csv "$R" notifications)" ",restock,skipped,r1@example.com,R,.*item no longer in stock" "reason: item no longer in stock"
like "$(export_csv "$R" events)" "Notification skipped,r2@example.com,R,.*item no longer in stock" "event: Notification skipped"
is "$(status_of "$R" 'waiting subscriptions')" 4 "the 3 are waiting again (with r4)"
setting "$R" notify_mode per_unit
setting "$R" wait_minutes 0
set_stock "$R" R:2
run_engine "$R" RESTOCK_NOW=$((NOW + 120))
is "$(rcpts | tail -n 2 | tr '\n' ' ')" "r1@example.com r2@example.com " \
	"back in stock with 2 units: r1 and r2 — their places at the head, before r4"
setting "$R" recheck_before_send off
setting "$R" notify_mode all
setting "$R" mail_transport "smtp://127.0.0.1:1"
run_engine "$R" RESTOCK_NOW=$((NOW + 180))
setting "$R" mail_transport "smtp://127.0.0.1:$SMTP_PORT"
set_stock "$R" R:0
run_engine "$R" RESTOCK_NOW=$((NOW + 300))
is "$(rcpts | tail -n 2 | sort | tr '\n' ' ')" "r3@example.com r4@example.com " "recheck_before_send off: sent although sold out again"

# ---- a template error fails the notification, not the run -----------------------------------
T=$(eng_home tmplerr) || { echo "Bail out! no home"; exit 1; }
mkdir -p "$T_TMP/badtpl/email"
cp "$ROOT"/templates/email/* "$T_TMP/badtpl/email/"
printf '{{title}} {{no_such_name}}\n' >"$T_TMP/badtpl/email/back-in-stock.subject"
set_stock "$T" A:0
run_engine "$T"
subscribe "$T" t1@example.com A >/dev/null
subscribe "$T" t2@example.com A >/dev/null
set_stock "$T" A:3
run_engine "$T" RESTOCK_TEMPLATES="$T_TMP/badtpl"
is "$(grep '^send:' "$T_TMP/run.out")" "send: 0 sent, 2 failed, 0 skipped, 0 pending" "unknown template name: each notification failed"
like "$(export_csv "$T" notifications)" "failed,t1@example.com,A,.*no_such_name" "the reason names the template error"

# ---- webhook: signed JSON, and SMS-only subscriptions ----------------------------------------
start_hook "$T_TMP/hook" || { echo "Bail out! webhook receiver"; exit 1; }
W=$(eng_home hook) || { echo "Bail out! no home"; exit 1; }
setting "$W" webhook_url "$HOOK_URL"
set_stock "$W" W:0 S:0
run_engine "$W"
subscribe "$W" mailer@example.com W >/dev/null
before=$(count_mail)
set_stock "$W" W:2 S:0
run_engine "$W"
is "$(grep '^send:' "$T_TMP/run.out")" "send: 1 sent, 0 failed, 0 skipped, 0 pending" "email subscriber with webhook_url: delivered"
is "$(count_mail)" $((before + 1)) "... by email"
is "$(ls "$T_TMP/hook" | grep -c '\.json$')" 1 "... and one webhook POST"
SECRET=$(home_secret "$W")
# hooks: "signature-ok type channels recipient item has-unsubscribe" per received POST, sorted
hooks() {
	"$PY" - "$T_TMP/hook" "$SECRET" <<'EOF2'
import hashlib, hmac, json, os, sys
d, secret = sys.argv[1], sys.argv[2].encode()
out = []
for f in sorted(os.listdir(d)):
    if not f.endswith(".json"):
        continue
    body = open(os.path.join(d, f), "rb").read()
    sig = open(os.path.join(d, f[:-5] + ".sig")).read().strip()
    parts = dict(p.split("=", 1) for p in sig.split(","))
    want = hmac.new(secret, parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    j = json.loads(body)
    out.append("%s %s %s %s %s %s" % (hmac.compare_digest(want, parts["v1"]), j["type"],
               ",".join(j["channels"]), j["phone_number"] or j["email"], j["item"]["id"],
               bool(j["unsubscribe_url"])))
print(" | ".join(sorted(out)))
EOF2
}
is "$(hooks)" "True back_in_stock EMAIL mailer@example.com W True" \
	"webhook body: type, channels, recipient, item, unsubscribe_url; HMAC-SHA256 signature verifies with the home secret"

# SMS-only: delivered by the webhook alone.
like "$(subscribe_json "$W" S '["SMS"]' '{"phone_number": "+15005550006"}')" "202" "SMS-only subscription accepted"
set_stock "$W" W:2 S:1
run_engine "$W"
is "$(hooks)" "True back_in_stock EMAIL mailer@example.com W True | True back_in_stock SMS +15005550006 S False" \
	"SMS-only subscription: delivered through the webhook only"
is "$(count_mail)" $((before + 1)) "no email for the SMS-only subscription"
unlike "$(cat "$T_TMP/run.out")" "evaluate: .*failed" "an unreadable subscription does not stop the evaluation"

# ---- SIGKILL during send: at most the message in flight is sent twice ----------------------------
K=$(eng_home crash) || { echo "Bail out! no home"; exit 1; }
mkdir -p "$T_TMP/slow"
cat >"$T_TMP/slowmail" <<EOF
#!/bin/sh
# a sendmail that takes its time: each message is kept as one file
f="$T_TMP/slow/\$(date +%s%N).\$\$"
cat >"\$f.tmp"
sleep 0.05
mv "\$f.tmp" "\$f.eml"
EOF
chmod +x "$T_TMP/slowmail"
setting "$K" mail_transport "sendmail:$T_TMP/slowmail"
set_stock "$K" C:0
run_engine "$K"
subscribe_many "$K" C c 1 40
set_stock "$K" C:9
"$CTL" --home "$K" run >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ "$(ls "$T_TMP/slow" | grep -c '\.eml$')" -ge 10 ] && break; sleep 0.05; done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
sleep 0.2
mid=$(ls "$T_TMP/slow" | grep -c '\.eml$')
ok $([ "$mid" -gt 0 ] && [ "$mid" -lt 40 ] && echo 0 || echo 1) "killed in the middle of the batch ($mid of 40 delivered)"
send_engine "$K"
is "$(grep -c . "$T_TMP/send.out")" 1 "the next send completes"
got=$(cat "$T_TMP"/slow/*.eml | grep '^To: ' | sort | uniq -c | awk '{print $1}' | sort -n | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')
total=$(cat "$T_TMP"/slow/*.eml | grep -c '^To: ')
distinct=$(cat "$T_TMP"/slow/*.eml | grep '^To: ' | sort -u | grep -c .)
is "$distinct" 40 "every subscriber got the message (counts per recipient: $got)"
ok $([ "$total" -le 41 ] && echo 0 || echo 1) "at most one message sent twice ($total messages for 40 subscribers)"
is "$(status_of "$K" 'outbox' | sed 's/,.*//')" "0 pending" "nothing left pending"

done_testing
