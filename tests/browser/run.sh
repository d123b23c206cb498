#!/usr/bin/env bash
# Browser tests: Debian's Chromium, headless, driven by puppeteer-core, against
# the WordPress suite's multisite (Ultimate Multisite 2.5+ stand-ins, the
# RunCloud simulator) served by PHP's built-in server on loopback. Prints the
# folder holding a screenshot of each state.
#   tests/browser/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/wordpress/lib.sh

command -v chromium >/dev/null || { echo "chromium is missing: scripts/install-deps.sh browser" >&2; exit 1; }
[ -f "$WP_EXTENSION" ] && [ -x "$WP_SIMULATOR" ] || cargo build --release --quiet -p wu_runcloud -p runcloud-sim
[ -d tests/browser/node_modules/puppeteer-core ] || (cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts --silent)

mkdir -p tests/.run
wp_prepare "$(mktemp -d "$PWD/tests/.run/browser.XXXXXX")"
server_pid=""
shots="$PWD/tests/.run/screenshots"
rm -rf "$shots"
mkdir -p "$shots"
stop_all() {
  [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  wp_cleanup
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wp_start_mariadb
wp_start_simulator --app 2:20
wp_copy_wordpress
wp_install_network wp_browser >/dev/null
export WU_TEST_DB_NAME=wp_browser WU_TEST_UM=b
export WU_BROWSER_PASSWORD="browser-$RANDOM-$RANDOM"
php tests/browser/seed.php

# A free loopback port for the web server.
port=$(php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];')
php -S "127.0.0.1:$port" -t "$WU_TEST_WP_DIR" tests/browser/router.php >"$WP_RUN_DIR/php-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  curl -s -o /dev/null -H 'Host: network.test' "http://127.0.0.1:$port/wp-login.php" && break
  sleep 0.1
done

echo "--- browser tests (Chromium $(chromium --version 2>/dev/null | awk '{print $2}'), multisite on 127.0.0.1:$port)"
WU_BROWSER_BASE=http://network.test WU_BROWSER_SERVER="127.0.0.1:$port" WU_BROWSER_SHOTS="$shots" CHROMIUM=/usr/bin/chromium \
  node tests/browser/operator-view.mjs
