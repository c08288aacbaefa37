#!/bin/bash
# engine_release.t: who is notified, and when (SPEC 4) — feed files -> restockctl run -> a real SMTP
# server: all at once, per unit, FIFO order, waits, quantity drops, flapping, idempotence, isolation.
. "$(dirname "$0")/lib_engine.sh"

start_smtp "$T_TMP/smtp" || { echo "Bail out! smtpd did not start"; exit 1; }
NOW=$(date +%s)

# ---- notify_mode all ----------------------------------------------------------------
H=$(eng_home all) || { echo "Bail out! no home"; exit 1; }
set_stock "$H" X:0 Y:0 Z:0
run_engine "$H"
subscribe_many "$H" X x 1 5
subscribe_many "$H" Y y 1 2
run_engine "$H"
is "$(count_mail)" 0 "out of stock: nothing sent"

set_stock "$H" X:1 Y:0 Z:4
run_engine "$H"
is "$(sorted_rcpts)" "$(seq_emails x 1 5)" "all: X back (quantity 1) notifies all 5 X waiters, nobody else"
is "$(rcpts | tr '\n' ' ' | sed 's/ $//')" "x1@example.com x2@example.com x3@example.com x4@example.com x5@example.com" \
	"all: sent oldest first"
like "$(cat "$T_TMP/run.out")" "send: 5 sent, 0 failed, 0 skipped, 0 pending" "run reports 5 sent"
is "$(grep -c . "$SMTP_DIR/connections.log")" 1 "the 5 messages went over one SMTP connection"
is "$(status_of "$H" 'waiting subscriptions')" 2 "variant isolation: the 2 Y waiters still wait"
is "$(mail_field 1 Subject)" "Item X is back in stock at Teal Shop" "subject names item and store"
is "$(mail_field 1 To)" "x1@example.com" "To is the subscriber"
like "$(mail_field 1 From)" "Teal Shop <alerts@shop.test>" "From: store name and mail_from"
like "$(mail_field 1 List-Unsubscribe)" '^<http://shop\.test/restock/unsubscribe\?t=[A-Za-z0-9_-]+\.[0-9a-f]{32}>$' \
	"List-Unsubscribe: a signed link under base_url"
is "$(mail_field 1 List-Unsubscribe-Post)" "List-Unsubscribe=One-Click" "List-Unsubscribe-Post one-click"
like "$(mail_field 1 Content-Type)" "multipart/alternative" "multipart/alternative"
like "$(mail_field 1 Message-ID)" '^<[0-9a-f]+@shop\.test>$' "Message-ID"
like "$(mail_field 1 Date)" '[0-9]{4} [0-9:]{8} \+0000' "Date"
like "$(mail_field 1 text)" "https://shop\.example/p/X\?utm_source=restock&utm_medium=email&utm_campaign=back-in-stock" \
	"text: product link with UTM parameters"
like "$(mail_field 1 html)" 'href="https://shop\.example/p/X\?utm_source=restock&amp;utm_medium=email' "html: product link, escaped"
like "$(mail_field 1 html)" "Item Z" "html: an in-stock item of the same category is recommended"

run_engine "$H"
is "$(count_mail)" 5 "unchanged feed, second run: nothing new"
run_engine "$H"
is "$(count_mail)" 5 "third run: still nothing"

# re-subscription after the notice: a new alert, sent again while in stock
is "$(subscribe "$H" x1@example.com X)" '{"email": "x1@example.com", "success": true}' "x1 may subscribe again after the notice"
run_engine "$H"
is "$(count_mail)" 6 "the re-subscription is notified (item in stock)"
is "$(rcpts | tail -1)" "x1@example.com" "... to x1"

# flapping: out, new waiter, in — only the new waiter
set_stock "$H" X:0 Y:0 Z:4
run_engine "$H"
subscribe "$H" late@example.com X >/dev/null
run_engine "$H"
set_stock "$H" X:1 Y:0 Z:4
run_engine "$H"
set_stock "$H" X:0 Y:0 Z:4
run_engine "$H"
set_stock "$H" X:2 Y:0 Z:4
run_engine "$H"
is "$(count_mail)" 7 "flapping stock: exactly one more message"
is "$(rcpts | tail -1)" "late@example.com" "... to the one new waiter"

