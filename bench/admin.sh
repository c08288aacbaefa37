#!/bin/sh
# admin.sh: admin page render times with N items and N subscriptions, as a ratio to GET /healthz in the same run.
# Usage: bench/admin.sh [ITEMS [SUBSCRIPTIONS]]   (default 1000000 1000000). Prints a markdown table.
# Needs: a built tree (make all), lighttpd, ab (apache2-utils), python3, cc.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
CTL="$ROOT/bin/restockctl"
ITEMS=${1:-1000000}
SUBS=${2:-$ITEMS}
HOT=10000		# waiters of the one hot variant (SKU-00000000)
PER=5			# waiters per other variant
REQS=${REQS:-200}	# requests per page (one at a time)
D=$(mktemp -d "${TMPDIR:-/tmp}/restock-bench-admin.XXXXXX")
LPID=""
cleanup() {
	[ -f "$D/run/lighttpd.pid" ] && kill "$(cat "$D/run/lighttpd.pid")" 2>/dev/null
	[ -n "$LPID" ] && kill "$LPID" 2>/dev/null
	sleep 0.3
	rm -rf "$D"
}
trap cleanup EXIT INT TERM
export RESTOCK_TEMPLATES="$ROOT/templates"
H=${BENCH_HOME:-$D/home}	# BENCH_HOME=DIR keeps the generated home for another run
say() { echo "# $*" >&2; }
now() { date +%s.%N; }
if [ -n "${BENCH_HOME:-}" ] && [ -f "$H/catalog.gdbm" ] && [ -f "$H/subs.gdbm" ]; then
	say "reusing $H"
else

# ---- the data: a feed of ITEMS items, and SUBS subscriptions written straight into subs.gdbm ----
say "generating $ITEMS items"
python3 bench/gen_feed.py "$ITEMS" -o "$D/feed.xml" || exit 1
"$CTL" --home "$H" init >/dev/null 2>&1
"$CTL" --home "$H" settings feed_max_bytes 10737418240 >/dev/null
t0=$(now)
"$CTL" --home "$H" sync "$D/feed.xml" >&2 || exit 1
say "sync took $(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }') s"
rm -f "$D/feed.xml"
echo 'bench-pass-1' | "$CTL" --home "$H" passwd >/dev/null

