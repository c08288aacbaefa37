#!/bin/sh
# replay.t: every committed fuzz corpus file through its harness, built with ASan+UBSan.
cd "$(dirname "$0")/../.." || exit 1
names=$(ls tests/fuzz/fuzz_*.c | sed 's|tests/fuzz/fuzz_||; s|\.c$||')
n=0
for name in $names; do n=$((n + 1)); done
echo "1..$n"
i=0
for name in $names; do
	i=$((i + 1))
	files=$(ls tests/fuzz/corpus/$name/* 2>/dev/null | wc -l)
	if [ "$files" -eq 0 ]; then
		echo "not ok $i - $name: no seed corpus"
		continue
	fi
	if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
		build-asan/fuzz/replay_$name tests/fuzz/corpus/$name/* >/tmp/replay_$name.$$ 2>&1; then
		echo "ok $i - $name: $files inputs replayed"
	else
		echo "not ok $i - $name"
		sed 's/^/# /' /tmp/replay_$name.$$ | head -40
	fi
	rm -f /tmp/replay_$name.$$
done
