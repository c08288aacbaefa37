#!/bin/sh
# bundle.sh: make bundle — a self-contained tarball for hosts without restock's libraries
# (shared hosting): the programs with rpath $ORIGIN/lib and the non-libc shared libraries
# they need beside them, the .htaccess files, templates, configs and examples.
# usage: scripts/bundle.sh [OUTDIR]   (after `make all`; prints the tarball's path)
#   env RESTOCK_VERSION overrides the version (default: git describe, else the date)
# Uses patchelf (Debian package patchelf) when installed; otherwise relinks the programs from
# the objects in build/ with -Wl,-rpath,'$ORIGIN/lib'.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root}" && cd "${1:-$root}" && pwd)
cd "$root"
for f in cgi-bin/restock.fcgi bin/restockctl; do
	[ -x "$f" ] || { echo "bundle.sh: $f missing: run make all first" >&2; exit 1; }
done
version=${RESTOCK_VERSION:-$(git describe --tags --always --dirty 2>/dev/null || date +%Y%m%d)}
name="restock-bundle-$version"
stage=$(mktemp -d "${TMPDIR:-/tmp}/restock-bundle.XXXXXX")
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/cgi-bin/lib" "$dir/bin/lib"

# the programs, with the rpath that finds lib/ beside them wherever the directory is uploaded
# (DT_RPATH, not DT_RUNPATH: it also serves the libraries' own dependencies)
cp cgi-bin/restock.fcgi "$dir/cgi-bin/restock.fcgi"
cp bin/restockctl "$dir/bin/restockctl"
if command -v patchelf >/dev/null 2>&1; then
	for f in "$dir/cgi-bin/restock.fcgi" "$dir/bin/restockctl"; do
		patchelf --force-rpath --set-rpath '$ORIGIN/lib' "$f"
	done
else
	libs=$(sed -n 's/^LIBS = //p' Makefile | sed "s|\$(PKG_LIBS)|$(pkg-config --libs libxml-2.0 yajl libcurl libcrypto libcrypt)|")
	# shellcheck disable=SC2086 # word splitting of the object lists and flags is wanted
	${CC:-cc} -o "$dir/cgi-bin/restock.fcgi" build/src/web/*.o build/librestock.a $libs \
		-Wl,--disable-new-dtags,-rpath,'$ORIGIN/lib'
	# shellcheck disable=SC2086
	${CC:-cc} -o "$dir/bin/restockctl" build/src/cli/*.o build/librestock.a $libs \
		-Wl,--disable-new-dtags,-rpath,'$ORIGIN/lib'
fi

# every shared library the programs load, except the C library's own parts (the host has
# those, and they must match its kernel and loader)
libs=$( (ldd cgi-bin/restock.fcgi; ldd bin/restockctl) | awk '$2 == "=>" && $3 ~ /^\// { print $1 " " $3 }' | sort -u |
	grep -Ev '^(linux-vdso|libc|libm|libpthread|libdl|librt|libresolv|ld-linux[^ ]*|libutil|libanl)\.so')
echo "$libs" | while read -r soname path; do
	[ -n "$soname" ] || continue
	cp -L "$path" "$dir/cgi-bin/lib/$soname"
	chmod 644 "$dir/cgi-bin/lib/$soname"
	# the libraries find each other beside themselves too
	command -v patchelf >/dev/null 2>&1 && patchelf --set-rpath '$ORIGIN' "$dir/cgi-bin/lib/$soname"
	ln "$dir/cgi-bin/lib/$soname" "$dir/bin/lib/$soname"	# a hard link: stored once in the tarball
done

# .htaccess files, templates, configs, examples
cp cgi-bin/.htaccess "$dir/cgi-bin/.htaccess"
cp -R templates "$dir/templates"
mkdir -p "$dir/etc" "$dir/examples"
cp etc/* "$dir/etc/"
cp examples/*.xml examples/*.json "$dir/examples/" 2>/dev/null || true
[ -f examples/storefront.html ] && cp examples/storefront.html "$dir/examples/"
cat >"$dir/README.txt" <<EOF
restock $version — self-contained bundle (Linux x86-64, glibc $(ldd --version | head -1 | awk '{print $NF}') or newer)

cgi-bin/restock.fcgi   the FastCGI program (runs as plain CGI too); cgi-bin/lib/ its libraries
cgi-bin/.htaccess      for public_html/cgi-bin/ (edit SetEnv RESTOCK_HOME)
etc/htaccess-root      for public_html/.htaccess (pretty URLs at the site root)
bin/restockctl         the command-line tool (cron: restockctl --home DATA run); bin/lib/ its libraries
templates/ etc/ examples/

See the README's "Shared hosting" section for the steps.
EOF

tarball="$out/$name.tar.gz"
tar -C "$stage" -czf "$tarball" "$name"
echo "$tarball"
