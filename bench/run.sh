#!/bin/sh
# run.sh: make bench — every benchmark beside its same-run baseline; updates the tables in BENCHMARKS.md.
# Usage: bench/run.sh [feed|subscribe|engine|admin|apache ...]   (default: all)
# Sizes follow the issues (1M items, 1M subscriptions); set QUICK=1 for 100k-sized runs.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
out="$root/BENCHMARKS.md"
which="${*:-feed subscribe engine admin apache}"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

if [ "${QUICK:-0}" = 1 ]; then
	feed_args="100000 300000"
	export ITEMS=100000 SUBS=100000
else
	feed_args="100000 1000000"
fi

for b in $which; do
	script="bench/$b.sh"
	[ -x "$script" ] || { echo "bench: $script missing" >&2; continue; }
	echo "bench: running $script" >&2
	case $b in
		feed) cmd="$script $feed_args" ;;
		*) cmd="$script" ;;
	esac
	{
		echo "Command: \`$cmd\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores)"
		echo
		$cmd 2>>"$tmp.log" || echo "(failed: see $tmp.log)"
	} >"$tmp"
	# replace the table between the section's markers, keeping the analysis around it
	python3 - "$out" "$b" "$tmp" <<'PY'
import sys, re
path, name, table = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().strip()
try:
    doc = open(path).read()
except FileNotFoundError:
    doc = "# Benchmarks\n"
start, end = "<!-- table:%s -->" % name, "<!-- /table:%s -->" % name
block = "%s\n%s\n%s" % (start, table, end)
if start in doc and end in doc:
    doc = doc[:doc.index(start)] + block + doc[doc.index(end) + len(end):]
else:
    doc = doc.rstrip() + "\n\n## %s\n\n%s\n" % (name, block)
open(path, "w").write(doc)
PY
done
echo "bench: updated $out" >&2
