# feed_lib.sh: helpers shared by the feed_*.t end-to-end tests (sourced, not run).
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
CTL=${RESTOCKCTL:-$ROOT/bin/restockctl}
CGI=${RESTOCK_CGI:-$ROOT/cgi-bin/restock.fcgi}
FEEDS=$ROOT/tests/data/feeds
T=0
FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null' EXIT

ok() {	# ok CONDITION-STATUS DESCRIPTION
	T=$((T + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T - $2"
	else
		echo "not ok $T - $2"
		FAILED=1
		[ -f "$TMP/out" ] && sed 's/^/# /' "$TMP/out" | head -20
	fi
}

new_home() {	# a fresh initialised home in $H
	H=$(mktemp -d "$TMP/home.XXXXXX")
	"$CTL" --home "$H" init >/dev/null 2>&1 || true
}

sync() {	# sync ARGS...: output (stdout+stderr) in $TMP/out, status returned
	"$CTL" --home "$H" sync "$@" >"$TMP/out" 2>&1
}

listing() {	# the catalog as the CGI serves it
	REQUEST_METHOD=GET PATH_INFO=/api/catalog/items QUERY_STRING='limit=500' \
		RESTOCK_HOME="$H" "$CGI" 2>/dev/null | sed '1,/^\r*$/d'
}

snapshot() {	# a checksum of everything a reader sees
	{ listing; "$CTL" --home "$H" status 2>/dev/null | grep '^items'; } | md5sum
}

has() {	# has TEXT: the last output contains TEXT
	grep -qF -- "$1" "$TMP/out"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {	# serve DIR on 127.0.0.1:$PORT
	PORT=$(free_port)
	python3 -m http.server --bind 127.0.0.1 --directory "$1" "$PORT" >/dev/null 2>&1 &
	SERVER_PID=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
