#!/bin/bash
# pool.t: the socket-activated pool itself — RESTOCK_WORKERS workers accept on the passed socket,
# a killed worker is replaced, concurrent subscribes are all stored, SIGTERM stops every worker.
. "$(dirname "$0")/lib.sh"

V1=/api/v1/catalog/subscribe
SOLD=TRL-JKT-001-M
pool_workers() {	# pids of the pool's worker processes
	ps -e -o pid= -o ppid= -o comm= | awk -v p="$POOL_PID" '$2 == p && $3 == "restock.fcgi" { print $1 }'
}
count_workers() { pool_workers | wc -l | tr -d ' '; }
wait_workers() {	# wait_workers N: until the pool has N workers (5 s)
	for _i in $(seq 1 100); do
		[ "$(count_workers)" = "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
waiting() { "$CTL" --home "$H" status | sed -n 's/^waiting subscriptions: //p'; }

H=$(new_home) || { echo "Bail out! no home"; exit 1; }
start_pool "$H" 3 || { echo "Bail out! no pool"; exit 1; }
start_pool_front lighttpd || { echo "Bail out! no front server"; exit 1; }

is "$(curl -s "$BASE/healthz")" '{"status": "ok"}' "the pool answers through lighttpd"
wait_workers 3
ok $? "RESTOCK_WORKERS=3: three workers under the pool's parent"
is "$(ps -o comm= -p "$POOL_PID")" restock.fcgi "the parent is restock.fcgi itself (socket passed as systemd does)"

victim=$(pool_workers | head -1)
kill -9 "$victim"
sleep 0.3
wait_workers 3
ok $? "a killed worker is replaced"
kill -0 "$victim" 2>/dev/null
ok $((!$?)) "the killed worker is gone"
is "$(curl -s "$BASE/healthz")" '{"status": "ok"}' "service goes on after a worker died"

# 300 distinct subscribes, 16 at a time: every one acknowledged and stored once
seq 1 300 | xargs -P 16 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	--data "a=abc123&email=pool{}@example.com&variant=$SOLD&platform=api" "$BASE$V1" >"$T_TMP/codes"
is "$(sort "$T_TMP/codes" | uniq -c | tr -s ' ')" " 300 200" "300 concurrent subscribes: all 200"
is "$(waiting)" 300 "300 subscriptions waiting"

workers=$(pool_workers)
kill "$POOL_PID"
gone=1
for _i in $(seq 1 100); do
	gone=0
	for p in $POOL_PID $workers; do kill -0 "$p" 2>/dev/null && gone=1; done
	[ "$gone" = 0 ] && break
	sleep 0.05
done
is "$gone" 0 "SIGTERM to the pool stops the parent and every worker"
wait "$POOL_PID" 2>/dev/null
POOL_PID=""
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")
unlike "$code" '^200$' "nothing answers once the pool is stopped ($code)"
done_testing
