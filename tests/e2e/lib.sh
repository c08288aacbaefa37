# lib.sh: shared helpers for the end-to-end tests (TAP output, temp homes, servers on 127.0.0.1).
# Source it from a .t script: . "$(dirname "$0")/lib.sh"

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CTL="$ROOT/bin/restockctl"
FCGI="$ROOT/cgi-bin/restock.fcgi"
T_N=0
T_FAILED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/restock-test.XXXXXX")
T_PIDS=""

cleanup() {
	for p in $T_PIDS; do kill "$p" 2>/dev/null; done
	for p in $T_PIDS; do wait "$p" 2>/dev/null; done
	[ -n "${LIGHTTPD_RUN:-}" ] && [ -f "$LIGHTTPD_RUN/lighttpd.pid" ] && kill "$(cat "$LIGHTTPD_RUN/lighttpd.pid")" 2>/dev/null
	# wait for worker processes to go (they hold sockets in the temp dir)
	sleep 0.2
	rm -rf "$T_TMP"
}
trap cleanup EXIT INT TERM

plan() { echo "1..$1"; }
ok() {	# ok CONDITION_EXIT_STATUS NAME
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"; else echo "not ok $T_N - $2"; T_FAILED=$((T_FAILED + 1)); fi
}
is() {	# is GOT WANT NAME
	T_N=$((T_N + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $T_N - $3"
	else
		echo "not ok $T_N - $3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | head -20
		T_FAILED=$((T_FAILED + 1))
	fi
}
like() {	# like GOT REGEX NAME
	T_N=$((T_N + 1))
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		echo "ok $T_N - $3"
	else
		echo "not ok $T_N - $3"
		printf '#   got: %s\n#   want match: %s\n' "$1" "$2" | head -20
		T_FAILED=$((T_FAILED + 1))
	fi
}
unlike() {
	T_N=$((T_N + 1))
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		echo "not ok $T_N - $3"
		printf '#   got: %s\n#   must not match: %s\n' "$1" "$2" | head -20
		T_FAILED=$((T_FAILED + 1))
	else
		echo "ok $T_N - $3"
	fi
}
done_testing() { echo "1..$T_N"; [ "$T_FAILED" -eq 0 ]; }
diag() { echo "# $*"; }

# new_home [NAME]: an initialised home with the demo catalog; prints its path
new_home() {
	h="$T_TMP/${1:-home}"
	"$CTL" --home "$h" init --public-key abc123 --private-key pk_test0123456789abcdef0123456789ab >/dev/null || return 1
	"$CTL" --home "$h" settings rate_ip_per_minute 0 >/dev/null
	"$CTL" --home "$h" settings rate_email_per_hour 0 >/dev/null
	"$CTL" --home "$h" sync "$ROOT/examples/demo-feed.xml" >/dev/null || return 1
	echo "$h"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# cgi HOME METHOD PATH [QUERY] [CONTENT_TYPE] [BODY]: run restock.fcgi as CGI, print its output
cgi() {
	_h=$1 _m=$2 _p=$3 _q=${4:-} _ct=${5:-} _b=${6:-}
	printf '%s' "$_b" | env -i PATH="$PATH" RESTOCK_HOME="$_h" REQUEST_METHOD="$_m" \
		PATH_INFO="$_p" QUERY_STRING="$_q" CONTENT_TYPE="$_ct" \
		CONTENT_LENGTH="${#_b}" REMOTE_ADDR=127.0.0.1 GATEWAY_INTERFACE=CGI/1.1 "$FCGI"
}

# start_lighttpd HOME [PROCS]: serve HOME on a free port; sets BASE
start_lighttpd() {
	LIGHTTPD_RUN=$(mktemp -d "$T_TMP/lighttpd.XXXXXX")
	_port=$(free_port)
	"$ROOT/scripts/lighttpd-local.sh" "$ROOT" "$1" "$LIGHTTPD_RUN" "$_port" "${2:-4}" "$ROOT/examples" >"$LIGHTTPD_RUN/lighttpd.conf"
	lighttpd -D -f "$LIGHTTPD_RUN/lighttpd.conf" 2>>"$LIGHTTPD_RUN/stderr.log" &
	T_PIDS="$T_PIDS $!"
	BASE="http://127.0.0.1:$_port"
	for _i in $(seq 1 100); do
		curl -fs -o /dev/null "$BASE/healthz" && return 0
		sleep 0.05
	done
	echo "# lighttpd did not start:"; sed 's/^/# /' "$LIGHTTPD_RUN/stderr.log" "$LIGHTTPD_RUN/error.log" 2>/dev/null
	return 1
}

stop_lighttpd() {
	[ -f "$LIGHTTPD_RUN/lighttpd.pid" ] && kill "$(cat "$LIGHTTPD_RUN/lighttpd.pid")" 2>/dev/null
	sleep 0.2
}
