#!/usr/bin/env bash
# The Domains tab with 10,000 names (BENCHMARKS.md, "Domains tab"): a real
# WordPress subdomain multisite (Debian's wordpress package, a private MariaDB
# server) with the plugin network-activated, rendering page 3 a few times.
#   bench/domains-view.sh    (BENCH_DOMAINS_VIEW_RUNS=5 by default)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh wordpress
cargo build --release --quiet -p wu_runcloud -p runcloud-sim

source tests/wordpress/lib.sh
wp_standalone_network bench wp_bench >/dev/null

WU_TEST_UM=b WU_TEST_DB_NAME=wp_bench php bench/domains-view.php
