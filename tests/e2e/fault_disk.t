#!/bin/bash
# fault_disk.t: a full disk during subscribe and during sync gives clear errors, corrupts nothing,
# and service resumes when space returns (a small tmpfs home; needs root to mount it).
RESTOCK_TEST_USER=root	# mounting the small tmpfs needs root
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root to mount a small tmpfs"; exit 0; }
MNT="$T_TMP/mnt"
mkdir -p "$MNT"
mount -t tmpfs -o size=3m tmpfs "$MNT" 2>/dev/null || { echo "1..0 # SKIP cannot mount tmpfs here"; exit 0; }
trap 'umount -l "$MNT" 2>/dev/null; cleanup' EXIT
H="$MNT/home"
"$CTL" --home "$H" init --public-key abc123 >/dev/null
"$CTL" --home "$H" settings rate_ip_per_minute 0 >/dev/null
"$CTL" --home "$H" settings rate_email_per_hour 0 >/dev/null
"$CTL" --home "$H" sync "$ROOT/examples/demo-feed.xml" >/dev/null
sub() {	# sub EMAIL: prints the status code
	cgi "$H" POST /api/v1/catalog/subscribe "" application/x-www-form-urlencoded \
		"a=abc123&email=$1&variant=TRL-JKT-001-M&platform=api" | head -1 | tr -d '\r' | cut -d' ' -f2
}
is "$(sub before%40example.com)" 200 "subscribe works with space left"
items_before=$("$CTL" --home "$H" status | sed -n 's/^items: //p')

# fill the disk
dd if=/dev/zero of="$MNT/fill" bs=16k 2>/dev/null
acked=0 refused=0 other=0
for i in $(seq 1 40); do
	c=$(sub "full$i%40example.com")
	case $c in 200) acked=$((acked + 1)) ;; 503) refused=$((refused + 1)) ;; *) other=$((other + 1)) ;; esac
done
is "$other" 0 "on a full disk every answer is 200 (stored) or 503 (refused), never anything else"
[ "$refused" -gt 0 ]
ok $? "a full disk refuses subscriptions with 503 ($refused refused, $acked stored in what space was left)"
"$CTL" --home "$H" sync "$ROOT/examples/demo-feed.json" >"$T_TMP/sync.out" 2>&1; rc=$?
[ $rc -ne 0 ]
ok $? "sync on a full disk fails"
like "$(cat "$T_TMP/sync.out")" "No space|space|write" "the sync error names the cause"
ls "$H"/catalog.gdbm.new >/dev/null 2>&1
ok $((! $?)) "the half-built catalog is removed"

# space returns
rm -f "$MNT/fill"
is "$("$CTL" --home "$H" status | sed -n 's/^items: //p')" "$items_before" "the catalog is as it was"
"$CTL" --home "$H" check >"$T_TMP/check.out" 2>&1; rc=$?
is "$rc" 0 "check passes after the full disk"
[ $rc -ne 0 ] && sed 's/^/# /' "$T_TMP/check.out"
is "$(sub after%40example.com)" 200 "subscribing works again"
waiting=$("$CTL" --home "$H" status | sed -n 's/^waiting subscriptions: //p')
is "$waiting" "$((acked + 2))" "every acknowledged subscription is there ($acked during the full disk + 2)"
"$CTL" --home "$H" sync "$ROOT/examples/demo-feed.json" >/dev/null
ok $? "sync works again"
done_testing
