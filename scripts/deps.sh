#!/bin/sh
# deps.sh: install the Debian packages restock needs (when root), else print the apt-get line.
# usage: scripts/deps.sh build|test|run
set -eu
build="gcc make pkg-config libfcgi-dev libgdbm-dev gdbmtool libxml2-dev libyajl-dev libcurl4-openssl-dev libssl-dev libcrypt-dev"
run="lighttpd"
test="libcmocka-dev clang libclang-rt-14-dev lighttpd libxml2-utils python3 python3-aiosmtpd curl perl valgrind tidy chromium nodejs npm apache2 libapache2-mod-fcgid patchelf"
case "${1:-build}" in
	build) want="$build" ;;
	run) want="$build $run" ;;
	test) want="$build $run $test" ;;
	bench) want="$build $run $test wrk time apache2-utils" ;;
	*) echo "usage: $0 build|run|test|bench" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	# node and npm may come from elsewhere (e.g. NodeSource's nodejs bundles npm): a command is enough
	case $p in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || true
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "deps: missing Debian packages; run as root:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
