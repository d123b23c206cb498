#!/usr/bin/env bash
# Prints the highest glibc symbol version each ELF file requires and fails when
# one needs more than the oldest glibc the release supports: 2.35, Ubuntu 22.04,
# the oldest system RunCloud installs on.
#   scripts/glibc-check.sh [--max 2.35] FILE...
set -euo pipefail

max=2.35
if [ "${1:-}" = "--max" ]; then
  max=${2:?--max needs a version}
  shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [--max VERSION] FILE..." >&2; exit 2; }
command -v objdump >/dev/null || { echo "objdump is missing (Debian package binutils)" >&2; exit 2; }

# sort -V orders 2.9 before 2.34.
newer() {
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -1)" = "$1" ]
}

status=0
for file in "$@"; do
  [ -f "$file" ] || { echo "$file: no such file" >&2; status=1; continue; }
  symbols=$(objdump -T "$file" 2>/dev/null) || { echo "$file: not an ELF file objdump can read" >&2; status=1; continue; }
  # Only undefined symbols (*UND*) are requirements; a library defining versioned
  # symbols of its own would otherwise count.
  highest=$(awk '$0 ~ /\*UND\*/' <<<"$symbols" | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/^GLIBC_//' | sort -Vu | tail -1)
  if [ -z "$highest" ]; then
    echo "$file: needs no versioned glibc symbol"
    continue
  fi
  if newer "$highest" "$max"; then
    echo "$file: needs GLIBC_$highest, newer than GLIBC_$max:" >&2
    awk -v v="GLIBC_$highest" '$0 ~ /\*UND\*/ && index($0, "(" v ")") { print "  " $NF }' <<<"$symbols" | sort -u >&2
    status=1
  else
    echo "$file: needs GLIBC_$highest (at most GLIBC_$max)"
  fi
done
exit $status
