#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust tests (core and simulator),
# the stub drift check, the PHP-level suites against the built extension, and
# the WordPress suite; then the same PHP suites on the second stack, Debian 13
# (PHP 8.4, WordPress 6.8, MariaDB 11.8, PHPUnit 11) in a root made by
# scripts/debian13.sh and cached under .build/. Installs missing Debian packages first.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()

stage() {
  local name=$1
  shift
  local started=$SECONDS
  echo
  echo "==> $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "<== $name: passed ($((SECONDS - started)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "<== $name: FAILED ($((SECONDS - started)) s)"
    return 1
  fi
}

scripts/install-deps.sh all || exit 1
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

# Debian 13: the root is made once (debootstrap, packages) and reused; the
# extension is built on this host against the root's PHP 8.4 headers.
php84_extension=$PWD/target/php8.4/release/libwu_runcloud.so
debian13() {
  WU_EXTENSION=$php84_extension scripts/debian13.sh run "$@"
}
build84() {
  scripts/debian13.sh build >/dev/null
}
if stage "debian 13 root" scripts/debian13.sh root &&
  stage "php 8.4 build" build84; then
  stage "php extension suite (php 8.4)" debian13 tests/php/run.sh
  stage "wordpress suite (wordpress 6.8, php 8.4)" debian13 tests/wordpress/run.sh
  # Release artefacts: a library per PHP (8.2, 8.4), each within glibc 2.35 and
  # passing the PHP extension suite in its PHP; the plugin zip; the installer.
  stage "make dist" make --no-print-directory dist
  stage "dist artefacts" tests/dist/run.sh
  stage "install script" tests/install/run.sh
else
  failed=$((failed + 1))
  failures+=("php 8.4 suites and dist: not run")
fi

echo
if [ "$failed" -gt 0 ]; then
  echo "failed stages: ${failures[*]}"
fi
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
