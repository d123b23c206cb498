# Shared by tests/wordpress/run.sh and scripts/demo-wordpress.sh (source it):
# a private MariaDB server, the RunCloud simulator, and a private copy of
# Debian's WordPress installed as a subdomain multisite with the plugin
# network-activated and Ultimate Multisite's test stand-ins as a must-use plugin.
#
#   wp_prepare DIR           everything lives under DIR (removed by wp_cleanup)
#   wp_start_mariadb         private datadir and socket, no TCP port
#   wp_start_simulator ARGS  runcloud-sim on a free loopback port; sets SIM_URL
#   wp_copy_wordpress        DIR/wordpress with its own wp-config.php
#   wp_install_network DB    a fresh database DB holding the multisite, plugin network-activated
#   wp_cleanup               stops both servers, removes DIR
#   wp_standalone_network NAME DB ARGS
#                            all of the above for a script of its own (demo,
#                            benchmarks): a run folder tests/.run/NAME.*, removed
#                            on exit; the simulator started with ARGS
# Every PHP process started afterwards loads the extension through
# PHP_INI_SCAN_DIR and finds WordPress through the WU_TEST_* variables.

WP_LIB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# WU_EXTENSION names another build of the library (e.g. one for another PHP).
WP_EXTENSION=${WU_EXTENSION:-$WP_LIB_ROOT/target/release/libwu_runcloud.so}
WP_SIMULATOR="$WP_LIB_ROOT/target/release/runcloud-sim"
WP_RUN_DIR=""
WP_DB_PID=""
WP_SIM_PID=""
SIM_URL=""

wp_prepare() {
  WP_RUN_DIR=$1
  mkdir -p "$WP_RUN_DIR/php"
  WP_RUN_DIR=$(cd "$WP_RUN_DIR" && pwd)
  # Short timeouts and no in-call retries: the suite drives the plugin's own
  # retry queue, and a hanging request must fail in seconds, not minutes.
  cat >"$WP_RUN_DIR/php/wu_runcloud.ini" <<INI
extension=$WP_EXTENSION
wu_runcloud.timeout=2
wu_runcloud.connect_timeout=2
wu_runcloud.max_retries=0
INI
  export PHP_INI_SCAN_DIR=":$WP_RUN_DIR/php"
  export WU_TEST_WP_DIR="$WP_RUN_DIR/wordpress"
  export WU_TEST_RUN_DIR="$WP_RUN_DIR"
  export WU_TEST_PLUGIN_SOURCE="$WP_LIB_ROOT/wp-plugin"
  export WU_TEST_SIM_BIN="$WP_SIMULATOR"
}

wp_start_mariadb() {
  local data="$WP_RUN_DIR/mysql"
  # The OS user running this gets a socket-authenticated account (root when run as root).
  mariadb-install-db --no-defaults --datadir="$data" --user="$(id -un)" --auth-root-authentication-method=socket \
    --skip-test-db >"$WP_RUN_DIR/mysql-install.log" 2>&1 || { cat "$WP_RUN_DIR/mysql-install.log" >&2; return 1; }
  mariadbd --no-defaults --datadir="$data" --socket="$WP_RUN_DIR/mysql.sock" --pid-file="$WP_RUN_DIR/mysql.pid" \
    --skip-networking --user="$(id -un)" --log-error="$WP_RUN_DIR/mysql.err" --skip-log-bin \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=16M >>"$WP_RUN_DIR/mysql.err" 2>&1 &
  WP_DB_PID=$!
  local tries=0
  until mariadb-admin --socket="$WP_RUN_DIR/mysql.sock" -u"$(id -un)" ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$WP_DB_PID" 2>/dev/null; then
      echo "MariaDB did not start" >&2
      cat "$WP_RUN_DIR/mysql.err" >&2
      return 1
    fi
    sleep 0.2
  done
  wp_sql "CREATE USER 'wordpress'@'localhost' IDENTIFIED BY 'wordpress'; GRANT ALL ON *.* TO 'wordpress'@'localhost';"
  export WU_TEST_DB_SOCKET="$WP_RUN_DIR/mysql.sock"
}

