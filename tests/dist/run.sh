#!/usr/bin/env bash
# Checks the release artefacts scripts/dist.sh wrote to dist/ (run it first):
# a library for PHP 8.2 and for PHP 8.4, each needing no glibc newer than 2.35 and
# each passing the PHP extension suite in its own PHP (8.2 here, 8.4 in the Debian 13
# root); the plugin zip installs as wu-runcloud/; SHA256SUMS covers every file.
# The glibc check itself must refuse a binary that needs more (the root's PHP 8.4).
set -euo pipefail
cd "$(dirname "$0")/../.."

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
dist=$PWD/dist
status=0
fail() {
  echo "FAIL: $*" >&2
  status=1
}

lib82=$dist/wu_runcloud-$version-php8.2-nts-x86_64-linux-gnu.so
lib84=$dist/wu_runcloud-$version-php8.4-nts-x86_64-linux-gnu.so
zip=$dist/wu-runcloud-$version.zip
for file in "$lib82" "$lib84" "$zip" "$dist/install-extension.sh" "$dist/SHA256SUMS"; do
  [ -f "$file" ] || { echo "FAIL: missing $file (run make dist)" >&2; exit 1; }
done

echo "--- SHA256SUMS"
(cd "$dist" && sha256sum --quiet -c SHA256SUMS) || fail "a checksum does not match"
listed=$(awk '{print $2}' "$dist/SHA256SUMS" | sed 's/^\*//' | sort | paste -sd' ' -)
present=$(cd "$dist" && ls | grep -vx SHA256SUMS | sort | paste -sd' ' -)
[ "$listed" = "$present" ] || fail "SHA256SUMS lists '$listed', dist/ holds '$present'"

echo "--- glibc"
scripts/glibc-check.sh "$lib82" "$lib84" || fail "a library needs a glibc newer than 2.35"
newer=.build/debian13/root/usr/bin/php8.4
if [ -f "$newer" ]; then
  if scripts/glibc-check.sh "$newer" >/dev/null 2>&1; then
    fail "the glibc check passed $newer, built for Debian 13's glibc"
  else
    echo "the check refuses $newer (built against Debian 13's glibc), as it must"
  fi
fi

echo "--- plugin zip"
entries=$(unzip -Z1 "$zip")
outside=$(grep -v '^wu-runcloud/' <<<"$entries" || true)
[ -z "$outside" ] || fail "entries outside wu-runcloud/: $outside"
for entry in wu-runcloud/wu-runcloud.php wu-runcloud/readme.txt wu-runcloud/uninstall.php; do
  grep -qx "$entry" <<<"$entries" || fail "$entry is not in the zip"
done
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
unzip -q "$zip" -d "$unpacked"
diff -r wp-plugin "$unpacked/wu-runcloud" >/dev/null || fail "the zip's wu-runcloud/ differs from wp-plugin/"
grep -q "^ \* Version: *$version\$" "$unpacked/wu-runcloud/wu-runcloud.php" || fail "the zipped plugin is not version $version"

echo "--- PHP extension suite with the 8.2 library (PHP $(php -r 'echo PHP_VERSION;'))"
WU_EXTENSION=$lib82 tests/php/run.sh >"$unpacked/php82.log" 2>&1 || { cat "$unpacked/php82.log"; fail "the 8.2 library fails the PHP extension suite"; }
grep -E '^(OK|Tests:)' "$unpacked/php82.log" || true
echo "--- PHP extension suite with the 8.4 library (Debian 13)"
WU_EXTENSION=$lib84 scripts/debian13.sh run tests/php/run.sh >"$unpacked/php84.log" 2>&1 ||
  { cat "$unpacked/php84.log"; fail "the 8.4 library fails the PHP extension suite"; }
grep -E '^(OK|Tests:|---)' "$unpacked/php84.log" || true

[ "$status" -eq 0 ] && echo "dist artefacts: OK"
exit $status
