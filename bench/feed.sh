#!/bin/sh
# feed.sh: time restockctl sync on generated 100k and 1M item feeds (XML and JSON) against xmllint --stream.
# Usage: bench/feed.sh [ITEMS ...]   (default: 100000 1000000). Prints a markdown table.
cd "$(dirname "$0")/.." || exit 1
CTL=${RESTOCKCTL:-$(pwd)/bin/restockctl}
SIZES=${*:-100000 1000000}
D=$(mktemp -d "${TMPDIR:-/tmp}/restock-bench.XXXXXX")
trap 'rm -rf "$D"' EXIT

# run_timed OUTFILE CMD...: seconds and peak RSS (KB) of CMD into OUTFILE as "secs rss"
run_timed() {
	out=$1
	shift
	/usr/bin/time -v "$@" >/dev/null 2>"$D/time.log" || { cat "$D/time.log" >&2; return 1; }
	awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
		/Maximum resident set size/ { rss = $2 }
		END { printf "%.3f %d\n", s, rss }' "$D/time.log" >"$out"
}

echo "| feed | items | MB | sync s | MB/s | items/s | xmllint MB/s | vs xmllint | peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
	for fmt in xml json; do
		f="$D/feed-$n.$fmt"
		python3 bench/gen_feed.py "$n" --format "$fmt" -o "$f" || exit 1
		bytes=$(wc -c <"$f")
		H="$D/home"
		rm -rf "$H"
		mkdir -p "$H"
		"$CTL" --home "$H" init >/dev/null 2>&1
		"$CTL" --home "$H" settings feed_max_bytes 10737418240 >/dev/null 2>&1
		run_timed "$D/sync" "$CTL" --home "$H" sync "$f" || exit 1
		base="-"
		ratio="-"
		if [ "$fmt" = xml ]; then
			run_timed "$D/lint" xmllint --stream --noout "$f" || exit 1
			base=$(awk -v b="$bytes" '{ printf "%.1f", b / 1048576 / ($1 > 0 ? $1 : 0.001) }' "$D/lint")
			ratio=$(awk -v b="$bytes" -v base="$base" '{ printf "%.2fx", (b / 1048576 / ($1 > 0 ? $1 : 0.001)) / base }' "$D/sync")
		fi
		awk -v n="$n" -v b="$bytes" -v fmt="$fmt" -v base="$base" -v ratio="$ratio" '{
			s = $1 > 0 ? $1 : 0.001
			printf "| %s | %d | %.1f | %.2f | %.1f | %.0f | %s | %s | %.1f |\n",
				fmt, n, b / 1048576, s, b / 1048576 / s, n / s, base, ratio, $2 / 1024
		}' "$D/sync"
		rm -f "$f"
	done
done
