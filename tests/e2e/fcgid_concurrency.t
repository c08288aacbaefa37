#!/bin/bash
# fcgid_concurrency.t: Apache + mod_fcgid with 8 workers under mixed subscribe traffic from
# 8 parallel clients (all four endpoints, distinct, repeated and unknown variants) while
# FcgidMaxRequestsPerProcess recycles workers mid-test: exact counts afterwards and zero 5xx.
# Then workers killed with SIGTERM mid-load and an Apache graceful restart: each worker finishes
# its request and exits, and no 5xx beyond the one request mod_fcgid may hand to a dying process.
# Uses the vhost config (RESTOCK_TEST_SERVER=htaccess selects the shared-hosting layout instead).
. "$(dirname "$0")/lib.sh"

[ -x /usr/sbin/apache2 ] && [ -f /usr/lib/apache2/modules/mod_fcgid.so ] ||
	{ echo "1..0 # SKIP apache2 + libapache2-mod-fcgid not installed"; exit 0; }
case "${RESTOCK_TEST_SERVER:-}" in htaccess) ;; *) RESTOCK_TEST_SERVER=apache ;; esac
export RESTOCK_TEST_SERVER

CLIENTS=8
PER=300	# distinct subscriptions per client
SOLD="TRL-JKT-001-M DWN-VST-210 HKG-BOO-404-42 SCK-MER-003 TNT-UL2-900 PNT-CNV-220"
PK=pk_test0123456789abcdef0123456789ab

waiting() { "$CTL" --home "$H" status | sed -n 's/^waiting subscriptions: //p'; }
nevents() { "$CTL" --home "$H" export events | grep -c ',Subscribed to Back in Stock,'; }

# client_config TAG C: a curl config with client C's requests: PER distinct subscriptions
# round-robin over the four endpoints and the sold-out variants, a case-changed repeat every
# 5th, an unknown variant every 20th. One status code per line on stdout.
client_config() {
	awk -v base="$BASE" -v tag="$1" -v c="$2" -v per="$PER" -v sold="$SOLD" -v pk="$PK" -v extra="${BLOCK_OPTS:-}" '
	function emit(kind, email, variant) {
		if (kind == 0 || kind == 1) {
			printf "url = \"%s%s\"\n", base, kind == 0 ? "/api/v1/catalog/subscribe" : "/onsite/components/back-in-stock/subscribe"
			printf "data = \"a=abc123&email=%s&variant=%s&platform=api\"\n", email, variant
		} else {
			if (kind == 2)
				printf "url = \"%s/client/back-in-stock-subscriptions?company_id=abc123\"\n", base
			else {
				printf "url = \"%s/api/back-in-stock-subscriptions\"\n", base
				printf "header = \"Authorization: Klaviyo-API-Key %s\"\n", pk
			}
			printf "header = \"revision: 2024-10-15\"\nheader = \"Content-Type: application/json\"\n"
			printf "data = \"{\\\"data\\\": {\\\"type\\\": \\\"back-in-stock-subscription\\\", \\\"attributes\\\": {\\\"channels\\\": [\\\"EMAIL\\\"], \\\"profile\\\": {\\\"data\\\": {\\\"type\\\": \\\"profile\\\", \\\"attributes\\\": {\\\"email\\\": \\\"%s\\\"}}}}, \\\"relationships\\\": {\\\"variant\\\": {\\\"data\\\": {\\\"type\\\": \\\"catalog-variant\\\", \\\"id\\\": \\\"$custom:::$default:::%s\\\"}}}}}\"\n", email, variant
		}
		printf "output = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n%snext\n", extra
	}
	BEGIN {
		nv = split(sold, v, " ")
		for (i = 1; i <= per; i++) {
			emit(i % 4, tag "-c" c "-" i "@example.com", v[i % nv + 1])
			if (i % 5 == 0)
				emit((i + 1) % 4, toupper(tag "-c" c "-" (i - 3)) "@EXAMPLE.COM", v[(i - 3) % nv + 1])
			if (i % 20 == 0)
				emit(i % 4, tag "-c" c "-u" i "@example.com", "NO-SUCH-VARIANT")
		}
	}'
}

# load TAG: run the CLIENTS in parallel; their status codes in $T_TMP/codes-TAG
# (env BLOCK_OPTS: curl config lines added to every request, e.g. retries: curl's command-line
# options only apply to the first URL of a -K file with "next")
load() {
	_tag=$1
	shift
	_pids=""
	for c in $(seq 1 $CLIENTS); do
		client_config "$_tag" "$c" >"$T_TMP/$_tag-$c.curl"
		curl -s -K "$T_TMP/$_tag-$c.curl" >"$T_TMP/codes-$_tag-$c" 2>/dev/null &
		_pids="$_pids $!"
	done
	wait $_pids
	cat "$T_TMP"/codes-"$_tag"-* >"$T_TMP/codes-$_tag"
	diag "$_tag: status codes: $(sort "$T_TMP/codes-$_tag" | uniq -c | tr -s ' \n' ' ')"
}
count() { grep -c "$1" "$T_TMP/codes-$2"; }	# count REGEX TAG
fcgid_exits() { grep -c 'mod_fcgid: process .*restock\.fcgi.* exit' "$SERVER_RUN/error.log"; }
access_5xx() { awk '$(NF-2) ~ /^5/' "$SERVER_RUN/access.log" | wc -l; }

