#!/bin/sh
# subscribe.sh: wrk against POST /api/v1/catalog/subscribe behind lighttpd (a catalog of
# ITEMS items, a store already holding SUBS subscriptions) and, in the same run, against
# bin/noop.fcgi under the same lighttpd configuration shape. Prints a markdown table.
#
# Usage: bench/subscribe.sh            (ITEMS=1000000 SUBS=1000000 CONNS="32 8" DURATION=20)
#   env: ITEMS SUBS CONNS DURATION THREADS PROCS BENCH_DIR (keeps the seeded home between
#   runs: generating and syncing 1M items takes ~75 s, seeding 1M subscriptions ~110 s)
#   PERF=1 also records `perf record -g` of one restock worker during the 32-connection run.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ITEMS=${ITEMS:-1000000}
SUBS=${SUBS:-1000000}
CONNS=${CONNS:-32 8}
DURATION=${DURATION:-20}
THREADS=${THREADS:-2}
PROCS=${PROCS:-4}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/restock-bench-subscribe}
CTL="$ROOT/bin/restockctl"
mkdir -p "$BENCH_DIR"
RUN=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
LPID=""

stop_lighttpd() {
	if [ -n "$LPID" ]; then
		kill "$LPID" 2>/dev/null || true
		wait "$LPID" 2>/dev/null || true
		LPID=""
	fi
}
cleanup() {
	stop_lighttpd
	rm -rf "$RUN"
}
trap cleanup EXIT INT TERM

log() { echo "$*" >&2; }

# ---- build: the program, the no-op responder, the seeder
make --no-print-directory cgi-bin/restock.fcgi bin/noop.fcgi build/librestock.a >&2
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Isrc -o "$BENCH_DIR/seed_subs" bench/seed_subs.c \
	build/librestock.a -lgdbm -lcrypto

# ---- the seeded home: ITEMS items synced, SUBS subscriptions (cached in BENCH_DIR)
SEED="$BENCH_DIR/seed-$ITEMS-$SUBS"
if [ ! -f "$SEED/.complete" ]; then
	rm -rf "$SEED"
	log "generating and syncing a $ITEMS-item feed ..."
	python3 bench/gen_feed.py "$ITEMS" -o "$BENCH_DIR/feed.xml"
	"$CTL" --home "$SEED" init --public-key abc123 >/dev/null
	"$CTL" --home "$SEED" settings feed_max_bytes 10737418240 >/dev/null
	for k in rate_ip_per_minute rate_email_per_hour max_waiting_per_email; do
		"$CTL" --home "$SEED" settings "$k" 0 >/dev/null	# distinct emails from one IP
	done
	"$CTL" --home "$SEED" sync "$BENCH_DIR/feed.xml" >&2
	rm -f "$BENCH_DIR/feed.xml"
	log "seeding $SUBS subscriptions ..."
	"$BENCH_DIR/seed_subs" "$SEED" "$SUBS" "$ITEMS" 'SKU-%08ld' seed-
	touch "$SEED/.complete"
fi
HOME_DIR="$RUN/home"
cp -a --sparse=always "$SEED" "$HOME_DIR"
log "$("$CTL" --home "$HOME_DIR" status | tr '\n' ';')"

# ---- lighttpd configurations: restock, and the same shape with bin-path at noop.fcgi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
conf() {	# conf NAME BIN: RUN/NAME/lighttpd.conf serving BIN at /
	d="$RUN/$1"
	mkdir -p "$d"
	sed "s#var.restock_root + \"/cgi-bin/restock.fcgi\"#\"$2\"#" "$ROOT/etc/lighttpd-restock.conf" >"$d/restock.conf"
	scripts/lighttpd-local.sh "$ROOT" "$HOME_DIR" "$d" "$PORT" "$PROCS" |
		sed "s#^include \".*\"#include \"$d/restock.conf\"#" >"$d/lighttpd.conf"
	grep -q "\"bin-path\" => \"$2\"" "$d/restock.conf" || { log "could not point bin-path at $2"; exit 1; }
}
conf restock "$ROOT/cgi-bin/restock.fcgi"
conf noop "$ROOT/bin/noop.fcgi"

start_lighttpd() {
	lighttpd -D -f "$RUN/$1/lighttpd.conf" 2>>"$RUN/$1/stderr.log" &
	LPID=$!
	for _ in $(seq 1 100); do
		curl -s -o /dev/null -d x=1 "http://127.0.0.1:$PORT/api/v1/catalog/subscribe" && return 0
		sleep 0.1
	done
	log "lighttpd ($1) did not start"; cat "$RUN/$1/stderr.log" "$RUN/$1/error.log" >&2; exit 1
}