# min_inventory
setting "$H" min_inventory 3
subscribe "$H" min@example.com Y >/dev/null
set_stock "$H" X:0 Y:2 Z:4
run_engine "$H"
is "$(count_mail)" 7 "min_inventory 3: quantity 2 is not back in stock"
set_stock "$H" X:0 Y:3 Z:4
run_engine "$H"
is "$(count_mail)" 10 "quantity 3 is: the 3 Y waiters are notified"
setting "$H" min_inventory 1

# an item without a quantity is never back in stock
subscribe "$H" noq@example.com X >/dev/null
set_stock "$H" X:- Y:3 Z:4
run_engine "$H"
is "$(count_mail)" 10 "no quantity in the feed: not in stock"

# ---- per_unit -----------------------------------------------------------------------
stop_smtp
start_smtp "$T_TMP/smtp2" || { echo "Bail out! smtpd"; exit 1; }
P=$(eng_home perunit) || { echo "Bail out! no home"; exit 1; }
setting "$P" notify_mode per_unit
setting "$P" customers_per_unit 1
setting "$P" wait_minutes 60
set_stock "$P" ONE:0 MANY:0
run_engine "$P" RESTOCK_NOW=$NOW
subscribe_many "$P" ONE p 1 100
set_stock "$P" ONE:1 MANY:0
run_engine "$P" RESTOCK_NOW=$NOW
is "$(rcpts)" "p1@example.com" "per_unit: 100 waiters, 1 unit, 1 per unit: exactly the first subscriber"
run_engine "$P" RESTOCK_NOW=$((NOW + 1800))
is "$(count_mail)" 1 "inside the 60-minute wait: nothing more"
set_stock "$P" ONE:3 MANY:0
run_engine "$P" RESTOCK_NOW=$((NOW + 3000))
is "$(count_mail)" 1 "a restock during the wait is not acted on yet"
run_engine "$P" RESTOCK_NOW=$((NOW + 3601))
is "$(rcpts | tail -n +2 | tr '\n' ' ')" "p2@example.com p3@example.com p4@example.com " \
	"at the wait's end: the quantity read then (3) releases the next 3 in line"
set_stock "$P" ONE:0 MANY:0
run_engine "$P" RESTOCK_NOW=$((NOW + 7300))
is "$(count_mail)" 4 "quantity dropped to 0 during the wave: nothing at the next wait's end"
set_stock "$P" ONE:1 MANY:0
run_engine "$P" RESTOCK_NOW=$((NOW + 7400))
is "$(rcpts | tail -1)" "p5@example.com" "back with 1 unit (no wait pending): the next one, p5"
is "$(status_of "$P" 'waiting subscriptions')" 95 "95 still waiting"

# 20 units x 5 per unit: the oldest 100 of 150
setting "$P" customers_per_unit 5
subscribe_many "$P" MANY m 1 150
set_stock "$P" ONE:0 MANY:20
run_engine "$P" RESTOCK_NOW=$((NOW + 7400))
is "$(rcpts | grep '^m' | sort | tr '\n' ' ' | sed 's/ $//')" "$(seq_emails m 1 100)" \
	"20 units x 5 per unit: exactly the first 100 subscribers"
is "$(rcpts | grep -c '^m')" 100 "... 100 messages"
run_engine "$P" RESTOCK_NOW=$((NOW + 7400 + 3601))
is "$(rcpts | grep '^m' | tail -n 50 | sort | tr '\n' ' ' | sed 's/ $//')" "$(seq_emails m 101 150)" \
	"after the wait: the remaining 50"
is "$(status_of "$P" 'variants with waiters')" 1 "MANY has no waiters left (ONE still has)"

# ---- two runs at once do not both send ----------------------------------------------------
L=$(eng_home lock) || { echo "Bail out! no home"; exit 1; }
set_stock "$L" A:0
run_engine "$L"
subscribe "$L" lock@example.com A >/dev/null
set_stock "$L" A:5
before=$(count_mail)
exec 9>"$L/run.lock"
flock -n 9
"$CTL" --home "$L" run >"$T_TMP/lock.out" 2>&1
rc=$?
is "$rc" 0 "run while another run holds run.lock: exit 0"
like "$(cat "$T_TMP/lock.out")" "run: another run is in progress" "... and says so"
"$CTL" --home "$L" send >"$T_TMP/lock.out" 2>&1
like "$(cat "$T_TMP/lock.out")" "send: another run is in progress" "send too"
is "$(count_mail)" "$before" "... and nothing was sent"
exec 9>&-
run_engine "$L"
is "$(count_mail)" $((before + 1)) "once the lock is free, run sends"

done_testing
