#!/usr/bin/env bash
# The 10,000-domain table of BENCHMARKS.md (make bench-large): a real WordPress
# subdomain multisite (Debian's wordpress package, a private MariaDB server)
# with the plugin network-activated and Ultimate Multisite 2.5+'s test
# stand-ins, against the simulator seeded with 10,000 domains and limited to 60
# requests a minute. The daily reconcile alone takes over four minutes by
# nature (250 pages at 60 a minute), so `make bench` does not run this; it
# keeps the table this run writes between its markers in BENCHMARKS.md.
#   bench/large.sh    (or: make bench-large)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh wordpress
echo "building the release extension and the simulator"
cargo build --release --quiet -p wu_runcloud -p runcloud-sim

source tests/wordpress/lib.sh
wp_standalone_network bench wp_bench --extra-domains "${BENCH_LARGE_EXTRA_DOMAINS:-9999}" >/dev/null

echo "10,000-domain app at 60 requests a minute (about 5 minutes)"
WU_TEST_UM=b WU_TEST_DB_NAME=wp_bench php bench/large-network.php >"$WP_RUN_DIR/large.json"
php bench/large-report.php "$WP_RUN_DIR/large.json" BENCHMARKS.md
echo "updated the 10,000-domain table in BENCHMARKS.md"
