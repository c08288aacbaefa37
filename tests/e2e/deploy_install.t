#!/bin/bash
# deploy_install.t: `make install PREFIX=... DESTDIR=...` puts the programs, templates, configs
# and examples where the README says, and the installed programs run from there.
. "$(dirname "$0")/lib.sh"

D="$T_TMP/dest"
P=/usr
# -o all: use the programs already built (the test may not run as the tree's owner)
make -s -C "$ROOT" -o all install PREFIX=$P DESTDIR="$D" >"$T_TMP/install.log" 2>&1
ok $? "make install PREFIX=$P DESTDIR=... succeeds" || sed 's/^/# /' "$T_TMP/install.log"
for f in bin/restockctl lib/restock/cgi-bin/restock.fcgi; do
	[ -x "$D$P/$f" ]
	ok $? "installed $P/$f (executable)"
done
for f in share/restock/etc/apache-fcgid.conf share/restock/etc/lighttpd-restock.conf share/restock/etc/lighttpd.conf \
	share/restock/etc/htaccess-root share/restock/etc/restock-run.service share/restock/etc/restock-run.timer share/restock/etc/restock.service share/restock/etc/restock.socket \
	share/restock/etc/cron.example share/restock/examples/demo-feed.xml share/restock/templates/email; do
	[ -e "$D$P/$f" ]
	ok $? "installed $P/$f"
done
n=$(find "$D$P/share/restock/templates" -type f | wc -l)
is "$n" "$(find "$ROOT/templates" -type f | wc -l)" "every template installed"
is "$(find "$D" -path "$D$P" -prune -o -type f -print | wc -l | tr -d ' ')" 0 "nothing installed outside PREFIX"

H="$T_TMP/home"
out=$("$D$P/bin/restockctl" --home "$H" init 2>&1)
ok $? "installed restockctl init"
like "$out" '\*/15 \* \* \* \* .*restockctl --home .*run' "init prints the cron line"
out=$(env -i PATH=/usr/bin:/bin RESTOCK_HOME="$H" REQUEST_METHOD=GET PATH_INFO=/healthz GATEWAY_INTERFACE=CGI/1.1 \
	"$D$P/lib/restock/cgi-bin/restock.fcgi")
like "$out" '"status": "ok"' "installed restock.fcgi answers /healthz (CGI)"

# the installed program finds the installed templates without RESTOCK_TEMPLATES
out=$(env -i PATH=/usr/bin:/bin RESTOCK_HOME="$H" REQUEST_METHOD=GET PATH_INFO=/admin/login GATEWAY_INTERFACE=CGI/1.1 \
	"$D$P/lib/restock/cgi-bin/restock.fcgi" 2>&1)
like "$out" '<form' "installed restock.fcgi renders /admin/login from PREFIX/share/restock/templates"

# the systemd units parse
if command -v systemd-analyze >/dev/null; then
	e=$D$P/share/restock/etc
	out=$(systemd-analyze verify "$e/restock-run.service" "$e/restock-run.timer" "$e/restock.socket" \
		"$e/restock.service" 2>&1 | grep -v 'is not executable\|No such file\|Failed to prepare filename\|not found')
	is "$out" "" "systemd-analyze verify restock-run.service restock-run.timer restock.socket restock.service"
fi
done_testing
