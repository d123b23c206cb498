#!/usr/bin/env bash
# Builds the extension and runs scripts/demo.php through every function.
# Against the bundled RunCloud simulator by default; against real RunCloud when
# WU_RUNCLOUD_SERVER_ID, WU_RUNCLOUD_APP_ID and WU_RUNCLOUD_API_TOKEN (or
# WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET) are set in the environment.
#   scripts/demo.sh            the extension demo
#   scripts/demo.sh wordpress  a real WordPress multisite with the plugin mapping a domain
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "wordpress" ]; then
  exec scripts/demo-wordpress.sh
fi

scripts/install-deps.sh build
cargo build --release --quiet -p wu_runcloud -p runcloud-sim
extension="$PWD/target/release/libwu_runcloud.so"

if [ -n "${WU_RUNCLOUD_SERVER_ID:-}" ] && [ -n "${WU_RUNCLOUD_APP_ID:-}" ] &&
  { [ -n "${WU_RUNCLOUD_API_TOKEN:-}" ] || { [ -n "${WU_RUNCLOUD_API_KEY:-}" ] && [ -n "${WU_RUNCLOUD_API_SECRET:-}" ]; }; }; then
  echo "Running against RunCloud (server ${WU_RUNCLOUD_SERVER_ID}, web app ${WU_RUNCLOUD_APP_ID})"
  exec php -d "extension=$extension" scripts/demo.php
fi

run_dir=$(mktemp -d)
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$run_dir"
}
trap cleanup EXIT

# A web app with 90 domains (3 pages of 40) and a basic certificate, which holds at most
# 100 names (Let's Encrypt): the demo adds a few.
mkfifo "$run_dir/ready"
target/release/runcloud-sim --listen 127.0.0.1:0 --token demo-token --api-key demo-key \
  --api-secret demo-secret --server-id 101 --app-id 202 --primary-domain network.test \
  --extra-domains 89 --rate-limit 0 >"$run_dir/ready" 2>"$run_dir/sim.log" &
sim_pid=$!
read -r -t 10 line <"$run_dir/ready" || { echo "the simulator did not start" >&2; cat "$run_dir/sim.log" >&2; exit 1; }
url=${line#listening on }
echo "RunCloud simulator at $url (server 101, web app 202, API v3 token)"
echo

WU_RUNCLOUD_API_URL="$url" WU_RUNCLOUD_API_TOKEN=demo-token WU_RUNCLOUD_SERVER_ID=101 \
  WU_RUNCLOUD_APP_ID=202 WU_RUNCLOUD_DEMO_SIMULATED=1 \
  php -d "extension=$extension" scripts/demo.php
