#!/usr/bin/env bash
# PHP-level suite: PHPUnit against the built extension and the simulator, once
# with API v3 credentials (token) and once with API v2 credentials (key + secret).
# WU_EXTENSION names another build of the library (e.g. one for another PHP).
set -euo pipefail
cd "$(dirname "$0")/../.."

extension=${WU_EXTENSION:-$PWD/target/release/libwu_runcloud.so}
simulator="$PWD/target/release/runcloud-sim"
[ -f "$extension" ] && [ -x "$simulator" ] || cargo build --release --quiet -p wu_runcloud -p runcloud-sim
[ -f "$extension" ] || { echo "no extension library at $extension" >&2; exit 1; }

# PHPUnit starts some tests in child processes; an ini directory in the
# environment loads the extension there too.
ini_dir=$(mktemp -d)
trap 'rm -rf "$ini_dir"' EXIT
echo "extension=$extension" >"$ini_dir/wu_runcloud.ini"
export PHP_INI_SCAN_DIR=":$ini_dir"
export RUNCLOUD_SIM_BIN="$simulator"

status=0
for auth in v3 v2; do
  echo "--- PHP extension suite with API $auth credentials (PHP $(php -r 'echo PHP_VERSION;'))"
  WU_TEST_AUTH=$auth phpunit --configuration tests/php/phpunit.xml --do-not-cache-result || status=1
done
exit $status
