# lib.sh: shared helpers for the end-to-end tests (TAP output, temp homes, servers on 127.0.0.1).
# Source it from a .t script: . "$(dirname "$0")/lib.sh"

set -u

# Tests run as an unprivileged user, like the web server's workers do in production: when started
# as root (CI), re-run this test as RESTOCK_TEST_USER (default restock-test, created if missing;
# "root" keeps root). Servers, restockctl and the program then all run as that one user.
if [ "$(id -u)" = 0 ] && [ "${RESTOCK_TEST_USER:-restock-test}" != root ]; then
	_u=${RESTOCK_TEST_USER:-restock-test}
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		id "$_u" >/dev/null 2>&1 && break
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$_u" >/dev/null 2>&1 || sleep 0.3	# a parallel test may hold the lock
	done
	id "$_u" >/dev/null 2>&1 || { echo "Bail out! cannot create the test user $_u"; exit 1; }
	_sh=$(sed -n '1s/^#! *//p' "$0")
	exec runuser -u "$_u" -- ${_sh:-/bin/bash} "$0" "$@"
fi

ROOT=${RESTOCK_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
CTL="$ROOT/bin/restockctl"
FCGI="$ROOT/cgi-bin/restock.fcgi"
T_N=0
T_FAILED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/restock-test.XXXXXX")
T_PIDS=""

SERVER_RUN=""	# the running server's temp dir: its config and logs (error.log ...)
SERVER_PID=""

cleanup() {
	[ "$T_FAILED" -gt 0 ] && [ -n "$SERVER_PID" ] && server_logs
	stop_server
	for p in $T_PIDS; do kill "$p" 2>/dev/null; done
	for p in $T_PIDS; do wait "$p" 2>/dev/null; done
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

# start_server HOME [PROCS]: serve HOME on 127.0.0.1 with a free port behind the server named by
# RESTOCK_TEST_SERVER; sets BASE (pretty URLs at the root: the same for every server),
# SCRIPT_BASE (the same program under /cgi-bin/restock.fcgi) and SERVER_RUN (config, logs).
#   lighttpd  (default) etc/lighttpd-restock.conf via scripts/lighttpd-local.sh
#   apache    Apache 2.4 + mod_fcgid, the vhost etc/apache-fcgid.conf
#   htaccess  Apache 2.4 + mod_fcgid as a shared host: AllowOverride All, the program in
#             DocumentRoot/cgi-bin with the shipped cgi-bin/.htaccess and etc/htaccess-root
#   pool-lighttpd, pool-apache  restock's own socket-activated pool (etc/restock.socket, run here
#             with systemd-socket-activate) behind lighttpd (etc/lighttpd-restock-pool.conf) or
#             Apache mod_proxy_fcgi (etc/apache-proxy-fcgi.conf)
# RESTOCK_TEST_MAXREQ sets mod_fcgid's FcgidMaxRequestsPerProcess (default 10000); SERVER_ROOT
# serves another tree's cgi-bin/ and etc/ (an unpacked bundle) with Apache.
start_server() {
	case "${RESTOCK_TEST_SERVER:-lighttpd}" in
	lighttpd) start_lighttpd_server "$@" ;;
	apache) start_apache vhost "$@" ;;
	htaccess) start_apache htaccess "$@" ;;
	pool-lighttpd) start_pool "$@" && start_pool_front lighttpd ;;
	pool-apache) start_pool "$@" && start_pool_front apache ;;
	*) echo "# unknown RESTOCK_TEST_SERVER=$RESTOCK_TEST_SERVER (lighttpd|apache|htaccess|pool-lighttpd|pool-apache)"; return 1 ;;
	esac
}
# the name the first tests used
start_lighttpd() { start_server "$@"; }

# server_ready NAME: wait for $BASE/healthz; on failure print the logs
server_ready() {
	for _i in $(seq 1 200); do
		curl -fs -o /dev/null "$BASE/healthz" && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "# $1 did not start:"
	server_logs
	return 1
}

# server_logs: the server's logs as TAP diagnostics
server_logs() {
	[ -n "$SERVER_RUN" ] || return 0
	for _f in "$SERVER_RUN"/stderr.log "$SERVER_RUN"/error.log; do
		[ -s "$_f" ] || continue
		echo "# --- $_f (last 40 lines)"
		tail -n 40 "$_f" | sed 's/^/#   /'
	done
}

start_lighttpd_server() {
	SERVER_RUN=$(mktemp -d "$T_TMP/lighttpd.XXXXXX")
	LIGHTTPD_RUN=$SERVER_RUN
	_port=$(free_port)
	"$ROOT/scripts/lighttpd-local.sh" "$ROOT" "$1" "$SERVER_RUN" "$_port" "${2:-4}" "$ROOT/examples" >"$SERVER_RUN/lighttpd.conf"
	lighttpd -D -f "$SERVER_RUN/lighttpd.conf" >>"$SERVER_RUN/stderr.log" 2>&1 &
	SERVER_PID=$!
	BASE="http://127.0.0.1:$_port"
	SCRIPT_BASE="$BASE/cgi-bin/restock.fcgi"
	server_ready lighttpd
}