wp_sql() {
  mariadb --socket="$WP_RUN_DIR/mysql.sock" -u"$(id -un)" -e "$1"
}

wp_stop_mariadb() {
  [ -n "$WP_DB_PID" ] || return 0
  kill "$WP_DB_PID" 2>/dev/null || true
  wait "$WP_DB_PID" 2>/dev/null || true
  WP_DB_PID=""
}

wp_start_simulator() {
  local ready="$WP_RUN_DIR/sim.ready" line
  rm -f "$ready"
  mkfifo "$ready"
  "$WP_SIMULATOR" --listen 127.0.0.1:0 --rate-limit 0 --primary-domain network.test "$@" \
    >"$ready" 2>"$WP_RUN_DIR/sim.log" &
  WP_SIM_PID=$!
  if ! read -r -t 10 line <"$ready"; then
    echo "the RunCloud simulator did not start" >&2
    cat "$WP_RUN_DIR/sim.log" >&2
    return 1
  fi
  SIM_URL=${line#listening on }
  export WU_TEST_SIM_URL="$SIM_URL"
  export WU_RUNCLOUD_API_URL="$SIM_URL" WU_RUNCLOUD_API_TOKEN=test-token WU_RUNCLOUD_SERVER_ID=1 WU_RUNCLOUD_APP_ID=1
}

wp_stop_simulator() {
  [ -n "$WP_SIM_PID" ] || return 0
  kill -TERM "$WP_SIM_PID" 2>/dev/null || true
  wait "$WP_SIM_PID" 2>/dev/null || true
  WP_SIM_PID=""
}

wp_copy_wordpress() {
  local dir="$WP_RUN_DIR/wordpress"
  cp -rL /usr/share/wordpress "$dir"
  cp "$WP_LIB_ROOT/tests/wordpress/support/wp-config.php" "$dir/wp-config.php"
  mkdir -p "$dir/wp-content/mu-plugins" "$dir/wp-content/plugins"
  cp "$WP_LIB_ROOT/tests/wordpress/support/guard.php" "$dir/wp-content/mu-plugins/wu-test-guard.php"
  printf '<?php\n// Test stand-ins of Ultimate Multisite (tests only).\nrequire %s;\n' \
    "'$WP_LIB_ROOT/tests/wordpress/stand-ins/loader.php'" >"$dir/wp-content/mu-plugins/wu-test-stand-ins.php"
  rm -rf "$dir/wp-content/plugins/wu-runcloud"
  cp -r "$WP_LIB_ROOT/wp-plugin" "$dir/wp-content/plugins/wu-runcloud"
}

wp_install_network() {
  local database=$1
  wp_sql "DROP DATABASE IF EXISTS \`$database\`; CREATE DATABASE \`$database\`;"
  WU_TEST_DB_NAME=$database WU_TEST_UM=none WU_TEST_INSTALLING=1 \
    php "$WP_LIB_ROOT/tests/wordpress/support/install.php"
  WU_TEST_DB_NAME=$database WU_TEST_UM=none php "$WP_LIB_ROOT/tests/wordpress/support/activate.php"
}

wp_cleanup() {
  wp_stop_simulator
  wp_stop_mariadb
  [ -n "$WP_RUN_DIR" ] && rm -rf "$WP_RUN_DIR"
  WP_RUN_DIR=""
}

wp_standalone_network() {
  local purpose=$1 database=$2
  shift 2
  mkdir -p "$WP_LIB_ROOT/tests/.run"
  wp_prepare "$(mktemp -d "$WP_LIB_ROOT/tests/.run/$purpose.XXXXXX")"
  trap wp_cleanup EXIT
  trap 'exit 130' INT TERM
  wp_start_mariadb
  wp_start_simulator "$@"
  wp_copy_wordpress
  wp_install_network "$database"
}
