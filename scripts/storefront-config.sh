#!/bin/sh
# storefront-config.sh: write the demo storefront's config (the public key) for a home.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
key=$("$root/bin/restockctl" --home "$1" settings public_key)
printf 'window.RESTOCK_CONFIG = { publicKey: "%s" };\n' "$key"
