#!/usr/bin/env bash
# Measures the extension against the baseline (bench/baseline/) in one run on
# this machine and writes BENCHMARKS.md. Builds the release extension and the
# RunCloud simulator first, installing the Debian packages the build needs.
#   bench/run.sh    (or: make bench)
# Repetitions can be changed for a quick look: BENCH_REPEATS (per operation,
# default 9), BENCH_CPU_REPEATS (CPU per call, 300), BENCH_LISTING_REPEATS
# (10,000 domains, 3), BENCH_STARTUP_RUNS (300),
# BENCH_SOAK_REQUESTS (php-fpm soak, 100000 per way; 0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date -u +%s)
repeats=${BENCH_REPEATS:-9}
cpu_repeats=${BENCH_CPU_REPEATS:-300}
listing_repeats=${BENCH_LISTING_REPEATS:-3}
startup_runs=${BENCH_STARTUP_RUNS:-300}
soak_requests=${BENCH_SOAK_REQUESTS:-100000}
# Requests a minute for the 10,000-domain listing: a full listing (250 pages)
# fits in one window, so the extension's rate-limit pacing is active but the
# limit does not decide the result (see the notes in BENCHMARKS.md).
listing_rate=1000

scripts/install-deps.sh bench
echo "building the release extension and the simulator"
cargo build --release --quiet -p wu_runcloud -p runcloud-sim
extension="$PWD/target/release/libwu_runcloud.so"
simulator="$PWD/target/release/runcloud-sim"

results=$(mktemp -d)
sim_pid=""
stop_simulator() {
  if [ -n "$sim_pid" ]; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    sim_pid=""
  fi
}
cleanup() {
  stop_simulator
  rm -rf "$results"
}
trap cleanup EXIT

# Starts the simulator on a free loopback port and sets sim_url from the one
# line it prints when ready.
start_simulator() {
  stop_simulator
  : >"$results/sim.out"
  "$simulator" --listen 127.0.0.1:0 "$@" >"$results/sim.out" 2>"$results/sim.log" &
  sim_pid=$!
  for _ in $(seq 100); do
    if line=$(grep -m1 '^listening on ' "$results/sim.out"); then
      sim_url=${line#listening on }
      return
    fi
    sleep 0.1
  done
  echo "the simulator did not start:" >&2
  cat "$results/sim.log" >&2
  exit 1
}

php_with_extension=(php -d "extension=$extension")

echo "1/4 API calls and wall time per operation (${repeats} runs each, 20 ms latency)"
start_simulator --rate-limit 0 --extra-domains 59
"${php_with_extension[@]}" bench/operations.php "$sim_url" "$repeats" "$cpu_repeats" >"$results/operations.json"

echo "2/4 listing and reconciling 10,000 domains (${listing_repeats} runs each)"
start_simulator --rate-limit 0 --extra-domains 9999
mkdir "$results/listing"
for run in $(seq "$listing_repeats"); do
  for mode in sequential-list ours-list sequential-sync ours-sync; do
    "${php_with_extension[@]}" bench/listing.php "$sim_url" "$mode" "$listing_rate" \
      >"$results/listing/$mode-$listing_rate-$run.json"
  done
  # Without any limit too, to show the limit chosen above is not what decides.
  for mode in sequential-list ours-list; do
    "${php_with_extension[@]}" bench/listing.php "$sim_url" "$mode" 0 >"$results/listing/$mode-0-$run.json"
  done
done
# Once at RunCloud's reported limit, where the limit, not the client, decides.
for mode in sequential-list ours-list; do
  "${php_with_extension[@]}" bench/listing.php "$sim_url" "$mode" 60 >"$results/listing/$mode-60-1.json"
done
stop_simulator

echo "3/4 start-up cost of loading the extension (${startup_runs} runs each)"
php -n bench/startup.php "$extension" "$startup_runs" >"$results/startup.json"

mkdir "$results/soak"
if [ "$soak_requests" -gt 0 ]; then
  echo "4/4 php-fpm soak: ${soak_requests} requests each, ours and the curl loop"
  bench/fpm-soak.sh "$extension" "$simulator" "$results/soak" "$soak_requests"
fi

BENCH_STARTED="$started" BENCH_LISTING_RATE="$listing_rate" \
  php bench/report.php "$results" >BENCHMARKS.md.new
mv BENCHMARKS.md.new BENCHMARKS.md
echo "wrote BENCHMARKS.md in $(($(date -u +%s) - started)) s"
