#!/usr/bin/env bash
# Installs the Debian packages a group of tasks needs, only when something is missing.
#   scripts/install-deps.sh build      PHP 8.2 with headers, clang (the extension build)
#   scripts/install-deps.sh test       build + PHPUnit and the PHP modules the suites use
#   scripts/install-deps.sh wordpress  test + WordPress, MariaDB and gettext
#   scripts/install-deps.sh bench      build + nginx, php-fpm and ab (the php-fpm soak)
set -euo pipefail

group=${1:-test}
build=(php8.2-cli php8.2-dev php8.2-curl php8.2-mbstring php8.2-xml clang libclang-dev pkg-config)
test=("${build[@]}" phpunit curl)
wordpress=("${test[@]}" wordpress mariadb-server php8.2-mysql gettext)
bench=("${build[@]}" php8.2-fpm nginx-light apache2-utils curl iproute2 procps)
case "$group" in
  build) wanted=("${build[@]}") ;;
  test) wanted=("${test[@]}") ;;
  wordpress | all) wanted=("${wordpress[@]}") ;;
  bench) wanted=("${bench[@]}") ;;
  *) echo "usage: $0 build|test|wordpress|bench" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install a Rust toolchain (1.85 or newer), e.g. with rustup" >&2
  exit 1
fi
