#!/usr/bin/env bash
# Vendors the offline GraphiQL playground assets into api/assets/playground/.
#
# The playground must work without any CDN: the API binary embeds these files
# (include_bytes!) and serves them under /playground/. This script fetches
# PINNED npm package versions with `npm pack`, checks each tarball against the
# pinned npm integrity hash, copies only the files the page needs and records
# package@version plus the sha256 of every copied file in VERSIONS.
#
# graphiql 4.x is the last major that ships a prebuilt UMD bundle. Its UMD
# wrapper takes only the React and ReactDOM globals; graphql-js and the
# CodeMirror editors are bundled inside graphiql.min.js, so no separate
# graphql.min.js is needed (the script asserts this below).
#
# Usage:
#   scripts/vendor-playground.sh            # (re)vendor the assets
#   scripts/vendor-playground.sh --verify   # offline: check files against VERSIONS
#
# index.html in the same directory is hand-written and never touched here.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/api/assets/playground"

GRAPHIQL_VERSION="4.1.2"
REACT_VERSION="18.3.1"
REACT_DOM_VERSION="18.3.1"

# npm "dist.integrity" of each pinned tarball (npm view PKG@VER dist.integrity).
declare -A INTEGRITY=(
  ["graphiql@$GRAPHIQL_VERSION"]="sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg=="
  ["react@$REACT_VERSION"]="sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ=="
  ["react-dom@$REACT_DOM_VERSION"]="sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw=="
)

# destination file name | package@version | path inside the tarball
FILES=(
  "react.production.min.js|react@$REACT_VERSION|package/umd/react.production.min.js"
  "react-dom.production.min.js|react-dom@$REACT_DOM_VERSION|package/umd/react-dom.production.min.js"
  "graphiql.min.js|graphiql@$GRAPHIQL_VERSION|package/graphiql.min.js"
  "graphiql.min.css|graphiql@$GRAPHIQL_VERSION|package/graphiql.min.css"
)

die() { echo "vendor-playground: $*" >&2; exit 1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

verify() {
  [[ -f "$DEST/VERSIONS" ]] || die "missing $DEST/VERSIONS"
  local status=0 name want got
  while read -r name want; do
    if [[ ! -f "$DEST/$name" ]]; then
      echo "MISSING  $name" >&2; status=1; continue
    fi
    got="$(sha256_of "$DEST/$name")"
    if [[ "$got" == "$want" ]]; then
      echo "ok       $name"
    else
      echo "MISMATCH $name (want $want, got $got)" >&2; status=1
    fi
  done < <(awk '$1 == "file" { print $2, $NF }' "$DEST/VERSIONS")
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

for spec in "${!INTEGRITY[@]}"; do
  name="${spec%@*}"
  mkdir -p "$WORK/$name"
  echo "vendor-playground: npm pack $spec"
  (cd "$WORK/$name" && npm pack --json "$spec" >pack.json) \
    || die "npm pack $spec failed"
  got_integrity="$(node -e '
    const info = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    process.stdout.write(info[0].integrity);' "$WORK/$name/pack.json")"
  tarball="$(node -e '
    const info = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    process.stdout.write(info[0].filename);' "$WORK/$name/pack.json")"
  [[ "$got_integrity" == "${INTEGRITY[$spec]}" ]] \
    || die "$spec integrity mismatch: want ${INTEGRITY[$spec]}, got $got_integrity"
  tar -xzf "$WORK/$name/$tarball" -C "$WORK/$name"
done

# The UMD bundle must expect exactly the React + ReactDOM globals and nothing
# else (in particular no global graphql). Fail loudly if a future pin changes that.
umd_head="$(head -c 600 "$WORK/graphiql/package/graphiql.min.js")"
[[ "$umd_head" == *'define(["react","react-dom"],'* && "$umd_head" == *'.GraphiQL=t(e.React,e.ReactDOM)'* ]] \
  || die "graphiql.min.js UMD wrapper no longer takes just React/ReactDOM globals; re-check the page's script list"

mkdir -p "$DEST"
for entry in "${FILES[@]}"; do
  IFS='|' read -r dest spec src <<<"$entry"
  name="${spec%@*}"
  [[ -f "$WORK/$name/$src" ]] || die "$spec has no $src"
  install -m 0644 "$WORK/$name/$src" "$DEST/$dest"
done

# Licence texts of the vendored packages (all MIT), kept next to the copies.
{
  for spec in "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_DOM_VERSION"; do
    name="${spec%@*}"
    echo "==== $spec ===="
    cat "$WORK/$name/package/LICENSE"
    echo
  done
} >"$DEST/LICENSES"

{
  echo "# Offline GraphiQL playground assets, written by scripts/vendor-playground.sh."
  echo "# Do not edit by hand: change the pins in that script and re-run it."
  echo "# Check the files offline with: scripts/vendor-playground.sh --verify"
  echo "#"
  echo "# package <name@version> <npm tarball integrity>"
  for spec in "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_DOM_VERSION"; do
    echo "package $spec ${INTEGRITY[$spec]}"
  done
  echo "#"
  echo "# file <name> <from name@version:path> <bytes> sha256 <hex>"
  for entry in "${FILES[@]}"; do
    IFS='|' read -r dest spec src <<<"$entry"
    printf 'file %s %s:%s %s sha256 %s\n' \
      "$dest" "$spec" "${src#package/}" "$(stat -c %s "$DEST/$dest")" "$(sha256_of "$DEST/$dest")"
  done
  printf 'file %s %s %s sha256 %s\n' \
    LICENSES "(graphiql,react,react-dom):LICENSE" "$(stat -c %s "$DEST/LICENSES")" "$(sha256_of "$DEST/LICENSES")"
} >"$DEST/VERSIONS"

echo "vendor-playground: wrote $DEST"
verify
