#!/bin/bash
# engine_unsub.t: unsubscribe links and the suppression list (SPEC 5) — the GET confirmation page,
# POST, RFC 8058 one-click, tampered tokens (400, nothing changed), dropped subscriptions, no more
# mail, HTML escaping, and a notification skipped because its recipient unsubscribed after queueing.
. "$(dirname "$0")/lib_engine.sh"

start_smtp "$T_TMP/smtp" || { echo "Bail out! smtpd did not start"; exit 1; }
H=$(eng_home unsub) || { echo "Bail out! no home"; exit 1; }
set_stock "$H" A:0 B:0 C:0
run_engine "$H"
for e in u1 u2 "o'brien"; do subscribe "$H" "$e@example.com" C >/dev/null; done
subscribe "$H" u1@example.com A >/dev/null
subscribe "$H" u1@example.com B >/dev/null
subscribe "$H" u2@example.com A >/dev/null
set_stock "$H" A:0 B:0 C:3
run_engine "$H"
is "$(count_mail)" 3 "C back: three messages (they carry the unsubscribe links)"
is "$(status_of "$H" 'waiting subscriptions')" 3 "u1 waits for A and B, u2 for A"
msg() { rcpts | grep -n "^$1@" | head -1 | cut -d: -f1; }
U1=$(token_of "$(link_from_mail "$(msg u1)" unsubscribe)")
U2=$(token_of "$(link_from_mail "$(msg u2)" unsubscribe)")
OB=$(token_of "$(mail_field "$(msg "o'brien")" List-Unsubscribe | tr -d '<>')")
like "$U1" '^[A-Za-z0-9_-]+\.[0-9a-f]{32}$' "the text part links to /unsubscribe?t=TOKEN"
is "$(link_from_mail "$(msg u1)" unsubscribe)" "$(mail_field "$(msg u1)" List-Unsubscribe | tr -d '<>')" \
	"... the same URL as List-Unsubscribe"

# ---- GET: a confirmation page, nothing changed yet ----
out=$(page "$H" GET /unsubscribe "t=$U1")
like "$out" "^Status: 200" "GET: 200"
like "$out" "Content-Type: text/html; charset=utf-8" "GET: text/html; charset=utf-8"
like "$out" "Content-Security-Policy: default-src 'none'" "GET: Content-Security-Policy"
like "$out" '<form method="post" action="/unsubscribe">' "GET: a POST form"
like "$out" "name=\"t\" value=\"$U1\"" "GET: the token in a hidden field"
like "$out" "u1@example.com" "GET: names the address"
is "$(status_of "$H" 'waiting subscriptions')" 3 "GET changes nothing"
out=$(page "$H" GET /unsubscribe "t=$OB")
like "$out" "o&#39;brien@example.com|o&#x27;brien@example.com" "the address is HTML-escaped on the page"
unlike "$out" "o'brien@example" "... never raw"

# ---- tampered tokens: 400 and nothing changed ----
sig=${U1##*.}
body=${U1%.*}
forged="$(printf '%s' 'u2@example.com' | base64 | tr '+/' '-_' | tr -d '=').$sig"
flipped="$body.$(printf '%s' "$sig" | tr '0-9a-f' '1-9a-f0')"
for t in "$forged" "$flipped" "$body" "garbage" ""; do
	like "$(page "$H" POST /unsubscribe "" application/x-www-form-urlencoded "t=$t")" "^Status: 400" \
		"POST with a tampered token '${t:0:20}...': 400"
done
like "$(page "$H" GET /unsubscribe "t=$flipped")" "^Status: 400" "GET with a tampered token: 400"
like "$(page "$H" POST /unsubscribe "t=$forged" application/x-www-form-urlencoded "List-Unsubscribe=One-Click")" "^Status: 400" \
	"one-click with a forged token: 400"
is "$(status_of "$H" 'waiting subscriptions')" 3 "tampered tokens changed nothing"
unlike "$(export_csv "$H" events)" "Unsubscribed" "... and recorded no Unsubscribed event"

# ---- POST from the page's form ----
out=$(page "$H" POST /unsubscribe "" application/x-www-form-urlencoded "t=$U1")
like "$out" "^Status: 200" "POST: 200"
like "$out" "You are unsubscribed" "POST: done page"
is "$(status_of "$H" 'waiting subscriptions')" 1 "u1's two waiting subscriptions are dropped; u2's stays"
like "$(export_csv "$H" events)" "Unsubscribed,u1@example.com,.*2 waiting subscriptions dropped" "event: Unsubscribed"
like "$(page "$H" POST /unsubscribe "" application/x-www-form-urlencoded "t=$U1")" "^Status: 200" "POST again: still 200 (idempotent)"
is "$(subscribe "$H" u1@example.com A)" '{"email": "u1@example.com", "success": true}' "subscribing again answers as usual..."
is "$(status_of "$H" 'waiting subscriptions')" 1 "... but a suppressed address is not stored"

# ---- RFC 8058 one-click: POST to the List-Unsubscribe URL, token in the query ----
set_stock "$H" A:0 B:0 C:3
subscribe "$H" u2@example.com B >/dev/null
out=$(page "$H" POST /unsubscribe "t=$U2" application/x-www-form-urlencoded "List-Unsubscribe=One-Click")
like "$out" "^Status: 200" "one-click POST: 200"
is "$(status_of "$H" 'waiting subscriptions')" 0 "u2's subscriptions are dropped too"

before=$(count_mail)
set_stock "$H" A:5 B:5 C:3
run_engine "$H"
is "$(count_mail)" "$before" "A and B back in stock: no mail to the unsubscribed"

# ---- unsubscribed after the notification was queued: skipped ----
subscribe "$H" q@example.com C >/dev/null
subscribe "$H" q2@example.com C >/dev/null
setting "$H" mail_transport "smtp://127.0.0.1:1"	# nothing listens: both stay pending
run_engine "$H"
like "$(grep '^send:' "$T_TMP/run.out")" "2 pending" "q@ and q2@ queued (SMTP down)"
like "$(page "$H" POST /unsubscribe "t=$(make_token "$H" unsub q@example.com)" application/x-www-form-urlencoded \
	"List-Unsubscribe=One-Click")" "^Status: 200" "q@ unsubscribes (a token made with the home secret works)"
setting "$H" mail_transport "smtp://127.0.0.1:$SMTP_PORT"
before=$(count_mail)
run_engine "$H" RESTOCK_NOW=$(($(date +%s) + 7200))
like "$(export_csv "$H" notifications)" ",restock,skipped,q@example.com,C,.*recipient unsubscribed" \
	"a queued notification whose recipient unsubscribed since is skipped"
is "$(rcpts | tail -n +$((before + 1)))" "q2@example.com" "... while the others are delivered"

done_testing
