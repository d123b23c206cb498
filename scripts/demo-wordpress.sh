#!/usr/bin/env bash
# The WordPress demo (scripts/demo.sh wordpress): installs what it needs,
# builds the extension and the RunCloud simulator, sets up a real WordPress
# subdomain multisite (Debian's wordpress package, a private MariaDB server)
# with the plugin network-activated and Ultimate Multisite 2.5+'s test
# stand-ins, then creates a site and maps domains through the stand-in
# Domain_Manager, runs the queue, and prints what the simulated RunCloud app
# holds. Everything is stopped and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh wordpress
cargo build --release --quiet -p wu_runcloud -p runcloud-sim

source tests/wordpress/lib.sh
echo "Starting MariaDB (private datadir), the RunCloud simulator and WordPress ..."
wp_standalone_network demo wp_demo
echo "RunCloud simulator at $SIM_URL (server 1, web app 1, API v3 token)"

WU_TEST_UM=b WU_TEST_DB_NAME=wp_demo php tests/wordpress/bin/demo.php

echo
echo "Stopping MariaDB and the simulator, removing the WordPress copy."
