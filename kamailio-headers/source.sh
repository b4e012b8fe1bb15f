#!/usr/bin/env bash
# Downloads and unpacks Debian's source package kamailio=VERSION into DEST (which must not exist)
# with a private apt configuration in a temp dir: the machine's apt sources, its lists and its
# cache are left as they are (no deb-src lines are added anywhere).
#
#   source.sh VERSION DEST [SUITE...]
#
# The deb-src entries are the machine's own `deb` entries (deb822 *.sources or one-line *.list);
# with SUITE arguments, the machine's release codename in them is replaced by each SUITE (e.g.
# `source.sh 6.0.1-1+deb13u2 DEST trixie` on Debian 12 reads trixie, trixie-updates and
# trixie-security from the same mirrors). Needs apt and dpkg-source (dpkg-dev).
set -euo pipefail
ver=${1:?usage: source.sh VERSION DEST [SUITE...]}
dest=${2:?usage: source.sh VERSION DEST [SUITE...]}
shift 2
[ ! -e "$dest" ] || { echo "source.sh: $dest exists" >&2; exit 1; }
command -v dpkg-source >/dev/null || { echo "source.sh: dpkg-source not found (install dpkg-dev)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kamailio-src.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/parts" "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/get"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

# the machine's deb entries as deb-src, for each suite asked for (or as they are)
rename() {
  if [ $# -eq 0 ] || [ -z "$codename" ]; then cat; return; fi
  local text s
  text=$(cat)
  for s in "$@"; do printf '%s\n\n' "$text" | sed "s/\<$codename\>/$s/g"; done
}
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  # the paragraphs whose Types list deb, typed deb-src
  awk -v RS= -v ORS='\n\n' '{ n = split($0, l, "\n"); ok = 0; out = ""
    for (i = 1; i <= n; i++) { if (l[i] ~ /^Types:/) { m = split(l[i], t, /[ \t]+/)
        for (j = 2; j <= m; j++) if (t[j] == "deb") ok = 1; l[i] = "Types: deb-src" }
      out = out l[i] "\n" }
    if (ok) print out }' "$f"
done | rename "$@" >"$tmp/parts/machine.sources"
grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
  sed 's/^deb /deb-src /' | rename "$@" >"$tmp/parts/machine.list" || true

apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$tmp/parts"
  -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root")
# a suite named by its codename may be testing, whose Release files a lagging mirror serves
# past their one-week Valid-Until
[ $# -eq 0 ] || apt_opts+=(-o "Acquire::Check-Valid-Until=false")
apt-get "${apt_opts[@]}" -qq update >&2
(cd "$tmp/get" && apt-get "${apt_opts[@]}" -qq source --download-only "kamailio=$ver" >&2)
dsc=$(ls "$tmp/get"/kamailio_*.dsc)
# the files were checked by apt against the signed index; gpgv has no key for the uploader
dpkg-source -q --no-check -x "$dsc" "$tmp/tree" >&2
mkdir -p "$(dirname "$dest")"
mv "$tmp/tree" "$dest"