H=$(new_home) || { echo "Bail out! no home"; exit 1; }
RESTOCK_TEST_MAXREQ=100 APACHE_LOGLEVEL="warn fcgid:info" start_server "$H" 8 ||
	{ echo "Bail out! apache did not start"; exit 1; }
per_run=$((CLIENTS * (PER + PER / 5 + PER / 20)))
distinct=$((CLIENTS * PER))

# ---- 1: mixed traffic while workers are recycled every 100 requests
t0=$(date +%s.%N)
load a
diag "$per_run requests in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s, $RESTOCK_TEST_SERVER, 8 workers"
is "$(wc -l <"$T_TMP/codes-a" | tr -d ' ')" "$per_run" "every request answered"
is "$(count '^5' a)" 0 "zero 5xx"
is "$(count '^20[02]$' a)" "$per_run" "every request 200/202"
is "$(waiting)" "$distinct" "exactly $distinct waiting subscriptions (repeats and unknown variants add none)"
is "$(nevents)" "$distinct" "exactly one Subscribed event per accepted subscription"
ex=$(fcgid_exits)
ok "$([ "$ex" -ge 8 ] && echo 0 || echo 1)" "workers were recycled mid-test (FcgidMaxRequestsPerProcess 100: $ex exits)"
is "$("$CTL" --home "$H" check >/dev/null 2>&1; echo $?)" 0 "restockctl check: every GDBM file intact"

RETRY='retry = 2\nretry-delay = 1\n'	# awk -v turns \n into newlines
# ---- 2: SIGTERM to busy and idle workers mid-load; clients retry a failed request once
kills=0
BLOCK_OPTS=$RETRY load b &
loadpid=$!
sleep 0.5
for round in 1 2 3 4 5 6; do
	for p in $(worker_pids | head -3); do
		kill -TERM "$p" 2>/dev/null && kills=$((kills + 1)) && echo "$p" >>"$T_TMP/killed"
	done
	sleep 0.4
done
wait $loadpid
sleep 0.5
alive=0
for p in $(cat "$T_TMP/killed"); do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
is "$alive" 0 "all $kills workers sent SIGTERM have exited"
fivexx=$(access_5xx)
diag "SIGTERM: $kills workers killed under load, $fivexx 5xx answers before a retry"
ok "$([ "$fivexx" -le "$kills" ] && echo 0 || echo 1)" "at most one 5xx per killed worker ($fivexx <= $kills)"
lost=$((per_run - $(count '^20[02]$' b)))
diag "SIGTERM: $lost requests without a 2xx after curl's retries"
ok "$([ "$lost" -le "$kills" ] && echo 0 || echo 1)" "at most one failed request per killed worker ($lost <= $kills)"
# the clients send everything again (a storefront retrying): repeats change nothing, the lost
# ones are stored now, and the counts come out exact
pids=""
for c in $(seq 1 $CLIENTS); do
	curl -s -K "$T_TMP/b-$c.curl" >"$T_TMP/codes-b2-$c" 2>/dev/null &
	pids="$pids $!"
done
wait $pids	# not a bare wait: the server is a child of this shell too
cat "$T_TMP"/codes-b2-* >"$T_TMP/codes-b2"
is "$(count '^20[02]$' b2)" "$per_run" "replayed after the SIGTERMs: every request 200/202"
is "$(waiting)" "$((2 * distinct))" "exact count after SIGTERMs: $((2 * distinct)) waiting"
is "$(nevents)" "$((2 * distinct))" "exact events after SIGTERMs"
grep -E 'restock\[[0-9]+\].*(crit|fatal|abort)|segfault|core dumped' "$SERVER_RUN/error.log" >/dev/null
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "no crash in the error log"

# ---- 3: Apache graceful restart mid-load (mod_fcgid stops every worker with SIGTERM), on a
# warm pool that is not recycling workers (the production settings of etc/apache-fcgid.conf).
# mod_fcgid 2.3.9 can wedge a request that is waiting for a spawn at the moment of a graceful
# restart (its old process manager never answers); --max-time bounds that here.
stop_server
RESTOCK_TEST_MAXREQ=10000 APACHE_LOGLEVEL="warn fcgid:info" start_server "$H" 8 ||
	{ echo "Bail out! apache did not restart"; exit 1; }
load warm >/dev/null
before=$(waiting)
BLOCK_OPTS="${RETRY}max-time = 10\n" load c &
loadpid=$!
sleep 0.7
kill -USR1 "$SERVER_PID"	# apache2 -k graceful
wait $loadpid
fivexx=$(access_5xx)
diag "graceful restart: $fivexx 5xx answers before a retry, $(count '^000$' c) requests timed out"
is "$(count '^20[02]$' c)" "$per_run" "graceful restart: every request finally 200/202"
ok "$([ "$fivexx" -le 8 ] && echo 0 || echo 1)" "graceful restart: at most one 5xx per worker ($fivexx <= 8)"
is "$(waiting)" "$((before + distinct))" "exact count after the graceful restart"
curl -fs -o /dev/null "$BASE/healthz"
ok $? "serving after the restart"

# the program's log lines are single lines without full addresses
unlike "$(grep 'restock\[' "$SERVER_RUN/error.log")" '[a-z0-9-]{3,}@example\.com' "no full email address in the error log"
done_testing
