#!/bin/bash
# engine_optin.t: the double opt-in lifecycle through the real programs — confirmation email,
# the signed link followed via CGI, then the restock email; unconfirmed subscriptions are never
# mailed and are purged after unconfirmed_purge_days; tampered links get 400.
. "$(dirname "$0")/lib_engine.sh"

NOW=$(($(date +%s) + 120))	# ahead of the real clock: records made by subscribe (real time) are due
start_smtp "$T_TMP/smtp" || { echo "Bail out! smtpd did not start"; exit 1; }
H=$(eng_home optin) || { echo "Bail out! no home"; exit 1; }
setting "$H" double_opt_in on
setting "$H" unconfirmed_purge_days 7
set_stock "$H" D:0 E:0
run_engine "$H" RESTOCK_NOW=$NOW

is "$(subscribe "$H" yes@example.com D)" '{"email": "yes@example.com", "success": true}' "subscribe answers as usual"
subscribe "$H" never@example.com D >/dev/null
subscribe "$H" later@example.com E >/dev/null
is "$(status_of "$H" 'waiting subscriptions')" 0 "nothing is waiting before confirmation"
run_engine "$H" RESTOCK_NOW=$NOW
is "$(grep '^send:' "$T_TMP/run.out")" "send: 3 sent, 0 failed, 0 skipped, 0 pending" "three confirmation emails sent"
is "$(sorted_rcpts)" "later@example.com never@example.com yes@example.com" "... one to each address"
n=$(rcpts | grep -n '^yes@' | cut -d: -f1)
is "$(mail_field "$n" Subject)" "Please confirm your back-in-stock alert for Item D" "confirmation subject"
url=$(link_from_mail "$n" confirm)
like "$url" '^http://shop\.test/restock/confirm\?t=[A-Za-z0-9_-]+\.[0-9a-f]{32}$' "the email carries a signed confirm link under base_url"
like "$(mail_field "$n" html)" "href=\"http://shop\.test/restock/confirm\?t=" "... in the HTML part too"
like "$(mail_field "$n" List-Unsubscribe)" "unsubscribe\?t=" "confirmation email has List-Unsubscribe"
tok=$(token_of "$url")

# a tampered link: 400, nothing confirmed
bad=$(printf '%s' "$tok" | sed 's/\(.\)$/\1x/; s/.x$//')${tok: -1}
flip=$(printf '%s' "$tok" | tr 'abc' 'bca')
out=$(page "$H" GET /confirm "t=$flip")
like "$out" "^Status: 400" "tampered confirm token: 400"
like "$out" "Content-Type: text/html; charset=utf-8" "... an HTML page"
is "$(status_of "$H" 'waiting subscriptions')" 0 "... and nothing confirmed"
like "$(page "$H" GET /confirm "")" "^Status: 400" "no token: 400"

out=$(page "$H" GET /confirm "t=$tok")
like "$out" "^Status: 200" "following the link: 200"
like "$out" "Your alert is confirmed" "... 'Your alert is confirmed'"
like "$out" "Content-Security-Policy: default-src 'none'" "... with a Content-Security-Policy"
is "$(status_of "$H" 'waiting subscriptions')" 1 "the confirmed subscription now waits"
like "$(page "$H" GET /confirm "t=$tok")" "^Status: 404" "the same link again: 404 (already used)"
like "$(export_csv "$H" events)" "Subscription confirmed,yes@example.com,D" "event: Subscription confirmed"

# restock: only the confirmed subscriber hears about it
set_stock "$H" D:5 E:0
before=$(count_mail)
run_engine "$H" RESTOCK_NOW=$((NOW + 60))
is "$(count_mail)" $((before + 1)) "D back in stock: one email"
is "$(rcpts | tail -1)" "yes@example.com" "... to the confirmed subscriber, never to the unconfirmed one"
is "$(mail_field $((before + 1)) Subject)" "Item D is back in stock at Teal Shop" "... the back-in-stock email"

# purge: unconfirmed subscriptions go after unconfirmed_purge_days
later_url=$(link_from_mail "$(rcpts | grep -n '^later@' | cut -d: -f1)" confirm)
run_engine "$H" RESTOCK_NOW=$((NOW + 6 * 86400))
like "$(page "$H" GET /confirm "t=$(token_of "$later_url")")" "^Status: 200" "confirmed on day 6: still possible"
run_engine "$H" RESTOCK_NOW=$((NOW + 8 * 86400))
like "$(export_csv "$H" events)" "Subscription deleted,never@example.com,D,.*not confirmed in time" "day 8: the unconfirmed one is purged (event)"
never_url=$(link_from_mail "$(rcpts | grep -n '^never@' | cut -d: -f1)" confirm)
like "$(page "$H" GET /confirm "t=$(token_of "$never_url")")" "^Status: 404" "... its link now answers 404"
is "$(status_of "$H" 'waiting subscriptions')" 1 "later@ (confirmed on day 6) still waits"
set_stock "$H" D:5 E:1
run_engine "$H" RESTOCK_NOW=$((NOW + 8 * 86400 + 60))
is "$(rcpts | tail -1)" "later@example.com" "E back: later@ notified"
is "$(rcpts | grep -c '^never@')" 1 "never@ only ever got the confirmation request"

# an unsubscribed address gets no confirmation email
unsub=$(link_from_mail "$(rcpts | grep -n '^never@' | cut -d: -f1)" unsubscribe)
page "$H" POST /unsubscribe "t=$(token_of "$unsub")" >/dev/null
before=$(count_mail)
subscribe "$H" never@example.com E >/dev/null
run_engine "$H" RESTOCK_NOW=$((NOW + 8 * 86400 + 120))
is "$(count_mail)" "$before" "suppressed address: no confirmation email"

done_testing
