#!/bin/sh
# Builds build/kamailio-rs-modules_<version>_<arch>.deb from build/modules/{tcpops,keepalive}.so
# (run `make build` first; `make deb` does both) for the installed kamailio package, then runs
# lintian on it and fails on any lintian error.
#
# Version: <workspace version>+kamailio<installed kamailio version>+b<build time, UTC>, e.g.
# 0.1.0+kamailio5.6.3-2+b20261206135501: the package only works with that one kamailio build,
# which it depends on exactly, and every build is newer than the ones before it for apt.
#
# Environment: DEB_OUT (output directory, default build/), DEB_MAINTAINER (Maintainer field),
# SOURCE_DATE_EPOCH (the build time in the version, and the files' timestamps: set it to make the
# same .deb again byte for byte; default: now for the version, the last commit's time for the
# timestamps), LINTIAN=0 (skip lintian).
set -eu
umask 022
export LC_ALL=C

PKG=kamailio-rs-modules
MODULES="tcpops keepalive"
top=$(cd "$(dirname "$0")/.." && pwd)
pkgdir="$top/packaging"
out="${DEB_OUT:-$top/build}"
maintainer="${DEB_MAINTAINER:-kamailio-rs maintainers <kamailio-rs@users.noreply.github.com>}"

die() { echo "build-deb: $*" >&2; exit 1; }

for m in $MODULES; do
    [ -f "$top/build/modules/$m.so" ] || die "build/modules/$m.so missing: run 'make build' first"
done
for t in dpkg-deb dpkg-shlibdeps dpkg-architecture strip cargo; do
    command -v "$t" >/dev/null || die "$t not found (dpkg-dev, binutils, cargo)"
done

kver=$(dpkg-query -W -f='${Version}' kamailio 2>/dev/null) || true
[ -n "$kver" ] || die "the kamailio package is not installed"
crate_ver=$(cd "$top" && cargo tree -e normal -p tcpops --depth 0 --prefix none -f '{p}' |
    sed -n 's/^tcpops v\([^ ]*\).*/\1/p')
[ -n "$crate_ver" ] || die "cannot read the workspace version"
# An epoch's ':' may not appear later in a version: "1:5.6.3-2" gives "+kamailio1.5.6.3-2".
# The build time last, so that apt takes a rebuild (same workspace and kamailio versions) as newer.
built=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y%m%d%H%M%S)
version="$crate_ver+kamailio$(echo "$kver" | tr ':' '.')+b$built"
dpkg --validate-version "$version" || die "invalid version $version"
arch=$(dpkg-architecture -qDEB_HOST_ARCH)

# The module directory: where the kamailio package has tm.so, else the multiarch default.
moddir=$(dpkg -L kamailio | grep '/modules/tm\.so$' | head -n1 | xargs -r dirname)
[ -n "$moddir" ] || moddir="/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/kamailio/modules"

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH
date_r=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
year=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)
git=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null || true)
[ -z "$git" ] || git=" (git $git)"
dist=$(. /etc/os-release && echo "${VERSION_CODENAME:-unstable}")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
doc="$root/usr/share/doc/$PKG"
mkdir -p "$root/DEBIAN" "$root$moddir" "$doc"

# The modules, stripped as dh_strip does for shared objects.
for m in $MODULES; do
    install -m 0644 "$top/build/modules/$m.so" "$root$moddir/$m.so"
    strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root$moddir/$m.so"
done

subst() {
    sed -e "s|@VERSION@|$version|g" -e "s|@CRATE_VERSION@|$crate_ver|g" \
        -e "s|@KAMAILIO_VERSION@|$kver|g" -e "s|@MODDIR@|$moddir|g" -e "s|@ARCH@|$arch|g" \
        -e "s|@DIST@|$dist|g" -e "s|@GIT@|$git|g" -e "s|@MAINTAINER@|$maintainer|g" \
        -e "s|@DATE@|$date_r|g" -e "s|@YEAR@|$year|g" "$1"
}

# Documentation: module READMEs, README.Debian, changelog, copyright.
for m in $MODULES; do
    gzip -9n <"$top/modules/$m/README.md" >"$doc/README.$m.md.gz"
done
subst "$pkgdir/README.Debian.in" >"$doc/README.Debian"
subst "$pkgdir/changelog.in" | gzip -9n >"$doc/changelog.Debian.gz"

# copyright: one stanza per crate linked into the modules, from cargo's dependency tree.
crates="$work/crates"
: >"$crates"
# proc-macro crates (zerocopy-derive and its deps) run at build time only: not linked
(cd "$top" && cargo tree -e normal,no-proc-macro -p tcpops -p keepalive --prefix none -f '{p}|{l}') |
    grep -v '(\*)' | grep -v '(/' | sort -u | while IFS='|' read -r pkgver lic; do
    [ -n "$pkgver" ] || continue
    name=${pkgver%% *}
    ver=${pkgver#* v}
    dep5=$(echo "$lic" | sed -e 's|/| OR |g' -e 's/ OR / or /g' -e 's/ AND / and /g' \
        -e 's/\bMIT\b/Expat/g')
    for l in $(echo "$dep5" | tr '()' '  ' | sed -e 's/ or / /g' -e 's/ and / /g'); do
        grep -q "^License: $l\$" "$pkgdir/copyright.in" ||
            die "crate $name: license '$l' has no License paragraph in packaging/copyright.in"
    done
    printf '\nFiles: rust-crates/%s-%s/*\nCopyright: the %s authors\nLicense: %s\nComment: crate %s %s (crates.io), statically linked.\n' \
        "$name" "$ver" "$name" "$dep5" "$name" "$ver" >>"$crates"
done
awk -v f="$crates" '$0 == "@CRATES@" { while ((getline l < f) > 0) print l; print ""; next } { print }' \
    "$pkgdir/copyright.in" | subst /dev/stdin >"$doc/copyright"

# Shared-library dependencies, by dpkg-shlibdeps in a minimal source tree.
mkdir -p "$work/src/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$PKG" "$PKG" >"$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O --warnings=1 \
    $(for m in $MODULES; do printf -- '-e%s ' "$root$moddir/$m.so"; done) |
    sed -n 's/^shlibs:Depends=//p')
depends="kamailio (= $kver)${shlibs:+, $shlibs}"

subst "$pkgdir/preinst.in" >"$root/DEBIAN/preinst"
subst "$pkgdir/postrm.in" >"$root/DEBIAN/postrm"
chmod 0755 "$root/DEBIAN/preinst" "$root/DEBIAN/postrm"

(cd "$root" && find usr -type f | sort | xargs md5sum) >"$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: $PKG
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: net
Priority: optional
Description: Rust tcpops and keepalive modules for Kamailio $kver
 Replaces the tcpops.so and keepalive.so modules of the kamailio package
 (kept as tcpops.so.distrib and keepalive.so.distrib through dpkg-divert)
 with the kamailio-rs ones, drop-in compatible: loadmodule "tcpops.so" and
 loadmodule "keepalive.so" load these. Built for kamailio $kver only.
EOF

find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$out"
deb="$out/${PKG}_${version}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "built: $deb"
dpkg-deb --info "$deb" | sed -n '/^ Package:/,$p'

if [ "${LINTIAN:-1}" != 0 ]; then
    command -v lintian >/dev/null || die "lintian not found (apt-get install lintian, or LINTIAN=0)"
    echo "lintian $deb:"
    # Exit status: non-zero on any error-level tag (and on lintian's own failures).
    lintian --fail-on error --display-info "$deb" || die "lintian reports errors"
    echo "lintian: no errors"
fi
