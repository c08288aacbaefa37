#!/bin/bash
# engine.sh: restock engine benchmark — evaluate+queue rate vs a bare GDBM loop, delivery rate to
# file: and to a local SMTP server vs curl (one message per connection), and peak RSS (flat memory).
# Usage: bench/engine.sh [WAITERS_ONE_VARIANT] [VARIANTS] [PER_VARIANT] [FILE_MSGS] [SMTP_MSGS]
# Prints a markdown table. Needs a built tree (make all), /usr/bin/time, python3-aiosmtpd, curl.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIG=${1:-100000}
NV=${2:-10000}
PER=${3:-10}
FILE_MSGS=${4:-10000}
SMTP_MSGS=${5:-1000}
CTL="$ROOT/bin/restockctl"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/restock-bench.XXXXXX")
SMTP_PID=""
trap '[ -n "$SMTP_PID" ] && kill $SMTP_PID 2>/dev/null; rm -rf "$TMP"' EXIT
export RESTOCK_TEMPLATES="$ROOT/templates"

cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -o "$TMP/engine_fill" bench/engine_fill.c build/librestock.a \
	-lfcgi -lgdbm $(pkg-config --libs libxml-2.0 yajl libcurl libcrypto libcrypt)
FILL="$TMP/engine_fill"

# rss_time CMD...: runs CMD under /usr/bin/time -v; sets SECS and RSS_MB, CMD's stdout in $TMP/out
rss_time() {
	/usr/bin/time -v "$@" >"$TMP/out" 2>"$TMP/time"
	SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$TMP/time")
	RSS_MB=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$TMP/time")
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 0.001; printf "%.0f", n / s }'; }

# feed FILE N QTY: items V0..V{N-1} plus BIG, all with quantity QTY
feed() {
	python3 - "$1" "$2" "$3" <<'EOF'
import sys
path, n, q = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    f.write('<?xml version="1.0"?><rss><Products>')
    for i in list(range(n)) + ["BIG"]:
        i = "V%s" % i if i != "BIG" else "BIG"
        f.write("<Product><id>%s</id><title>Item %s</title><link>https://shop.example/p/%s</link>"
                "<description>A bench item.</description><image_link>https://shop.example/i.jpg</image_link><price>9.99</price><inventory_quantity>%s</inventory_quantity>"
                "<categories><category>Bench</category></categories></Product>" % (i, i, i, q))
    f.write("</Products></rss>")
EOF
}

home() {
	"$CTL" --home "$1" init --public-key bench1 >/dev/null
	"$CTL" --home "$1" settings feed_item_element Product >/dev/null
	"$CTL" --home "$1" settings mail_from alerts@shop.test >/dev/null
	# in stock before the waiters arrive, so that sync (which evaluates) queues nothing yet
	"$CTL" --home "$1" sync "$TMP/feed-in.xml" >/dev/null
}

ROWS=""
row() { ROWS="$ROWS| $1 | $2 | $3 | $4 | $5 |"$'\n'; }

# ---- 1. evaluate + queue: 100k waiters on one variant ----------------------------------------
feed "$TMP/feed-in.xml" "$NV" 5
H1="$TMP/one"
home "$H1"
"$FILL" fill "$H1" BIG b "$BIG"
rss_time "$FILL" evaluate "$H1"
e1=$(awk '{print $3}' "$TMP/out"); n1=$(awk '{print $2}' "$TMP/out")
row "evaluate + queue, $BIG waiters on 1 variant" "$n1" "$e1" "$(rate "$n1" "$e1")" "$RSS_MB"
RSS_BIG=$RSS_MB

# ---- 2. evaluate + queue: 10k variants x 10 waiters -------------------------------------------
H2="$TMP/many"
home "$H2"
"$FILL" fillmany "$H2" "$NV" "$PER"
rss_time "$FILL" evaluate "$H2"
e2=$(awk '{print $3}' "$TMP/out"); n2=$(awk '{print $2}' "$TMP/out")
row "evaluate + queue, $NV variants x $PER waiters" "$n2" "$e2" "$(rate "$n2" "$e2")" "$RSS_MB"

