#!/usr/bin/env bash
# Fetch the source tree of exactly the installed Kamailio into kamailio-headers/src
# (git-ignored). With KAMAILIO_SRC=/path/to/kamailio the given tree is used instead.
# Prints the path of the tree's top directory (the one holding src/core).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${KAMAILIO_SRC:-}" ]; then
  [ -d "$KAMAILIO_SRC/src/core" ] || { echo "KAMAILIO_SRC=$KAMAILIO_SRC has no src/core" >&2; exit 1; }
  echo "$KAMAILIO_SRC"; exit 0
fi
ver=$(dpkg-query -W -f '${Version}' kamailio 2>/dev/null) || { echo "kamailio is not installed" >&2; exit 1; }
dest="$here/src/$ver"
if [ ! -d "$dest/src/core" ]; then
  if ! apt-cache showsrc kamailio 2>/dev/null | grep -q "^Version: $ver\$"; then
    # Add deb-src entries mirroring the machine's own Debian sources.
    src=/etc/apt/sources.list.d/kamailio-rs-src.sources
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      sed -n '/^Types:/,$p' /etc/apt/sources.list.d/debian.sources | sed 's/^Types: .*/Types: deb-src/' >"$src"
    else
      grep -h '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' >/etc/apt/sources.list.d/kamailio-rs-src.list
    fi
    apt-get update -qq >&2
  fi
  command -v dpkg-source >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev >&2
  tmp=$(mktemp -d "$here/src.XXXXXX")
  (cd "$tmp" && apt-get source -qq "kamailio=$ver" >&2)
  top=$(find "$tmp" -maxdepth 2 -type d -path '*/src' -printf '%h\n' | head -n 1)
  [ -n "$top" ] || { echo "apt-get source produced no tree" >&2; exit 1; }
  mkdir -p "$here/src"; rm -rf "$dest"; mv "$top" "$dest"; rm -rf "$tmp"
fi
echo "$dest"
