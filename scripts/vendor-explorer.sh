#!/usr/bin/env bash
# Vendors the explorer's graph library into api/assets/explore/vendor/.
#
# Why cytoscape.js: it is actively maintained (regular releases by the
# Cytoscape Consortium), MIT-licensed, has no runtime dependencies, ships a
# ready-made UMD build (dist/cytoscape.min.js, sets the `cytoscape` global, so
# the page needs no build step) and renders to <canvas>, which works in
# headless Chromium. It uses no eval/new Function, so it runs under the
# explorer's strict CSP (script-src 'self').
#
# The page must work without any CDN: the API binary embeds these files
# (include_bytes!, see EXPLORER_FILES in api/src/http/assets.rs) and serves them
# under /explore/vendor/. This script fetches a PINNED version with
# `npm pack`, checks the tarball's sha512 integrity against the value pinned
# below AND against the registry's dist.integrity, copies dist/cytoscape.min.js
# and writes LICENSES: name, version, integrity, size and sha256 of the copy,
# followed by the package's LICENSE text.
#
# Usage:
#   scripts/vendor-explorer.sh            # (re)vendor (needs the npm registry)
#   scripts/vendor-explorer.sh --verify   # offline: check the copy against LICENSES
#
# To upgrade: set CYTOSCAPE_VERSION, put the new version's
# `npm view cytoscape@VERSION dist.integrity` in CYTOSCAPE_INTEGRITY, re-run,
# then rebuild the API binary and run scripts/browser-test-explorer.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/api/assets/explore/vendor"

CYTOSCAPE_VERSION="3.35.0"
# npm "dist.integrity" of cytoscape-3.35.0.tgz (sha512 of the tarball, base64).
CYTOSCAPE_INTEGRITY="sha512-sMvBIXiGMnhkCaWz2R06FwF/27MNlS+Tqvi17foO9UhnUg3XGZccKjxsvEqQFAQYMSSZmN5SxYzUYlQ0DOJJ3g=="

SPEC="cytoscape@$CYTOSCAPE_VERSION"
SRC="package/dist/cytoscape.min.js"
OUT="cytoscape.min.js"

die() { echo "vendor-explorer: $*" >&2; exit 1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# Checks every "file" line of LICENSES: name, bytes and sha256.
verify() {
  [[ -f "$DEST/LICENSES" ]] || die "missing $DEST/LICENSES"
  local status=0 seen=0 name bytes want got
  while read -r name bytes want; do
    seen=1
    if [[ ! -f "$DEST/$name" ]]; then
      echo "MISSING  $name" >&2; status=1; continue
    fi
    got="$(sha256_of "$DEST/$name")"
    if [[ "$got" == "$want" && "$(stat -c %s "$DEST/$name")" == "$bytes" ]]; then
      echo "ok       $name"
    else
      echo "MISMATCH $name (want $bytes bytes sha256 $want, got $(stat -c %s "$DEST/$name") bytes sha256 $got)" >&2
      status=1
    fi
  done < <(awk '$1 == "file" { print $2, $4, $6 }' "$DEST/LICENSES")
  [[ $seen -eq 1 ]] || die "no file lines in $DEST/LICENSES"
  return "$status"
}

if [[ "${1:-}" == "--verify" ]]; then
  verify
  exit $?
elif [[ $# -gt 0 ]]; then
  die "unknown argument: $1 (only --verify is accepted)"
fi

command -v npm >/dev/null || die "npm is required"
command -v node >/dev/null || die "node is required"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# 1. The registry's own record must match the pin (catches a stale pin early).
registry_integrity="$(npm view "$SPEC" dist.integrity)" || die "npm view $SPEC failed"
[[ "$registry_integrity" == "$CYTOSCAPE_INTEGRITY" ]] \
  || die "$SPEC: registry dist.integrity is $registry_integrity, pinned $CYTOSCAPE_INTEGRITY"

# 2. Fetch the tarball and hash it ourselves (not only npm's word for it).
echo "vendor-explorer: npm pack $SPEC"
(cd "$WORK" && npm pack --json "$SPEC" >pack.json) || die "npm pack $SPEC failed"
tarball="$(node -e '
  const info = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  process.stdout.write(info[0].filename);' "$WORK/pack.json")"
[[ -f "$WORK/$tarball" ]] || die "npm pack wrote no tarball"
got_integrity="sha512-$(openssl dgst -sha512 -binary "$WORK/$tarball" | base64 -w0)"
[[ "$got_integrity" == "$CYTOSCAPE_INTEGRITY" ]] \
  || die "$SPEC tarball integrity mismatch: want $CYTOSCAPE_INTEGRITY, got $got_integrity"

tar -xzf "$WORK/$tarball" -C "$WORK"
[[ -f "$WORK/$SRC" ]] || die "$SPEC has no $SRC"
[[ -f "$WORK/package/LICENSE" ]] || die "$SPEC has no LICENSE"

# 3. The UMD build must set the `cytoscape` global and must not need eval
#    (the page's CSP has no 'unsafe-eval').
head -c 4000 "$WORK/$SRC" | grep -q 'cytoscape' || die "$SRC does not look like the cytoscape UMD build"
if grep -q 'new Function(' "$WORK/$SRC"; then
  die "$SRC uses new Function(); it would be blocked by the explorer's CSP"
fi

mkdir -p "$DEST"
install -m 0644 "$WORK/$SRC" "$DEST/$OUT"

{
  echo "# The explorer's vendored graph library, written by scripts/vendor-explorer.sh."
  echo "# Do not edit by hand: change the pin in that script and re-run it."
  echo "# Check the copy offline with: scripts/vendor-explorer.sh --verify"
  echo "#"
  echo "# package <name@version> <npm tarball integrity>"
  echo "package $SPEC $CYTOSCAPE_INTEGRITY"
  echo "# file <name> <from name@version:path> <bytes> sha256 <hex>"
  printf 'file %s %s:%s %s sha256 %s\n' \
    "$OUT" "$SPEC" "${SRC#package/}" "$(stat -c %s "$DEST/$OUT")" "$(sha256_of "$DEST/$OUT")"
  echo
  echo "==== $SPEC LICENSE ===="
  cat "$WORK/package/LICENSE"
} >"$DEST/LICENSES"

echo "vendor-explorer: wrote $DEST/$OUT and $DEST/LICENSES"
verify