# ---- 3. memory flat: a tenth of the waiters -----------------------------------------------------
H3="$TMP/small"
home "$H3"
"$FILL" fill "$H3" BIG s $((BIG / 10))
rss_time "$FILL" evaluate "$H3"
e3=$(awk '{print $3}' "$TMP/out"); n3=$(awk '{print $2}' "$TMP/out")
row "evaluate + queue, $((BIG / 10)) waiters on 1 variant (memory check)" "$n3" "$e3" "$(rate "$n3" "$e3")" "$RSS_MB"

# ---- baseline: the same number of records with a bare GDBM loop ----------------------------------
rss_time "$FILL" bare "$TMP/bare.gdbm" "$n1"
b1=$(awk '{print $3}' "$TMP/out")
row "baseline: bare gdbm_store loop, same records" "$n1" "$b1" "$(rate "$n1" "$b1")" "$RSS_MB"

# ---- 4. delivery to file: -------------------------------------------------------------------------
H4="$TMP/file"
home "$H4"
"$CTL" --home "$H4" settings mail_transport "file:$TMP/eml" >/dev/null
"$FILL" fill "$H4" BIG f "$FILE_MSGS"
"$FILL" evaluate "$H4" >/dev/null
rss_time "$CTL" --home "$H4" send
sent=$(sed -n 's/^send: \([0-9]*\) sent.*/\1/p' "$TMP/out")
row "deliver to file: (render + MIME + write)" "$sent" "$SECS" "$(rate "$sent" "$SECS")" "$RSS_MB"
rm -rf "$TMP/eml"

# ---- 5. delivery to a local SMTP server, and curl one message per connection -----------------------
/usr/bin/python3 "$ROOT/tests/e2e/smtpd.py" --dir "$TMP/smtp" --ready "$TMP/smtp.ready" &
SMTP_PID=$!
for _ in $(seq 1 100); do [ -s "$TMP/smtp.ready" ] && break; sleep 0.05; done
PORT=$(cut -d' ' -f2 "$TMP/smtp.ready")
H5="$TMP/smtp-home"
home "$H5"
"$CTL" --home "$H5" settings mail_transport "smtp://127.0.0.1:$PORT" >/dev/null
"$FILL" fill "$H5" BIG s "$SMTP_MSGS"
"$FILL" evaluate "$H5" >/dev/null
rss_time "$CTL" --home "$H5" send
sent=$(sed -n 's/^send: \([0-9]*\) sent.*/\1/p' "$TMP/out")
conns=$(grep -c . "$TMP/smtp/connections.log")
row "deliver to local SMTP (aiosmtpd), $conns connection(s)" "$sent" "$SECS" "$(rate "$sent" "$SECS")" "$RSS_MB"

sample=$(ls "$TMP"/smtp/*.eml | head -1)
cp "$sample" "$TMP/one.eml"
t0=$(date +%s.%N)
for i in $(seq 1 "$SMTP_MSGS"); do
	curl -s --url "smtp://127.0.0.1:$PORT" --mail-from alerts@shop.test \
		--mail-rcpt "c$i@example.com" -T "$TMP/one.eml" || true
done
t1=$(date +%s.%N)
cs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
row "baseline: curl, one message per connection" "$SMTP_MSGS" "$cs" "$(rate "$SMTP_MSGS" "$cs")" "-"

echo
echo "| what | messages | seconds | per second | peak RSS MB |"
echo "|---|---:|---:|---:|---:|"
printf '%s' "$ROWS"
echo
echo "Peak RSS with $BIG waiters: $RSS_BIG MB; with $((BIG / 10)): see the memory-check row (flat: independent of the number of waiters)."
