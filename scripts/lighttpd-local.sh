#!/bin/sh
# lighttpd-local.sh: write a loopback lighttpd config for restock (make run and the tests).
# usage: scripts/lighttpd-local.sh ROOT HOME RUNDIR PORT [PROCS] [DEMO_DIR] > lighttpd.conf
set -eu
root=$1 home=$2 run=$3 port=$4 procs=${5:-4} demo=${6:-}
cat <<CONF
server.port          = $port
server.bind          = "127.0.0.1"
server.document-root = "$run"
server.errorlog      = "$run/error.log"
server.pid-file      = "$run/lighttpd.pid"
server.modules      += ( "mod_alias" )
mimetype.assign      = ( ".html" => "text/html; charset=utf-8", ".css" => "text/css", ".js" => "text/javascript" )
var.restock_root  = "$root"
var.restock_home  = "$home"
var.restock_run   = "$run"
var.restock_procs = $procs
CONF
if [ -n "$demo" ]; then
	echo 'var.restock_static = "^/demo/"'
	echo "alias.url = ( \"/demo/\" => \"$demo/\" )"
	echo 'index-file.names = ( "storefront.html" )'
else
	echo 'var.restock_static = "^/restock-static/"'
fi
echo "include \"$root/etc/lighttpd-restock.conf\""
