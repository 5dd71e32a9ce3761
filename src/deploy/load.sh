#!/bin/sh
# Loads this bundle's images into Docker or Podman on a host with no network.
#
#   ./load.sh [docker|podman]
#
# Every file listed in SHA256SUMS is checked first; if one is missing or differs, nothing is loaded.
# Then each image tar is loaded with the engine named (or DOCKWRIGHT_ENGINE, or docker if it is
# installed, else podman), and every image the project runs is checked to be there.
set -eu

cd "$(dirname "$0")"

die() {
  printf 'load.sh: %s\n' "$*" >&2
  exit 1
}

engine=${1:-${DOCKWRIGHT_ENGINE:-}}
if [ -z "$engine" ]; then
  if command -v docker >/dev/null 2>&1; then
    engine=docker
  elif command -v podman >/dev/null 2>&1; then
    engine=podman
  else
    die "neither docker nor podman is installed: install one, or name it: ./load.sh podman"
  fi
fi
case $engine in
  docker | podman) ;;
  *) die "unknown engine '$engine': use docker or podman" ;;
esac
command -v "$engine" >/dev/null 2>&1 || die "$engine is not installed (or not on PATH)"

[ -f SHA256SUMS ] || die "SHA256SUMS is missing: the bundle is incomplete; copy the whole directory again"

if command -v sha256sum >/dev/null 2>&1; then
  digest() { sha256sum < "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
  digest() { shasum -a 256 < "$1" | cut -d ' ' -f 1; }
elif command -v openssl >/dev/null 2>&1; then
  digest() { openssl dgst -sha256 < "$1" | sed 's/^.*= *//'; }
else
  die "no sha256sum, shasum or openssl to check the bundle with: install coreutils"
fi

# 1. Check everything before loading anything.
bad=0
count=0
while IFS= read -r line || [ -n "$line" ]; do
  [ -n "$line" ] || continue
  expected=${line%%  *}
  file=${line#*  }
  if [ "$expected" = "$line" ] || [ -z "$file" ]; then
    printf 'load.sh: SHA256SUMS has a malformed line: %s\n' "$line" >&2
    bad=1
    continue
  fi
  count=$((count + 1))
  if [ ! -f "$file" ]; then
    printf 'load.sh: %s is missing (listed in SHA256SUMS)\n' "$file" >&2
    bad=1
    continue
  fi
  actual=$(digest "$file")
  if [ "$actual" != "$expected" ]; then
    printf 'load.sh: checksum mismatch for %s: SHA256SUMS says %s, the file hashes to %s\n' "$file" "$expected" "$actual" >&2
    bad=1
  fi
done < SHA256SUMS
[ "$bad" -eq 0 ] || die "the bundle is damaged: nothing was loaded; copy it again"
[ "$count" -gt 0 ] || die "SHA256SUMS lists no file: the bundle is incomplete; copy it again"
printf 'load.sh: %s files match SHA256SUMS\n' "$count"

# 2. Load every image tar.
while IFS= read -r line || [ -n "$line" ]; do
  file=${line#*  }
  case $file in
    *.tar)
      printf 'load.sh: loading %s with %s\n' "$file" "$engine"
      "$engine" load -i "$file" || die "$engine could not load $file"
      ;;
  esac
done < SHA256SUMS

# 3. Every image the project runs is there.
set -- @IMAGES@
for image in "$@"; do
  "$engine" image inspect "$image" >/dev/null 2>&1 || die "$image is not in $engine after loading: the bundle does not hold it"
  printf 'loaded %s\n' "$image"
done
