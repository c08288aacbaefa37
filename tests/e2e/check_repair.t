#!/bin/bash
# check_repair.t: restockctl check finds a damaged GDBM file; check --repair recovers what can be read and says what was lost.
. "$(dirname "$0")/lib.sh"
H=$(new_home) || { echo "Bail out! no home"; exit 1; }
K=$("$CTL" --home "$H" settings public_key)
for i in $(seq 1 300); do
	b="a=$K&email=u$i%40example.com&variant=TRL-JKT-001-M&platform=api"
	cgi "$H" POST /api/v1/catalog/subscribe "" application/x-www-form-urlencoded "$b" >/dev/null
done
"$CTL" --home "$H" status >/dev/null	# settles any pending writes
out=$("$CTL" --home "$H" check); rc=$?
is "$rc" 0 "a healthy home passes check"
like "$out" "0 problems" "check reports no problems"

cp "$H/subs.gdbm" "$T_TMP/subs.orig"
python3 -c "
f = open('$H/subs.gdbm', 'r+b'); f.seek(20000); f.write(b'\xff' * 3000); f.close()"
out=$("$CTL" --home "$H" check); rc=$?
is "$rc" 1 "check fails on a damaged subs.gdbm"
like "$out" "subs.gdbm: damaged" "check names the damaged file"

out=$("$CTL" --home "$H" check --repair); rc=$?
is "$rc" 0 "check --repair succeeds"
like "$out" "rebuilt from what was readable" "repair says it rebuilt the file"
like "$out" "waiting subscriptions were lost \([0-9]+ kept of 300\)" "repair says how many subscriptions were lost"
ls "$H"/subs.gdbm.~*~ >/dev/null 2>&1
ok $? "a backup of the damaged file is kept"
out=$("$CTL" --home "$H" check); rc=$?
is "$rc" 0 "the repaired home passes check"
kept=$("$CTL" --home "$H" status | sed -n 's/^waiting subscriptions: //p')
[ "$kept" -gt 200 ] && [ "$kept" -le 300 ]
ok $? "most subscriptions survive ($kept of 300)"
code=$(cgi "$H" POST /api/v1/catalog/subscribe "" application/x-www-form-urlencoded \
	"a=$K&email=after%40example.com&variant=TRL-JKT-001-M&platform=api" | head -1 | tr -d "\r")
is "$code" "Status: 200 OK" "subscribing works after the repair"
done_testing
