#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust tests (core and simulator), the stub
# drift check, the PHP-level suites against the built extension and the WordPress suite
# on this host (PHP 8.2, WordPress 6.1); then the same PHP suites on two more stacks, each
# in a Debian root made once by scripts/debian-root.sh and cached under .build/:
#   debian13  Debian 13: PHP 8.4, WordPress 6.8, MariaDB 11.8, PHPUnit 11
#   sid       Debian sid: PHP 8.5 (experimental), WordPress 7.1, MariaDB and PHPUnit from sid
# then the release artefacts (make dist) and their checks, the installer, and PHP's own
# build (phpize) with each of the three PHPs. Installs missing Debian packages first.
#
# Two cores go a long way only in parallel: the roots are made (first run only) while the
# Rust stages run, and the two stacks' suites run side by side. A stage run in the
# background prints its output when it ends, so logs do not interleave.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

count() {
  local name=$1 status=$2 seconds=$3
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "<== $name: passed ($seconds s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "<== $name: FAILED ($seconds s)"
  fi
  return "$status"
}

stage() {
  local name=$1
  shift
  local started=$SECONDS status=0
  echo
  echo "==> $name"
  "$@" || status=$?
  count "$name" "$status" $((SECONDS - started))
}

# quietly ID NAME CMD...: runs CMD with its output in a file and records how it went, for
# `report ID` to print later. Used in background jobs.
quietly() {
  local id=$1 name=$2
  shift 2
  local started=$SECONDS status=0
  "$@" >"$logs/$id.log" 2>&1 || status=$?
  printf '%s\n%s\n%s\n' "$name" "$status" $((SECONDS - started)) >"$logs/$id.result"
  return "$status"
}

report() {
  local id=$1 name status seconds
  [ -f "$logs/$id.result" ] || return 1
  { read -r name && read -r status && read -r seconds; } <"$logs/$id.result"
  echo
  echo "==> $name"
  cat "$logs/$id.log"
  count "$name" "$status" "$seconds"
}

scripts/install-deps.sh all || exit 1

# The roots (first run only: debootstrap and packages, mostly waiting on the mirror) are
# made while the host's stages run.
(quietly root-debian13 "debian 13 root" scripts/debian-root.sh debian13 root) &
root_debian13=$!
(quietly root-sid "sid root (php 8.5)" scripts/debian-root.sh sid root) &
root_sid=$!

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

# Each stack's extension is built on this host against the root's PHP headers (the glibc
# floor of the release libraries), then its suites run inside the root.
wait "$root_debian13" "$root_sid"
stacks=()
build() {
  scripts/debian-root.sh "$1" build >/dev/null
}
report root-debian13 && stage "php 8.4 build" build debian13 && stacks+=(debian13)
report root-sid && stage "php 8.5 build" build sid && stacks+=(sid)

in_stack() {
  local stack=$1 minor=$2
  shift 2
  WU_EXTENSION=$PWD/target/php$minor/release/libwu_runcloud.so scripts/debian-root.sh "$stack" run "$@"
}
pids=()
for stack in "${stacks[@]}"; do
  case "$stack" in
    debian13) minor=8.4 wp=6.8 ;;
    sid) minor=8.5 wp=7.1 ;;
  esac
  (
    quietly "$stack-php" "php extension suite (php $minor)" in_stack "$stack" "$minor" tests/php/run.sh
    quietly "$stack-wp" "wordpress suite (wordpress $wp, php $minor)" in_stack "$stack" "$minor" tests/wordpress/run.sh
  ) &
  pids+=($!)
done
[ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
for stack in "${stacks[@]}"; do
  report "$stack-php"
  report "$stack-wp"
done

if [ ${#stacks[@]} -eq 2 ]; then
  # Release artefacts: a library and a PIE archive per PHP (8.2, 8.4, 8.5), each within
  # glibc 2.35 and passing the PHP extension suite in its PHP; the plugin zip; the installer.
  stage "make dist" make --no-print-directory dist
  stage "dist artefacts" tests/dist/run.sh
  stage "install script" tests/install/run.sh
  stage "phpize builds (php 8.2, 8.4, 8.5)" tests/phpize/run.sh 8.2 debian13 sid
else
  failed=$((failed + 1))
  failures+=("stack suites, dist, installer and phpize: not all run (a root or a build failed)")
fi

echo
if [ "$failed" -gt 0 ]; then
  echo "failed stages: ${failures[*]}"
fi
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
