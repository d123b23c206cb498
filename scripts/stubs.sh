#!/usr/bin/env bash
# Generates php-stubs/wu_runcloud.stubs.php from the built extension with cargo-php.
#   scripts/stubs.sh          regenerate the committed stubs
#   scripts/stubs.sh --check  fail when the committed stubs differ from the extension
set -euo pipefail
cd "$(dirname "$0")/.."

cargo_php_version=0.2.2
tools=.build/tools
if [ "$("$tools/bin/cargo-php" --version 2>/dev/null | awk '{print $2}')" != "$cargo_php_version" ]; then
  echo "installing cargo-php $cargo_php_version (stub generator) into $tools"
  cargo install --quiet --locked --root "$tools" --version "$cargo_php_version" cargo-php
fi

# ext-php-rs exports the module description that cargo-php reads only from
# builds with debug assertions, so the stubs come from a debug build.
cargo build --quiet -p wu_runcloud
library=target/debug/libwu_runcloud.so
committed=php-stubs/wu_runcloud.stubs.php
generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
"$tools/bin/cargo-php" php stubs --stdout "$library" >"$generated"

if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$committed" "$generated"; then
    echo "stubs drift: $committed does not match the extension; run scripts/stubs.sh" >&2
    exit 1
  fi
  php -l "$committed" >/dev/null
  echo "stubs in sync"
else
  cp "$generated" "$committed"
  php -l "$committed" >/dev/null
  echo "wrote $committed"
fi
