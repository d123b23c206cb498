#!/usr/bin/env bash
# The php-fpm soak: Debian's nginx and php-fpm 8.2 (4 static workers), started
# and stopped here, serve a page that lists an app of 401 domains (11 pages),
# once with the extension and once with a PHP curl loop (the extension not
# loaded). ab sends REQUESTS requests from 8 concurrent clients. Measured:
# requests/s, the workers' CPU per request (utime + stime from /proc), each
# worker's RSS before and after (and its anonymous part), the idle connections each worker keeps to the
# simulator afterwards. Writes one JSON document per way into OUT_DIR.
#   bench/fpm-soak.sh EXTENSION SIMULATOR OUT_DIR [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."

extension=$1
simulator=$2
out=$3
requests=${4:-100000}
workers=4
clients=8
warmup=2000

fpm=$(command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$fpm" ] && [ -x "$nginx" ] && command -v ab >/dev/null || {
  echo "the soak needs php8.2-fpm, nginx and apache2-utils (scripts/install-deps.sh bench)" >&2
  exit 1
}

dir=$(mktemp -d)
pids=()
stop_all() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap 'stop_all; rm -rf "$dir"' EXIT

free_port() {
  php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); $n = stream_socket_get_name($s, false); echo substr($n, strrpos($n, ":") + 1);'
}

"$simulator" --listen 127.0.0.1:0 --rate-limit 0 --extra-domains 400 >"$dir/sim.out" 2>"$dir/sim.log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q '^listening on ' "$dir/sim.out" && break
  sleep 0.1
done
sim_url=$(sed -n 's/^listening on //p' "$dir/sim.out")
sim_port=${sim_url##*:}

# The workers' pids: the children of the php-fpm master.
worker_pids() { pgrep -P "$1" | sort -n; }

# utime + stime of the given pids, in clock ticks.
cpu_ticks() {
  local total=0 pid fields
  for pid in "$@"; do
    read -r -a fields <"/proc/$pid/stat"
    # Fields 14 and 15 (utime, stime); the command name has no spaces here.
    total=$((total + fields[13] + fields[14]))
  done
  echo "$total"
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Memory the worker alone holds (heap, stacks): shared library pages excluded.
anon_kib() { awk '/^RssAnon:/ { print $2 }' "/proc/$1/status"; }
# Of that, the extension library's own pages written when it was loaded
# (relocated data): anonymous memory inside its mappings; 0 without it.
library_anon_kib() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { in_library = ($6 ~ /libwu_runcloud/) }
       in_library && /^Anonymous:/ { total += $2 }
       END { print total + 0 }' "/proc/$1/smaps"
}

# Established connections from the workers to the simulator.
idle_connections() {
  local pid count=0 n
  for pid in "$@"; do
    n=$(ss -Htnp state established "dport = :$sim_port" 2>/dev/null | grep -c "pid=$pid," || true)
    count=$((count + n))
  done
  echo "$count"
}

for impl in curl ours; do
  run="$dir/$impl"
  mkdir -p "$run/tmp"
  port=$(free_port)
  load_extension=""
  [ "$impl" = ours ] && load_extension="php_admin_value[extension] = $extension"
  cat >"$run/fpm.conf" <<CONF
[global]
error_log = $run/fpm.log
daemonize = no

[bench]
listen = $run/fpm.sock
listen.mode = 0666
pm = static
pm.max_children = $workers
pm.max_requests = 0
clear_env = yes
env[WU_BENCH_SIM_URL] = $sim_url
php_admin_value[error_log] = $run/php.log
php_admin_value[opcache.enable] = 1
$load_extension
CONF
  cat >"$run/nginx.conf" <<CONF
worker_processes 1;
user root;
pid $run/nginx.pid;
error_log $run/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $run/tmp/body;
  fastcgi_temp_path $run/tmp/fastcgi;
  proxy_temp_path $run/tmp/proxy;
  uwsgi_temp_path $run/tmp/uwsgi;
  scgi_temp_path $run/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    location = /app.php {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $PWD/bench/fpm/app.php;
      fastcgi_pass unix:$run/fpm.sock;
    }
  }
}
CONF
  "$fpm" -R -F -y "$run/fpm.conf" >"$run/fpm.out" 2>&1 &
  fpm_pid=$!
  pids+=($fpm_pid)
  "$nginx" -c "$run/nginx.conf" -p "$run" -g 'daemon off;' 2>"$run/nginx.out" &
  pids+=($!)
  target="http://127.0.0.1:$port/app.php?impl=$impl"
  for _ in $(seq 100); do
    [ "$(curl -s "$target" || true)" = 401 ] && break
    sleep 0.1
  done
  [ "$(curl -s "$target" || true)" = 401 ] || {
    echo "the $impl page does not answer 401:" >&2
    curl -s "$target" >&2 || true
    cat "$run"/*.log "$run"/*.out >&2 || true
    exit 1
  }
  ab -q -n "$warmup" -c "$clients" "$target" >/dev/null
  mapfile -t workers_now < <(worker_pids "$fpm_pid")
  rss_before=$(for pid in "${workers_now[@]}"; do rss_kib "$pid"; done | paste -sd,)
  ticks_before=$(cpu_ticks "${workers_now[@]}")
  ab -n "$requests" -c "$clients" "$target" >"$run/ab.txt"
  ticks_after=$(cpu_ticks "${workers_now[@]}")
  rss_after=$(for pid in "${workers_now[@]}"; do rss_kib "$pid"; done | paste -sd,)
  anon_after=$(for pid in "${workers_now[@]}"; do anon_kib "$pid"; done | paste -sd,)
  library_anon=$(for pid in "${workers_now[@]}"; do library_anon_kib "$pid"; done | paste -sd,)
  connections=$(idle_connections "${workers_now[@]}")
  sleep 2
  connections_later=$(idle_connections "${workers_now[@]}")
  rps=$(awk '/^Requests per second:/ { print $4 }' "$run/ab.txt")
  failed=$(awk '/^Failed requests:/ { print $3 }' "$run/ab.txt")
  non2xx=$(awk '/^Non-2xx responses:/ { print $3 }' "$run/ab.txt")
  seconds=$(awk '/^Time taken for tests:/ { print $5 }' "$run/ab.txt")
  cat >"$out/soak-$impl.json" <<JSON
{"impl": "$impl", "requests": $requests, "workers": $workers, "clients": $clients,
 "seconds": $seconds, "requests_per_second": $rps, "failed": ${failed:-0}, "non_2xx": ${non2xx:-0},
 "cpu_ticks": $((ticks_after - ticks_before)), "ticks_per_second": $(getconf CLK_TCK),
 "rss_before_kib": [$rss_before], "rss_after_kib": [$rss_after], "anon_after_kib": [$anon_after],
 "library_anon_kib": [$library_anon],
 "idle_connections": $connections, "idle_connections_after_2s": $connections_later}
JSON
  echo "soak $impl: $rps requests/s, $((ticks_after - ticks_before)) ticks, RSS $rss_after KiB"
  # Stop this way's nginx and php-fpm (the two pids added last).
  for pid in "${pids[@]: -2}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=("${pids[@]:0:${#pids[@]}-2}")
done
