#!/bin/sh
# run.sh: make bench — every benchmark, each beside its baseline from the same run; writes BENCHMARKS.md.
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

{
	echo "# Benchmarks"
	echo
	echo "Produced by \`make bench\` (bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores,"
	echo "$(uname -sr). Every figure stands beside a baseline measured in the same run: the"
	echo "machines are shared and noisy, so the ratios are the numbers to compare."
	echo
} >"$tmp"

for b in $which; do
	script="bench/$b.sh"
	[ -x "$script" ] || { echo "bench: $script missing" >&2; continue; }
	echo "bench: running $script" >&2
	{
		echo "## $b"
		echo
		echo "Command: \`$script${b:+}\`"
		echo
	} >>"$tmp"
	case $b in
		feed) "$script" $feed_args >>"$tmp" 2>>"$tmp.log" ;;
		*) "$script" >>"$tmp" 2>>"$tmp.log" ;;
	esac || echo "(failed: see the log)" >>"$tmp"
	echo >>"$tmp"
done
cp "$tmp" "$out"
echo "bench: wrote $out" >&2
