#!/bin/sh
# run.sh: make run — initialise ./var with the demo catalog and serve restock under lighttpd on 127.0.0.1:$PORT.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-8080}
home="$root/var"
run="$home/run"
ctl="$root/bin/restockctl"

mkdir -p "$home"
"$ctl" --home "$home" init --base-url "http://127.0.0.1:$port" >/dev/null
"$ctl" --home "$home" settings base_url "http://127.0.0.1:$port" >/dev/null
if [ -z "$("$ctl" --home "$home" settings feed_sources)" ]; then
	"$ctl" --home "$home" settings feed_sources "$root/examples/demo-feed.xml" >/dev/null
	"$ctl" --home "$home" settings store_name "Trailhead Outfitters (demo)" >/dev/null
fi
"$ctl" --home "$home" sync >/dev/null
pwfile="$home/admin-password.txt"
if [ ! -s "$pwfile" ]; then
	umask 077
	head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$pwfile"
	"$ctl" --home "$home" passwd <"$pwfile" >/dev/null
fi
mkdir -p "$run"
"$root/scripts/lighttpd-local.sh" "$root" "$home" "$run" "$port" 4 "$root/examples" >"$run/lighttpd.conf"
"$root/scripts/storefront-config.sh" "$home" >"$root/examples/storefront-config.js"

pub=$("$ctl" --home "$home" settings public_key)
cat <<MSG

restock is running on http://127.0.0.1:$port/   (Ctrl-C stops it)

  storefront demo:  http://127.0.0.1:$port/demo/
  catalog API:      http://127.0.0.1:$port/api/catalog/items
  admin:            http://127.0.0.1:$port/admin/   password: $(cat "$pwfile")
  public key:       $pub
  data home:        $home   (outgoing mail lands in $home/mail as .eml files)
  cron line:        */15 * * * * $ctl --home $home run

MSG
exec lighttpd -D -f "$run/lighttpd.conf"
