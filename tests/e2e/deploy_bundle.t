#!/bin/bash
# deploy_bundle.t: scripts/bundle.sh's tarball, unpacked into a fresh directory, runs with
# LD_LIBRARY_PATH unset and loads every non-libc library from its own lib/ (rpath $ORIGIN/lib):
# restockctl init, restock.fcgi as plain CGI, and the bundle uploaded to a shared-hosting layout.
. "$(dirname "$0")/lib.sh"
unset LD_LIBRARY_PATH

out=$(RESTOCK_VERSION=test "$ROOT/scripts/bundle.sh" "$T_TMP/dist" 2>"$T_TMP/bundle.err")
ok $? "scripts/bundle.sh builds a tarball" || sed 's/^/# /' "$T_TMP/bundle.err"
is "$out" "$T_TMP/dist/restock-bundle-test.tar.gz" "named restock-bundle-<version>.tar.gz"
mkdir -p "$T_TMP/fresh"
tar -C "$T_TMP/fresh" -xzf "$out"
ok $? "unpacks"
B="$T_TMP/fresh/restock-bundle-test"
for f in cgi-bin/restock.fcgi cgi-bin/.htaccess bin/restockctl etc/htaccess-root etc/apache-fcgid.conf \
	templates/email examples/demo-feed.xml; do
	[ -e "$B/$f" ]
	ok $? "bundle has $f"
done

system_libc=$(ldd "$B/bin/restockctl" | awk '$1 ~ /^libc\.so/ { print $3 }')
for prog in cgi-bin/restock.fcgi bin/restockctl; do
	d=$(dirname "$B/$prog")
	rp=$(readelf -d "$B/$prog" | grep -E 'R(UN)?PATH' | sed 's/.*\[\(.*\)\]/\1/')
	is "$rp" '$ORIGIN/lib' "$prog: rpath \$ORIGIN/lib"
	ldd "$B/$prog" >"$T_TMP/ldd" 2>&1
	unlike "$(cat "$T_TMP/ldd")" 'not found' "$prog: every library found"
	outside=$(awk '$2 == "=>" { print $1, $3 }' "$T_TMP/ldd" |
		grep -Ev '^(libc|libm|libpthread|libdl|librt|libresolv|ld-linux[^ ]*)\.so' | grep -v " $d/lib/")
	is "$outside" "" "$prog: every non-libc library resolves to the bundle's lib/ (ldd)"
	like "$(grep -c . "$T_TMP/ldd")" '^[0-9]+$' "$prog: ldd ran"
done
like "$system_libc" '^/' "libc is the system's"
is "$(ls "$B/cgi-bin/lib" | grep -Ec '^(libc|libm|libpthread|libdl|librt|libresolv|ld-linux[^.]*)\.so')" 0 "no libc parts in the bundle"

# actually loaded (not just what ldd predicts): LD_DEBUG lists each library as it is initialised
H="$T_TMP/data"
(cd "$T_TMP" && env -u LD_LIBRARY_PATH LD_DEBUG=libs "$B/bin/restockctl" --home "$H" init \
	--public-key abc123 --private-key pk_test0123456789abcdef0123456789ab >"$T_TMP/init.out" 2>"$T_TMP/init.debug")
ok $? "bundle's restockctl --home X init runs from a fresh directory"
like "$(cat "$T_TMP/init.out")" '\*/15 \* \* \* \*.*restockctl.*--home.*run' "init prints the cron line"
loaded=$(sed -n 's/.*calling init: //p' "$T_TMP/init.debug" | grep -Ev '/(libc|libm|libpthread|libdl|librt|libresolv|ld-linux[^/]*)\.so[^/]*$' | grep -v "^$B/bin/lib/" | sort -u)
is "$loaded" "" "restockctl loaded no non-libc library from outside the bundle (LD_DEBUG=libs)"
env -u LD_LIBRARY_PATH "$B/bin/restockctl" --home "$H" sync "$B/examples/demo-feed.xml" >/dev/null
ok $? "bundle's restockctl syncs the demo feed"

cgi_out=$(cd "$T_TMP" && env -i PATH=/usr/bin:/bin RESTOCK_HOME="$H" REQUEST_METHOD=GET PATH_INFO=/healthz \
	GATEWAY_INTERFACE=CGI/1.1 LD_DEBUG=libs "$B/cgi-bin/restock.fcgi" 2>"$T_TMP/cgi.debug")
like "$cgi_out" '"status": "ok"' "bundle's restock.fcgi answers /healthz as CGI"
loaded=$(sed -n 's/.*calling init: //p' "$T_TMP/cgi.debug" | grep -Ev '/(libc|libm|libpthread|libdl|librt|libresolv|ld-linux[^/]*)\.so[^/]*$' | grep -v "^$B/cgi-bin/lib/" | sort -u)
is "$loaded" "" "restock.fcgi loaded no non-libc library from outside the bundle (LD_DEBUG=libs)"
body='a=abc123&email=b%40example.com&variant=TRL-JKT-001-M&platform=api'
cgi_out=$(cd "$T_TMP" && printf '%s' "$body" |
	env -i PATH=/usr/bin:/bin RESTOCK_HOME="$H" REQUEST_METHOD=POST PATH_INFO=/api/v1/catalog/subscribe \
	CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=${#body} REMOTE_ADDR=127.0.0.1 \
	GATEWAY_INTERFACE=CGI/1.1 "$B/cgi-bin/restock.fcgi")
like "$cgi_out" '\{"email": "b@example.com", "success": true\}' "bundle's restock.fcgi takes a subscription as CGI"

# the bundle uploaded to a shared host: public_html/.htaccess, public_html/cgi-bin/{restock.fcgi,lib/,.htaccess}
if [ -x /usr/sbin/apache2 ] && [ -f /usr/lib/apache2/modules/mod_fcgid.so ]; then
	SERVER_ROOT=$B APACHE_EXTRA="FcgidInitialEnv RESTOCK_HOME $H" start_apache htaccess "$H" 2
	ok $? "the bundle serves from a shared-hosting layout (Apache, .htaccess only)"
	req_out=$(curl -s -d a=abc123 -d email=up@example.com -d variant=TRL-JKT-001-M -d platform=api "$BASE/api/v1/catalog/subscribe")
	is "$req_out" '{"email": "up@example.com", "success": true}' "pretty URL subscribe through the uploaded bundle"
	w=$(for p in $(worker_pids); do grep -c "$SERVER_RUN/htdocs/cgi-bin/lib/" "/proc/$p/maps" 2>/dev/null; done | head -1)
	ok "$([ "${w:-0}" -gt 0 ] && echo 0 || echo 1)" "the FastCGI worker maps its libraries from the uploaded cgi-bin/lib"
	stop_server
fi
done_testing
