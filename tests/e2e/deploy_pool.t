#!/bin/bash
# deploy_pool.t: deploy_smoke.t's checks behind restock's own socket-activated pool of workers
# (etc/restock.socket + restock.service): lighttpd (etc/lighttpd-restock-pool.conf) and Apache
# mod_proxy_fcgi (etc/apache-proxy-fcgi.conf) forwarding to it.
export RESTOCK_TEST_SERVER="pool-lighttpd pool-apache"
exec bash "$(dirname "$0")/deploy_smoke.t"
