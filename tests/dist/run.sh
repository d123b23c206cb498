#!/usr/bin/env bash
# Checks the release artefacts scripts/dist.sh wrote to dist/ (run it first):
# a library for PHP 8.2, 8.4 and 8.5, each needing no glibc newer than 2.35 and each passing
# the PHP extension suite in its own PHP (8.2 here, 8.4 in the Debian 13 root, 8.5 in the sid
# root); beside each, the PIE archive named as PIE looks a pre-packaged binary up, holding
# that library as wu_runcloud.so at its root; composer.json as PIE reads it; the plugin zip
# installs as wu-runcloud/; SHA256SUMS covers every file. The glibc check itself must refuse a
# binary that needs more (the Debian 13 root's PHP 8.4).
set -euo pipefail
cd "$(dirname "$0")/../.."

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
dist=$PWD/dist
status=0
fail() {
  echo "FAIL: $*" >&2
  status=1
}

minors=(8.2 8.4 8.5)
library() { echo "$dist/wu_runcloud-$version-php$1-nts-x86_64-linux-gnu.so"; }
# PIE's name for a pre-packaged binary (PrePackagedBinaryAssetName): lower case,
# php_{extension}-{version}_php{X.Y}-{arch}-{os family}-{libc}[-debug]-{nts|zts}.zip
pie_zip() { echo "$dist/php_wu_runcloud-${version}_php$1-x86_64-linux-glibc-nts.zip"; }
zip=$dist/wu-runcloud-$version.zip
libraries=()
for minor in "${minors[@]}"; do libraries+=("$(library "$minor")" "$(pie_zip "$minor")"); done
for file in "${libraries[@]}" "$zip" "$dist/install-extension.sh" "$dist/SHA256SUMS"; do
  [ -f "$file" ] || { echo "FAIL: missing $file (run make dist)" >&2; exit 1; }
done

echo "--- SHA256SUMS"
(cd "$dist" && sha256sum --quiet -c SHA256SUMS) || fail "a checksum does not match"
listed=$(awk '{print $2}' "$dist/SHA256SUMS" | sed 's/^\*//' | sort | paste -sd' ' -)
present=$(cd "$dist" && ls | grep -vx SHA256SUMS | sort | paste -sd' ' -)
[ "$listed" = "$present" ] || fail "SHA256SUMS lists '$listed', dist/ holds '$present'"

echo "--- glibc"
so_files=()
for minor in "${minors[@]}"; do so_files+=("$(library "$minor")"); done
scripts/glibc-check.sh "${so_files[@]}" || fail "a library needs a glibc newer than 2.35"
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

echo "--- PIE archives"
for minor in "${minors[@]}"; do
  archive=$(pie_zip "$minor")
  name=$(basename "$archive")
  [ "$name" = "$(tr '[:upper:]' '[:lower:]' <<<"$name")" ] || fail "$name: PIE looks names up in lower case"
  entries=$(unzip -Z1 "$archive" | paste -sd' ' -)
  [ "$entries" = wu_runcloud.so ] || fail "$name holds '$entries', not wu_runcloud.so alone at its root"
  unzip -p "$archive" wu_runcloud.so | cmp -s - "$(library "$minor")" || fail "$name: its wu_runcloud.so is not $(basename "$(library "$minor")")"
done
[ "$(ls "$dist" | grep -c '^php_wu_runcloud-.*\.zip$')" -eq ${#minors[@]} ] || fail "dist/ holds other PIE archives: $(ls "$dist" | grep '^php_' | paste -sd' ' -)"
echo "--- composer.json (PIE)"
php -n -r '
  $c = json_decode(file_get_contents("composer.json"), true, 512, JSON_THROW_ON_ERROR);
  $x = $c["php-ext"] ?? [];
  $problems = [];
  if (($c["type"] ?? "") !== "php-ext") $problems[] = "type is not php-ext";
  if (!preg_match("#^[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$#", $c["name"] ?? "")) $problems[] = "name is not vendor/package";
  if (($x["extension-name"] ?? "") !== "wu_runcloud") $problems[] = "extension-name is not wu_runcloud";
  if (($x["support-nts"] ?? true) !== true || ($x["support-zts"] ?? true) !== false) $problems[] = "not NTS only (the archives are NTS builds)";
  if (($x["os-families"] ?? null) !== ["linux"] || isset($x["os-families-exclude"])) $problems[] = "os-families is not [linux] alone";
  $methods = (array) ($x["download-url-method"] ?? "composer-default");
  if (($methods[0] ?? "") !== "pre-packaged-binary") $problems[] = "download-url-method does not try pre-packaged-binary first";
  if (array_diff($methods, ["composer-default", "pre-packaged-source", "pre-packaged-binary"])) $problems[] = "unknown download-url-method";
  if (!in_array("composer-default", $methods, true)) $problems[] = "no source fallback (composer-default) after the binary";
  if (isset($x["priority"]) && ($x["priority"] < 10 || $x["priority"] > 99)) $problems[] = "priority outside 10-99";
  $php = $c["require"]["php"] ?? "";
  foreach (array_slice($argv, 1) as $minor) {
    if (!preg_match("#^>=(\d+\.\d+)\.0 <(\d+\.\d+)\.0$#", $php, $m) || version_compare($minor, $m[1], "<") || version_compare($minor, $m[2], ">=")) {
      $problems[] = "require.php \"$php\" does not admit PHP $minor";
    }
  }
  foreach ($problems as $p) fwrite(STDERR, "composer.json: $p\n");
  exit($problems ? 1 : 0);
' -- "${minors[@]}" 8.1 8.3 || fail "composer.json does not follow PIE's rules"

# The PHP extension suite with each library, in its own PHP.
suite() {
  local minor=$1 log=$unpacked/php$1.log
  shift
  echo "--- PHP extension suite with the $minor library${*:+ ($1 root)}"
  if [ $# -gt 0 ]; then
    WU_EXTENSION=$(library "$minor") scripts/debian-root.sh "$1" run tests/php/run.sh >"$log" 2>&1
  else
    WU_EXTENSION=$(library "$minor") tests/php/run.sh >"$log" 2>&1
  fi || { cat "$log"; fail "the $minor library fails the PHP extension suite"; }
  grep -E '^(OK|Tests:|---)' "$log" || true
}
suite 8.2
suite 8.4 debian13
suite 8.5 sid

[ "$status" -eq 0 ] && echo "dist artefacts: OK"
exit $status