cat >"$D/gensubs.c" <<'EOF'
/* gensubs: N waiting subscriptions (HOT on SKU-00000000, PER on each following variant) and 30 days of counters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/db.h"
#include "store/subs.h"

int main(int argc, char **argv)
{
	const char *home = argv[1];
	long long n = atoll(argv[2]), hot = atoll(argv[3]), per = atoll(argv[4]);
	long long items = atoll(argv[5]), now = (long long)time(NULL);
	struct db db, w;
	struct buf err = BUF_INIT, k = BUF_INIT;
	char variant[64], email[96];
	long long done = 0;

	while (done < n) {
		if (db_open(&db, home, DB_SUBS, DB_WRITE, &err) < 0 ||
		    db_open(&w, home, DB_WAITING, DB_WRITE, &err) < 0) {
			fprintf(stderr, "gensubs: %s\n", err.ptr);
			return 1;
		}
		for (long long b = 0; b < 50000 && done < n; b++, done++) {
			long long v = done < hot ? 0 : 1 + (done - hot) / per;
			struct sub s;
			snprintf(variant, sizeof(variant), "SKU-%08lld", v % items);
			snprintf(email, sizeof(email), "shopper%lld@example.com", done);
			sub_init(&s);
			s.email = strdup(email);
			s.email_key = strdup(email);
			s.variant = strdup(variant);
			s.platform = strdup("api");
			s.channels = CH_EMAIL;
			s.created_us = (now - 30 * 86400 + done % (30 * 86400)) * 1000000LL;
			s.item_title = strdup("Bench Item");
			if (!db_exists(&w, variant, strlen(variant)))
				db_put(&w, variant, strlen(variant), "", 0);
			if (subs_enqueue(&db, &s) < 0) {
				fprintf(stderr, "gensubs: enqueue failed\n");
				return 1;
			}
			sub_release(&s);
		}
		db_close(&w);
		db_close(&db);
	}
	if (db_open(&db, home, DB_SUBS, DB_WRITE, &err) < 0)
		return 1;
	for (int d = 0; d < 30; d++) {
		day_key(&k, now - d * 86400LL, "s");
		db_put_ll(&db, k.ptr, n / 30 + d * 17);
		day_key(&k, now - d * 86400LL, "q");
		db_put_ll(&db, k.ptr, n / 60 + d * 5);
	}
	db_puts(&db, "#any_sub", "1");
	db_close(&db);
	return 0;
}
EOF
PKG=$(pkg-config --libs libxml-2.0 yajl libcurl libcrypto libcrypt 2>/dev/null)
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -o "$D/gensubs" "$D/gensubs.c" build/librestock.a -lfcgi -lgdbm $PKG || exit 1
say "writing $SUBS subscriptions"
t0=$(now)
"$D/gensubs" "$H" "$SUBS" "$HOT" "$PER" "$ITEMS" || exit 1
say "subscriptions took $(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }') s"
fi
"$CTL" --home "$H" status >&2

# ---- serve it (no sessions or cached most-wanted list from an earlier run) ----
rm -f "$H/admin.gdbm"
mkdir -p "$D/run"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
scripts/lighttpd-local.sh "$ROOT" "$H" "$D/run" "$PORT" 2 >"$D/run/lighttpd.conf"
lighttpd -D -f "$D/run/lighttpd.conf" 2>"$D/run/stderr.log" &
LPID=$!
BASE="http://127.0.0.1:$PORT"
for i in $(seq 1 100); do curl -fs -o /dev/null "$BASE/healthz" && break; sleep 0.05; done
JAR="$D/jar"
curl -s -c "$JAR" -b "$JAR" -o "$D/login.html" "$BASE/admin/login"
TOK=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$D/login.html" | sed 's/.*value="//; s/"//')
curl -s -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "csrf=$TOK" --data-urlencode "password=bench-pass-1" "$BASE/admin/login"
SID=$(awk '$6=="restock_admin"{print $7}' "$JAR")
[ -n "$SID" ] || { say "login failed"; exit 1; }

# the first dashboard computes the most-wanted list (cached in admin.gdbm afterwards)
cold=$(curl -s -o /dev/null -w '%{time_total}' -b "restock_admin=$SID" "$BASE/admin/")
say "dashboard with a cold most-wanted cache: ${cold} s"

# mean ms per request (one at a time) of URL, after checking it answers 200
mean_ms() {
	st=$(curl -s -o /dev/null -w '%{http_code}' -b "restock_admin=$SID" "$1")
	[ "$st" = 200 ] || { say "$1 answered $st"; echo "-"; return; }
	ab -q -n "$REQS" -c 1 -C "restock_admin=$SID" "$1" 2>/dev/null >"$D/ab.out"
	if grep -q '^Non-2xx responses' "$D/ab.out"; then say "$1: non-2xx answers"; echo "-"; return; fi
	awk '/^Document Length:/ { b = $3 } /^Time per request:/ && /\(mean\)/ { print $4 " " b; exit }' "$D/ab.out"
}

PAGE1000=$(( ITEMS / 50 >= 1000 ? 1000 : ITEMS / 50 ))
hz=$(mean_ms "$BASE/healthz" | cut -d' ' -f1)
echo "admin pages with $ITEMS items and $SUBS waiting subscriptions ($REQS sequential requests each, lighttpd + 2 FastCGI workers):"
echo
echo "| page | bytes | mean ms | × /healthz |"
echo "|---|---:|---:|---:|"
printf '| GET /healthz | - | %s | 1.0 |\n' "$hz"
for spec in "dashboard|/admin/" "catalog page 1|/admin/catalog" "catalog page $PAGE1000|/admin/catalog?page=$PAGE1000" \
	"subscriptions of SKU-00000000 ($HOT waiting)|/admin/subs?variant=SKU-00000000" \
	"subscriptions of SKU-00000001 ($PER waiting)|/admin/subs?variant=SKU-00000001" \
	"catalog, exact id|/admin/catalog?q=SKU-$(printf %08d $((ITEMS / 2)))" \
	"catalog, title search (bounded: 20000 examined)|/admin/catalog?q=zzzz"; do
	name=${spec%%|*}
	path=${spec#*|}
	r=$(mean_ms "$BASE$path")
	ms=${r%% *}
	printf '| %s | %s | %s | %s |\n' "$name" "${r#* }" "$ms" "$(awk -v a="$ms" -v b="$hz" 'BEGIN { if (a == "-" || b <= 0) print "-"; else printf "%.1f", a / b }')"
done
echo
echo "dashboard with a cold most-wanted cache (scans waiting.gdbm once, then cached): $(awk -v s="$cold" 'BEGIN { printf "%.0f", s * 1000 }') ms"
