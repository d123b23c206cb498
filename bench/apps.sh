#!/usr/bin/env bash
# One network, several RunCloud web apps (make bench-apps): the API requests
# each domain event costs with 1, 2, 3 and 5 apps, and a new app receiving
# 1,000 names through its paced walk at 60 requests a minute. The plugin in a
# real WordPress multisite against the simulator serving five apps of one
# account (one rate limit for all). The new app's walk takes over a quarter of
# an hour at that limit, so its PHP process runs on a clock 5 times faster
# than the wall's (libfaketime), as bench/onboarding.sh does, the simulator's
# rate-limit window being a minute of that clock: the run takes a few minutes.
# Writes its section of BENCHMARKS.md between its markers.
#   bench/apps.sh    (or: make bench-apps)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh wordpress
scripts/install-deps.sh bench
echo "building the release extension and the simulator"
cargo build --release --quiet -p wu_runcloud -p runcloud-sim

source tests/wordpress/lib.sh
# The primary app (1:1) and four more; bench/apps-events.php names them in this order.
wp_standalone_network apps wp_apps_events --app 2:20 --app 3:30 --app 4:40 --app 5:50 >/dev/null

echo "requests per event with 1, 2, 3 and 5 apps"
WU_TEST_UM=b WU_TEST_DB_NAME=wp_apps_events php bench/apps-events.php >"$WP_RUN_DIR/apps-events.json"

# A network of its own for the new app, so nothing of the events' rounds is in it.
wp_install_network wp_apps_onboarding >/dev/null
# The extension's waits (a 429's Retry-After) keep the wall's time under
# libfaketime, and so do the simulator's Retry-After answers: its wait budget,
# 20 s by default, is divided by the clock's speed, so a 429 is waited out in
# the call exactly when it would be at full speed; the other limits are the
# extension's defaults, not the WordPress suite's (which retries nothing).
speed=5
echo "a new app receiving 1,000 names at 60 requests a minute, on a clock $speed times faster (a few minutes)"
WU_TEST_UM=b WU_TEST_DB_NAME=wp_apps_onboarding BENCH_CLOCK_SPEED=$speed faketime -f "+0 x$speed" \
  php -d wu_runcloud.max_retries=3 -d wu_runcloud.max_retry_wait=$((20 / speed)) -d wu_runcloud.deadline=45 \
  bench/apps-onboarding.php basic >"$WP_RUN_DIR/apps-onboarding.json"

php bench/apps-report.php "$WP_RUN_DIR/apps-events.json" "$WP_RUN_DIR/apps-onboarding.json" BENCHMARKS.md
echo "updated the several-apps section of BENCHMARKS.md"
