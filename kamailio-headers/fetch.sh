#!/usr/bin/env bash
# Prints the path of the Kamailio headers to build against (the directory holding src/core) and,
# on stderr, a line `kamailio-headers: WHERE THEY COME FROM`. In this order:
#   1. KAMAILIO_SRC=/path/to/kamailio: a source tree of your own;
#   2. kamailio-headers/MAJOR.MINOR/: the vendored header series of the installed release
#      (the version `kamailio -v` prints; KAMAILIO_BIN names another binary);
#   3. Debian's source package of exactly the installed kamailio package, fetched once into
#      kamailio-headers/src/VERSION/ (git-ignored) by source.sh, which leaves the machine's apt
#      sources as they are.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
say() { echo "kamailio-headers: $*" >&2; }
if [ -n "${KAMAILIO_SRC:-}" ]; then
  [ -d "$KAMAILIO_SRC/src/core" ] || { echo "KAMAILIO_SRC=$KAMAILIO_SRC has no src/core" >&2; exit 1; }
  say "KAMAILIO_SRC=$KAMAILIO_SRC"
  echo "$KAMAILIO_SRC"; exit 0
fi
bin=${KAMAILIO_BIN:-kamailio}
ver=$("$bin" -v 2>/dev/null | sed -n 's/^version: [^ ]* \([0-9][0-9.]*\) .*/\1/p') || true
[ -n "$ver" ] || { echo "cannot read the version of \`$bin -v\`: install kamailio or set KAMAILIO_BIN" >&2; exit 1; }
series=${ver%.*}
if [ -f "$here/$series/ORIGIN" ] && [ -f "$here/$series/src/core/ver_defs.h" ]; then
  upstream=; debian=
  . "$here/$series/ORIGIN"
  what="vendored, Kamailio $upstream${debian:+, as in Debian $debian}"
  [ "$upstream" = "$ver" ] || what="$what, for $ver"
  say "kamailio-headers/$series ($what)"
  echo "$here/$series"; exit 0
fi
pkg=$(dpkg-query -W -f '${source:Version}' kamailio 2>/dev/null) || pkg=
[ -n "$pkg" ] || {
  echo "no vendored headers for Kamailio $series (kamailio-headers/) and no kamailio package whose" \
    "source to fetch: set KAMAILIO_SRC=/path/to/kamailio-$ver (the tree holding src/core)" >&2
  exit 1
}
dest=$here/src/$pkg
if [ ! -d "$dest/src/core" ]; then
  say "no vendored headers for Kamailio $series: fetching Debian's source package kamailio=$pkg"
  mkdir -p "$here/src"
  rm -rf "$dest"
  TMPDIR=$here/src "$here/source.sh" "$pkg" "$dest" || {
    echo "fetching Debian's source package kamailio=$pkg failed: set" \
      "KAMAILIO_SRC=/path/to/kamailio-$ver (the tree holding src/core)" >&2
    exit 1
  }
fi
say "kamailio-headers/src/$pkg (Debian's source package kamailio $pkg)"
echo "$dest"
