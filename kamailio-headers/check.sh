#!/usr/bin/env bash
# Checks each vendored header series that names a Debian version in its ORIGIN against that
# Debian source package (fetched by source.sh into a temp dir; the machine's apt sources are left
# alone): every vendored file identical, the same files as the closure vendor.sh computes from
# the package, and COPYING identical; a series taken from upstream's tag (no Debian version) only
# for completeness (every include of the closure found in it, no other file). Exit status 1 on any
# difference.
#
#   check.sh [SERIES...]          default: every series
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kamailio-headers-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- $(cd "$here" && ls -d */ORIGIN 2>/dev/null | xargs -r -n1 dirname)
bad=0
for series in "$@"; do
  upstream=; debian=; suites=
  . "$here/$series/ORIGIN"
  if [ -z "$debian" ]; then
    # taken from upstream's tag (no Debian source package): every include found, no file more
    missing=$("$here/vendor.sh" --unresolved "$here/$series")
    if [ -n "$missing" ]; then
      echo "check: $series: includes naming no vendored file:" >&2; echo "$missing" >&2; bad=1
    elif ! diff <("$here/vendor.sh" --list "$here/$series") <(cd "$here/$series/src" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); then
      echo "check: $series: files that include/ does not need (> vendored)" >&2; bad=1
    else
      echo "check: $series: upstream $upstream, no Debian source package to compare with: the closure of include/, complete"
    fi
    continue
  fi
  # shellcheck disable=SC2086 # suites is a list
  "$here/source.sh" "$debian" "$tmp/$series" $suites
  diff <("$here/vendor.sh" --list "$tmp/$series") <(cd "$here/$series/src" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) ||
    { echo "check: $series: the vendored files are not the closure of include/ in $debian (< closure, > vendored)" >&2; bad=1; }
  n=0
  while read -r f; do
    n=$((n + 1))
    cmp -s "$here/$series/src/$f" "$tmp/$series/src/$f" || { echo "check: $series: src/$f differs from $debian" >&2; bad=1; }
  done < <(cd "$here/$series/src" && find . -type f | sed 's|^\./||')
  cmp -s "$here/$series/COPYING" "$tmp/$series/COPYING" || { echo "check: $series: COPYING differs from $debian" >&2; bad=1; }
  echo "check: $series: $n files compared with Debian's kamailio $debian"
done
exit $bad
