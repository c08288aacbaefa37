#!/bin/sh
# admin_browser.t: run tests/browser/admin.spec.mjs (playwright-core + Debian chromium) against lighttpd; installs nothing.
. "$(dirname "$0")/lib.sh"
export RESTOCK_TEMPLATES="$ROOT/templates"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
	echo "1..0 # SKIP $CHROMIUM is missing (apt-get install chromium)"
	exit 0
fi
if [ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ] || ! command -v node >/dev/null 2>&1; then
	echo "1..0 # SKIP node or tests/browser/node_modules is missing (cd tests/browser && npm ci)"
	exit 0
fi

H=$(new_home) || { echo "Bail out! no home"; exit 1; }
"$CTL" --home "$H" settings feed_sources "$ROOT/examples/demo-feed.xml" >/dev/null
echo 'secret-pass-1' | "$CTL" --home "$H" passwd >/dev/null
start_lighttpd "$H" 2 || { echo "Bail out! lighttpd"; exit 1; }

OUT=${BROWSER_OUT:-$ROOT/tests/out/browser}
if ! mkdir -p "$OUT" 2>/dev/null; then
	OUT="${TMPDIR:-/tmp}/restock-browser-out"
	mkdir -p "$OUT"
fi
echo "# screenshots: $OUT"
cd "$ROOT/tests/browser" && BASE="$BASE" RESTOCK_HOME="$H" CTL="$CTL" PASSWORD=secret-pass-1 OUT="$OUT" \
	CHROMIUM="$CHROMIUM" timeout 240 node admin.spec.mjs
