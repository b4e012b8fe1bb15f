#!/usr/bin/env bash
# Copies into kamailio-headers/SERIES/ the subset of a Kamailio source tree that the crate's
# include/wrapper.h, include/shim.h and include/shim/*.c need: the transitive closure of their
# `#include "..."` lines, followed whatever the #if around them (so the subset serves every CPU,
# lock implementation and memory debug setting), and writes SERIES/ORIGIN.
#
#   vendor.sh SERIES TREE UPSTREAM [DEBIAN SUITE...]     e.g. vendor.sh 6.0 /tmp/k 6.0.1 6.0.1-1+deb13u2 trixie
#   vendor.sh --list TREE                                prints the closure (paths under TREE/src)
#   vendor.sh --unresolved TREE                          its `#include "..."` lines naming no file
#
# TREE is Debian's source package of that release (source.sh), which check.sh compares the
# subset with, file by file; where no Debian source package is available, upstream's tree at a
# tag (`git archive 6.1.4 src COPYING`) with no DEBIAN, and VENDOR_NOTE=... saying why and for
# which Debian version (a comment in ORIGIN).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
include=$here/../include

# closure TREE [unresolved]: the files under TREE/src that the wrapper and the shim include, one
# per line; with `unresolved`, the `#include "..."` lines of those files that name no file there
# (as `FILE: NAME`, FILE relative to TREE/src)
closure() {
  local tree=$1 want=${2:-files} f dir name p found queue=() unresolved=()
  declare -A done=()
  queue=("$include/wrapper.h" "$include/shim.h" "$include"/shim/*.c)
  while [ ${#queue[@]} -gt 0 ]; do
    f=${queue[0]}; queue=("${queue[@]:1}")
    [ -z "${done[$f]:-}" ] || continue
    done[$f]=1
    dir=$(dirname "$f")
    while read -r name; do
      found=
      for p in "$dir/$name" "$tree/src/$name" "$include/$name"; do
        if [ -f "$p" ]; then queue+=("$(realpath -m "$p")"); found=1; break; fi
      done
      [ -n "$found" ] || unresolved+=("$f: $name")
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
  done
  local top
  top=$(realpath -m "$tree/src")/
  if [ "$want" = unresolved ]; then
    for f in "${unresolved[@]}"; do echo "${f#"$top"}"; done | LC_ALL=C sort
    return
  fi
  for f in "${!done[@]}"; do
    case $f in "$top"*) echo "${f#"$top"}" ;; esac
  done | LC_ALL=C sort
}

if [ "${1:-}" = --list ]; then
  closure "${2:?usage: vendor.sh --list TREE}"
  exit 0
fi
if [ "${1:-}" = --unresolved ]; then
  closure "${2:?usage: vendor.sh --unresolved TREE}" unresolved
  exit 0
fi
series=${1:?usage: vendor.sh SERIES TREE UPSTREAM [DEBIAN SUITE...]}
tree=${2:?usage: vendor.sh SERIES TREE UPSTREAM [DEBIAN SUITE...]}
upstream=${3:?usage: vendor.sh SERIES TREE UPSTREAM [DEBIAN SUITE...]}
debian=${4:-}
shift $(($# < 4 ? $# : 4))
[ -d "$tree/src/core" ] || { echo "vendor.sh: $tree has no src/core" >&2; exit 1; }
dest=$here/$series
rm -rf "$dest"
mkdir -p "$dest/src"
closure "$tree" | while read -r f; do
  mkdir -p "$dest/src/$(dirname "$f")"
  cp -p "$tree/src/$f" "$dest/src/$f"
done
cp -p "$tree/COPYING" "$dest/COPYING"
{
  echo "# Where src/ comes from (kamailio-headers/README.md); read by fetch.sh and check.sh."
  echo "upstream=$upstream"
  echo "debian=$debian"
  echo "suites=\"$*\""
  [ -z "${VENDOR_NOTE:-}" ] || echo "# $VENDOR_NOTE"
} >"$dest/ORIGIN"
echo "vendor.sh: $(find "$dest/src" -type f | wc -l) files in $dest" >&2
