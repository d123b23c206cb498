#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust tests (core and simulator),
# the stub drift check, the PHP-level suites against the built extension, and
# the WordPress suite. Installs missing Debian packages first.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()

stage() {
  local name=$1
  shift
  echo
  echo "==> $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

scripts/install-deps.sh browser || exit 1
cargo build --release --workspace --quiet || exit 1

stage "rustfmt" cargo fmt --all -- --check
stage "clippy" cargo clippy --release --workspace --all-targets --quiet -- -D warnings
stage "rust tests" cargo test --release --workspace
stage "php lint" tests/php/lint.sh
stage "stubs in sync" scripts/stubs.sh --check
stage "php extension suite" tests/php/run.sh
stage "load test" tests/load/run.sh
stage "wordpress suite" tests/wordpress/run.sh
stage "browser tests" tests/browser/run.sh

echo
if [ "$failed" -gt 0 ]; then
  echo "failed stages: ${failures[*]}"
fi
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
