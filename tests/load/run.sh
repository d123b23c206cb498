#!/usr/bin/env bash
# Load test: 16 concurrent PHP processes add 1,000 domains and remove half of
# them through the extension, against the simulator with a rate limit and
# server errors injected at random moments. The app must end up holding exactly
# the wanted domains, each once.
#   tests/load/run.sh [WORKERS] [DOMAINS]
set -euo pipefail
cd "$(dirname "$0")/../.."

workers=${1:-16}
domains=${2:-1000}
extension="$PWD/target/release/libwu_runcloud.so"
simulator="$PWD/target/release/runcloud-sim"
[ -f "$extension" ] && [ -x "$simulator" ] || cargo build --release --quiet -p wu_runcloud -p runcloud-sim

run_dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$run_dir"
}
trap cleanup EXIT

# 150 requests a second for the whole app, so 16 workers keep running into it.
mkfifo "$run_dir/ready"
"$simulator" --listen 127.0.0.1:0 --token load-token --rate-limit 150 --rate-window 1 \
  >"$run_dir/ready" 2>"$run_dir/sim.log" &
pids+=($!)
read -r -t 10 line <"$run_dir/ready" || { echo "the simulator did not start" >&2; exit 1; }
url=${line#listening on }

# Server errors spread over the traffic: one 500, 502 or 503 after every 30 to
# 70 API requests (the count is polled, so about 1% of them in all). Tied to the
# traffic rather than the clock, so the last worker running does not meet a
# fault at nearly every request.
(
  statuses=(500 502 503)
  next_at=$((RANDOM % 40 + 30))
  while true; do
    seen=$(curl -s "$url/__sim/state" | grep -o '"api_requests":[0-9]*' | cut -d: -f2)
    if [ -n "$seen" ] && [ "$seen" -ge "$next_at" ]; then
      status=${statuses[RANDOM % 3]}
      curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
        -d "{\"kind\":\"status\",\"status\":$status,\"message\":\"injected failure\"}" "$url/__sim/faults" || true
      next_at=$((seen + RANDOM % 40 + 30))
    fi
    sleep 0.02
  done
) &
chaos=$!
pids+=($chaos)

started=$(date +%s)
worker_pids=()
for ((i = 0; i < workers; i++)); do
  WU_RUNCLOUD_API_URL=$url WU_RUNCLOUD_API_TOKEN=load-token WU_RUNCLOUD_SERVER_ID=1 WU_RUNCLOUD_APP_ID=1 \
    php -n -d "extension=$extension" -d wu_runcloud.max_retry_wait=5 tests/load/worker.php "$i" "$workers" "$domains" \
    >"$run_dir/worker-$i.json" 2>"$run_dir/worker-$i.err" &
  worker_pids+=($!)
done
status=0
for pid in "${worker_pids[@]}"; do wait "$pid" || status=1; done
kill "$chaos" 2>/dev/null || true
curl -s -o /dev/null -X DELETE "$url/__sim/faults"
echo "workers finished in $(($(date +%s) - started)) s"
if [ "$status" -ne 0 ]; then
  cat "$run_dir"/worker-*.err >&2
fi

php -n tests/load/verify.php "$url" "$domains" network.test "$run_dir"/worker-*.json || status=1
exit $status