# one NAME CONNS: a wrk run; appends "name conns rps p50_ms p99_ms 2xx non2xx sockerr" to RUN/results
one() {
	name=$1 c=$2
	start_lighttpd "$name"
	BENCH_RUN="w$c" BENCH_ITEMS=$ITEMS wrk -t1 -c4 -d2s -s bench/subscribe.lua \
		"http://127.0.0.1:$PORT" >/dev/null 2>&1 || true	# warm up: workers spawned, caches hot
	if [ "${PERF:-0}" = 1 ] && [ "$name" = restock ] && [ "$c" = 32 ]; then
		wpid=$(pgrep -P "$LPID" -f restock.fcgi | head -1)
		perf record -g -o "$BENCH_DIR/perf.data" -p "$wpid" -- sleep "$((DURATION / 2))" >/dev/null 2>&1 &
	fi
	BENCH_RUN="r$c-$(date +%s)" BENCH_ITEMS=$ITEMS wrk -t"$THREADS" -c"$c" -d"${DURATION}s" --latency \
		-s bench/subscribe.lua "http://127.0.0.1:$PORT" >"$RUN/wrk-$name-$c.txt" 2>&1
	wait_perf=$(jobs -p | grep -v "^$LPID$" || true)
	[ -n "$wait_perf" ] && wait $wait_perf 2>/dev/null || true
	stop_lighttpd
	cat "$RUN/wrk-$name-$c.txt" | sed "s/^/# [$name c=$c] /" >&2
	awk -v n="$name" -v c="$c" '
		/^Requests\/sec:/ { rps = $2 }
		/^Socket errors:/ { gsub(/,/, ""); se = $4 + $6 + $8 + $10 }
		/^BENCH / { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
		END { printf "%s %s %s %.2f %.2f %s %s %d\n", n, c, rps, v["p50_us"] / 1000, v["p99_us"] / 1000, v["2xx"], v["non2xx"], se }
	' "$RUN/wrk-$name-$c.txt" >>"$RUN/results"
}

: >"$RUN/results"
for c in $CONNS; do
	one noop "$c"
	one restock "$c"
done
after=$("$CTL" --home "$HOME_DIR" status | sed -n 's/^waiting subscriptions: //p')

echo
echo "Subscribe benchmark: $ITEMS catalog items, $SUBS subscriptions already stored, lighttpd max-procs $PROCS,"
echo "wrk -t$THREADS -d${DURATION}s on $(nproc) cores; each request a distinct subscription (bench/subscribe.lua)."
echo
echo "| endpoint | conns | requests/s | p50 ms | p99 ms | 2xx | errors (non-2xx + socket) | vs no-op |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
awk '
	{ name[NR] = $1; c[NR] = $2; rps[NR] = $3; p50[NR] = $4; p99[NR] = $5; ok[NR] = $6; bad[NR] = $7 + $8
	  if ($1 == "noop") base[$2] = $3 }
	END {
		for (i = 1; i <= NR; i++) {
			r = (name[i] == "restock" && base[c[i]] > 0) ? sprintf("%.2fx", rps[i] / base[c[i]]) : "1.00x"
			label = name[i] == "noop" ? "no-op FastCGI (bin/noop.fcgi)" : "POST /api/v1/catalog/subscribe"
			printf "| %s | %s | %.0f | %s | %s | %s | %d | %s |\n", label, c[i], rps[i], p50[i], p99[i], ok[i], bad[i], r
		}
	}' "$RUN/results"
echo
echo "Waiting subscriptions after the run: $after (started at $SUBS)."
awk '
	$1 == "noop" && $2 == 32 { b = $3 }
	$1 == "restock" && $2 == 32 { r = $3; p99 = $5; err = $7 + $8 }
	END {
		if (!b) exit
		t = (r / b >= 0.5 && err == 0 && p99 < 20) ? "met" : "MISSED"
		printf "\nTarget at 32 connections (>= 0.5x no-op, zero errors, p99 < 20 ms): %s (%.2fx, %d errors, p99 %.2f ms).\n", t, r / b, err, p99
	}' "$RUN/results"
if [ "${PERF:-0}" = 1 ] && [ -f "$BENCH_DIR/perf.data" ]; then
	echo
	echo "perf profile of one worker: perf report -i $BENCH_DIR/perf.data --no-children"
fi
