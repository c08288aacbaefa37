#!/bin/sh
# prove-all.sh: make test's runner — one prove over the unit tests, the corpus replay, the
# server-independent e2e tests, and the server e2e tests behind lighttpd, Apache (vhost) and
# Apache (.htaccess shared-hosting layout), so the run ends in one summary line.
# usage: scripts/prove-all.sh "ONCE_TESTS" "SERVER_TESTS"
set -eu
once=$1 server=$2
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/restock-prove.XXXXXX)
chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
list=""
for t in $once; do list="$list $t"; done
# a tiny wrapper per (server, test): prove shows which server a failure was behind
for s in lighttpd apache htaccess; do
	for t in $server; do
		w="$dir/$s--$(basename "$t")"
		printf '#!/bin/sh\nRESTOCK_TEST_SERVER=%s exec perl "%s/%s"\n' "$s" "$root" "$t" >"$w"
		chmod 755 "$w"
		list="$list $w"
	done
done
cd "$root"
exec prove -j2 $list
