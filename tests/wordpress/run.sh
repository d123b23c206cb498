#!/usr/bin/env bash
# The WordPress suite: PHPUnit inside a real WordPress multisite (Debian's
# wordpress package, a private MariaDB server started and stopped here) with
# the plugin network-activated, the built extension loaded and the RunCloud
# simulator standing in for RunCloud. It runs once per Ultimate Multisite
# architecture (stand-ins): a = host providers (up to 2.4.x), b = integration
# registry (2.5+), none = Ultimate Multisite absent. Tests that need other
# constants or no extension start their own PHP processes.
#   tests/wordpress/run.sh [a|b|none ...] [-- phpunit options]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/wordpress/lib.sh

architectures=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  architectures+=("$1")
  shift
done
[ "${1:-}" = "--" ] && shift
[ ${#architectures[@]} -gt 0 ] || architectures=(a b none)

[ -f "$WP_EXTENSION" ] && [ -x "$WP_SIMULATOR" ] || cargo build --release --quiet -p wu_runcloud -p runcloud-sim

echo "--- plugin: php -l, translations in step with the sources"
find wp-plugin tests/wordpress -name '*.php' -print0 | xargs -0 -n1 php -l >/dev/null
tests/wordpress/i18n.sh --check

mkdir -p tests/.run
wp_prepare "$(mktemp -d "$PWD/tests/.run/wordpress.XXXXXX")"
trap wp_cleanup EXIT
trap 'exit 130' INT TERM

wp_start_mariadb
wp_start_simulator --app 2:20 --app 3:30
wp_copy_wordpress

# PHPUnit 9 takes a comma-separated list of groups (a repeated option replaces
# it); PHPUnit 10 and later take the option once per group.
if [ "$(phpunit --version | grep -oE '[0-9]+' | head -1)" -ge 10 ]; then
  exclude_none_registry=(--exclude-group none --exclude-group registry)
else
  exclude_none_registry=(--exclude-group none,registry)
fi

status=0
for um in "${architectures[@]}"; do
  case "$um" in
    a) label="Ultimate Multisite up to 2.4.x (host providers)"; groups=("${exclude_none_registry[@]}") ;;
    b) label="Ultimate Multisite 2.5+ (integration registry, Action Scheduler)"; groups=(--exclude-group none) ;;
    none) label="without Ultimate Multisite"; groups=(--group none) ;;
    *) echo "unknown architecture: $um" >&2; exit 2 ;;
  esac
  echo "--- WordPress suite, $label"
  wp_install_network "wp_$um" >/dev/null
  WU_TEST_UM=$um WU_TEST_DB_NAME="wp_$um" \
    phpunit --configuration tests/wordpress/phpunit.xml --do-not-cache-result "${groups[@]}" "$@" || status=1
done
if [ -s "$WP_RUN_DIR/debug.log" ] && grep -E "PHP (Fatal|Parse|Warning|Notice|Deprecated)" "$WP_RUN_DIR/debug.log" | grep -q "plugins/wu-runcloud"; then
  echo "the plugin caused PHP errors:" >&2
  grep -E "PHP (Fatal|Parse|Warning|Notice|Deprecated)" "$WP_RUN_DIR/debug.log" | grep "plugins/wu-runcloud" | sort | uniq -c >&2
  status=1
fi
exit $status
