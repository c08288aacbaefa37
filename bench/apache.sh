#!/bin/sh
# apache.sh: the subscribe benchmark behind Apache 2.4 + mod_fcgid (the shipped vhost
# etc/apache-fcgid.conf) beside bin/noop.fcgi under the same Apache in the same run, at 8 and 32
# connections, for several mod_fcgid process-manager settings. Prints a markdown table:
# requests/s and p99 for restock and noop, and restock/noop.
# usage: bench/apache.sh   env: CONNS ("8 32") DURATION (10) THREADS (2) ITEMS (10000) SETTINGS
#   SETTINGS: the variants to run, from: defaults shipped capped pool32
# Runs as an unprivileged user when started as root (like the tests). Needs wrk, apache2,
# libapache2-mod-fcgid; uses bench/subscribe.lua (a distinct subscription per request).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ "$(id -u)" = 0 ]; then
	u=${RESTOCK_TEST_USER:-restock-test}
	id "$u" >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$u"
	exec runuser -u "$u" -- /bin/sh "$0" "$@"
fi
CONNS=${CONNS:-8 32}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
ITEMS=${ITEMS:-10000}
SETTINGS=${SETTINGS:-defaults shipped capped pool32}
CTL="$ROOT/bin/restockctl"
RUN=$(mktemp -d "${TMPDIR:-/tmp}/restock-bench-apache.XXXXXX")
APID=""
stop() { [ -n "$APID" ] && { kill "$APID" 2>/dev/null; wait "$APID" 2>/dev/null; APID=""; sleep 0.5; } || true; }
trap 'stop; rm -rf "$RUN"' EXIT INT TERM
log() { echo "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# a catalog of ITEMS items (SKU-00000000 ...), rate limits off: distinct emails from one IP
H="$RUN/home"
python3 bench/gen_feed.py "$ITEMS" -o "$RUN/feed.xml"
"$CTL" --home "$H" init --public-key abc123 >/dev/null
for k in rate_ip_per_minute rate_email_per_hour max_waiting_per_email; do
	"$CTL" --home "$H" settings "$k" 0 >/dev/null 2>&1 || true
done
"$CTL" --home "$H" sync "$RUN/feed.xml" >/dev/null

# conf VARIANT DIR RPORT NPORT: restock on RPORT (the shipped vhost), noop.fcgi on NPORT
conf() {
	v=$1 d=$2 rp=$3 np=$4 procs=8 extra=""
	mkdir -p "$d"
	cp "$ROOT/etc/apache-fcgid.conf" "$d/vhost.conf"
	case "$v" in
	defaults)	# mod_fcgid's own defaults: no pool, spawn score rationing, idle reaping
		sed -i -E '/^[[:space:]]*Fcgid(SpawnScore|TerminationScore|SpawnScoreUpLimit|IdleScanInterval|ErrorScanInterval|ZombieScanInterval|MinProcessesPerClass|MaxProcessesPerClass|IdleTimeout|ProcessLifeTime)[[:space:]]/d' "$d/vhost.conf" ;;
	shipped) ;;
	capped)		# the shipped pool, and Apache lets in no more requests than there are workers
		extra="ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16"
		procs=16 ;;
	pool32) procs=32 ;;
	esac
	# noop: the same settings, another vhost
	sed -e "s#\${RESTOCK_ROOT}/cgi-bin/restock.fcgi#$ROOT/bin/noop.fcgi#g" -e "s#\${RESTOCK_ROOT}/cgi-bin#$ROOT/bin#" \
		-e "s#<VirtualHost \${RESTOCK_LISTEN}>#<VirtualHost 127.0.0.1:$np>#" -e "s#\"restock.fcgi\"#\"noop.fcgi\"#" \
		-e '/^<IfDefine/,/^<\/IfDefine>/d' -e '/^Fcgid/d' "$d/vhost.conf" |
		sed -n '/^<VirtualHost/,$p' >"$d/noop.conf"
	APACHE_THREADS=25 APACHE_EXTRA="Listen 127.0.0.1:$np
$extra
Include $d/noop.conf" scripts/apache-local.sh vhost "$ROOT" "$H" "$d" "$rp" "$procs" 0 |
		sed "s#^Include \".*/etc/apache-fcgid.conf\"#Include \"$d/vhost.conf\"#" >"$d/httpd.conf.tmp"
	if [ "$v" = capped ]; then	# the generated MPM lines come first; the extra ones must win
		grep -v '^ServerLimit\|^ThreadsPerChild\|^MaxRequestWorkers' "$d/httpd.conf.tmp" >"$d/httpd.conf"
	else
		mv "$d/httpd.conf.tmp" "$d/httpd.conf"
	fi
}

# bench URL CONNS: "rps p99_ms non2xx"
bench() {
	BENCH_ITEMS=$ITEMS BENCH_RUN="r$$-$(date +%s%N)" wrk -t"$THREADS" -c"$2" -d"${DURATION}s" --latency \
		-s bench/subscribe.lua "$1" >"$RUN/wrk.out" 2>&1 || true
	rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$RUN/wrk.out")
	line=$(grep '^BENCH ' "$RUN/wrk.out" || echo "BENCH 2xx=0 non2xx=0 p50_us=0 p99_us=0")
	p99=$(echo "$line" | sed 's/.*p99_us=\([0-9]*\).*/\1/' | awk '{ printf "%.1f", $1 / 1000 }')
	bad=$(echo "$line" | sed 's/.*non2xx=\([0-9]*\).*/\1/')
	echo "${rps:-0} $p99 $bad"
}

echo "| mod_fcgid settings | conns | restock req/s | restock p99 ms | noop req/s | noop p99 ms | restock/noop | non-2xx |"
echo "|---|---|---|---|---|---|---|---|"
for v in $SETTINGS; do
	d="$RUN/$v"
	rp=$(free_port) np=$(free_port)
	conf "$v" "$d" "$rp" "$np"
	/usr/sbin/apache2 -f "$d/httpd.conf" -DFOREGROUND >>"$d/stderr.log" 2>&1 &
	APID=$!
	for i in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$rp/healthz" && break; sleep 0.05; done
	for c in $CONNS; do
		# warm-up: let mod_fcgid spawn what it will spawn
		DURATION=3 bench "http://127.0.0.1:$rp" "$c" >/dev/null
		DURATION=3 bench "http://127.0.0.1:$np" "$c" >/dev/null
		set -- $(bench "http://127.0.0.1:$rp" "$c")
		r_rps=$1 r_p99=$2 r_bad=$3
		set -- $(bench "http://127.0.0.1:$np" "$c")
		n_rps=$1 n_p99=$2 n_bad=$3
		ratio=$(awk -v a="$r_rps" -v b="$n_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
		echo "| $v | $c | $r_rps | $r_p99 | $n_rps | $n_p99 | $ratio | $((r_bad + n_bad)) |"
	done
	stop
done
log "waiting subscriptions after the run: $("$CTL" --home "$H" status | sed -n 's/^waiting subscriptions: //p')"
