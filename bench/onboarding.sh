#!/usr/bin/env bash
# Certificates at real scale (make bench-onboarding): onboarding 1,000 mapped
# names onto an advanced-SSL web app at 60 requests a minute under Let's
# Encrypt's budgets, and a basic-SSL app growing past 100 names; the plugin in
# a real WordPress multisite against the simulator. Let's Encrypt's budgets make
# onboarding take hours, so the PHP process runs on a clock 60 times faster
# than the wall's (libfaketime), and the simulator's rate-limit window is a
# second of wall time (a minute of that clock): the run takes about ten
# minutes. Writes its section of BENCHMARKS.md between its markers.
#   bench/onboarding.sh    (or: make bench-onboarding)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh wordpress
scripts/install-deps.sh bench
echo "building the release extension and the simulator"
cargo build --release --quiet -p wu_runcloud -p runcloud-sim

source tests/wordpress/lib.sh
wp_standalone_network onboarding wp_onboarding --ssl-mode advanced >/dev/null

echo "onboarding 1,000 names at 60 requests a minute, on a clock 60 times faster (about 10 minutes)"
WU_TEST_UM=b WU_TEST_DB_NAME=wp_onboarding faketime -f "+0 x60" \
  php -d wu_runcloud.max_retry_wait=120 -d wu_runcloud.deadline=600 bench/onboarding.php >"$WP_RUN_DIR/onboarding.json"
php bench/onboarding-report.php "$WP_RUN_DIR/onboarding.json" BENCHMARKS.md
echo "updated the certificates-at-scale section of BENCHMARKS.md"