# start_apache vhost|htaccess HOME [PROCS]
APACHE=${APACHE:-/usr/sbin/apache2}
start_apache() {
	[ -x "$APACHE" ] || { echo "# $APACHE missing: apt-get install apache2 libapache2-mod-fcgid"; return 1; }
	SERVER_RUN=$(mktemp -d "$T_TMP/apache.XXXXXX")
	LIGHTTPD_RUN=$SERVER_RUN	# older tests read $LIGHTTPD_RUN/error.log
	_port=$(free_port)
	"$ROOT/scripts/apache-local.sh" "$1" "${SERVER_ROOT:-$ROOT}" "$2" "$SERVER_RUN" "$_port" "${3:-4}" \
		"${RESTOCK_TEST_MAXREQ:-10000}" >"$SERVER_RUN/httpd.conf.tmp" || return 1
	mv "$SERVER_RUN/httpd.conf.tmp" "$SERVER_RUN/httpd.conf"
	"$APACHE" -f "$SERVER_RUN/httpd.conf" -DFOREGROUND >>"$SERVER_RUN/stderr.log" 2>&1 &
	SERVER_PID=$!
	BASE="http://127.0.0.1:$_port"
	SCRIPT_BASE="$BASE/cgi-bin/restock.fcgi"
	server_ready "apache ($1)"
}

# start_pool HOME [PROCS]: restock.fcgi's own pool of PROCS workers on a socket passed the way
# systemd's restock.socket passes it; sets POOL_SOCK and POOL_PID (the pool's parent once started:
# systemd-socket-activate execs the program on the first connection)
POOL_PID=""
start_pool() {
	POOL_RUN=$(mktemp -d "$T_TMP/pool.XXXXXX")
	POOL_SOCK=$POOL_RUN/restock.sock
	systemd-socket-activate -l "$POOL_SOCK" -E RESTOCK_HOME="$1" -E RESTOCK_WORKERS="${2:-4}" \
		-E RESTOCK_TEMPLATES="$ROOT/templates" -E TZ=UTC "$FCGI" >>"$POOL_RUN/stderr.log" 2>&1 &
	POOL_PID=$!
	for _i in $(seq 1 100); do
		[ -S "$POOL_SOCK" ] && return 0
		sleep 0.05
	done
	echo "# the pool's socket did not appear"
	return 1
}

# start_pool_front lighttpd|apache: a web server forwarding to the pool at $POOL_SOCK
start_pool_front() {
	_port=$(free_port)
	if [ "$1" = lighttpd ]; then
		SERVER_RUN=$(mktemp -d "$T_TMP/lighttpd.XXXXXX")
		cat >"$SERVER_RUN/lighttpd.conf" <<CONF
server.port = $_port
server.bind = "127.0.0.1"
server.document-root = "$SERVER_RUN"
server.errorlog = "$SERVER_RUN/error.log"
var.restock_socket = "$POOL_SOCK"
var.restock_static = "^/restock-static/"
include "$ROOT/etc/lighttpd-restock-pool.conf"
CONF
		lighttpd -D -f "$SERVER_RUN/lighttpd.conf" >>"$SERVER_RUN/stderr.log" 2>&1 &
	else
		SERVER_RUN=$(mktemp -d "$T_TMP/apache.XXXXXX")
		RESTOCK_SOCKET=$POOL_SOCK "$ROOT/scripts/apache-local.sh" proxy "$ROOT" "" "$SERVER_RUN" "$_port" \
			>"$SERVER_RUN/httpd.conf" || return 1
		"$APACHE" -f "$SERVER_RUN/httpd.conf" -DFOREGROUND >>"$SERVER_RUN/stderr.log" 2>&1 &
	fi
	SERVER_PID=$!
	LIGHTTPD_RUN=$SERVER_RUN
	BASE="http://127.0.0.1:$_port"
	SCRIPT_BASE="$BASE/cgi-bin/restock.fcgi"
	server_ready "pool behind $1"
}

# stop_pool: SIGTERM the pool's parent (it stops its workers) and wait for it
stop_pool() {
	[ -n "$POOL_PID" ] || return 0
	kill "$POOL_PID" 2>/dev/null
	for _i in $(seq 1 200); do
		kill -0 "$POOL_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$POOL_PID" 2>/dev/null
	wait "$POOL_PID" 2>/dev/null
	POOL_PID=""
}

# stop_server: stop the server, wait for it and for its FastCGI workers to exit
stop_server() {
	stop_pool
	[ -n "$SERVER_PID" ] || return 0
	_w=$(worker_pids '*')	# every descendant: workers, and an Apache's children
	kill "$SERVER_PID" 2>/dev/null
	for _i in $(seq 1 100); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
	for _p in $_w; do
		for _i in $(seq 1 40); do
			kill -0 "$_p" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$_p" 2>/dev/null	# a child wedged past 2 s
	done
}
stop_lighttpd() { stop_server; }

# worker_pids [NAME]: pids of the program's worker processes under this test's server
# (descendants of the server process named NAME, default restock.fcgi; '*' for all of them)
worker_pids() {
	[ -n "$SERVER_PID" ] || return 0
	ps -e -o pid= -o ppid= -o comm= | awk -v root="$SERVER_PID" -v name="${1:-restock.fcgi}" '
		{ parent[$1] = $2; comm[$1] = $3 }
		END {
			for (p in parent) {
				if (name != "*" && comm[p] != name) continue
				for (q = parent[p]; q > 1; q = parent[q])
					if (q == root) { print p; break }
			}
		}'
}
