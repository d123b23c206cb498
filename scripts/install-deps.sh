#!/usr/bin/env bash
# Installs the Debian packages a group of tasks needs, only when something is missing.
#   scripts/install-deps.sh build      PHP 8.2 with headers, clang (the extension build)
#   scripts/install-deps.sh test       build + PHPUnit and the PHP modules the suites use
#   scripts/install-deps.sh wordpress  test + WordPress, MariaDB and gettext
#   scripts/install-deps.sh browser    wordpress + Chromium and Node.js (the browser tests)
#   scripts/install-deps.sh dist       build + binutils and zip (release artefacts)
#   scripts/install-deps.sh bench      build + nginx, php-fpm and ab (the php-fpm soak)
#   scripts/install-deps.sh all        all of these, and debootstrap (the Debian roots of the other stacks)
set -euo pipefail

group=${1:-test}
build=(php8.2-cli php8.2-dev php8.2-curl php8.2-mbstring php8.2-xml clang libclang-dev pkg-config)
test=("${build[@]}" phpunit curl)
wordpress=("${test[@]}" wordpress mariadb-server php8.2-mysql gettext)
dist=("${build[@]}" binutils zip unzip)
browser=("${wordpress[@]}" chromium fonts-dejavu-core)
bench=("${build[@]}" php8.2-fpm nginx-light apache2-utils curl iproute2 procps faketime)
case "$group" in
  build) wanted=("${build[@]}") ;;
  test) wanted=("${test[@]}") ;;
  wordpress) wanted=("${wordpress[@]}") ;;
  dist) wanted=("${dist[@]}") ;;
  browser) wanted=("${browser[@]}") ;;
  bench) wanted=("${bench[@]}") ;;
  all) wanted=("${browser[@]}" binutils zip unzip debootstrap) ;;
  *) echo "usage: $0 build|test|wordpress|browser|dist|bench|all" >&2; exit 2 ;;
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

if [ "$group" = browser ] || [ "$group" = all ]; then
  # Node.js 20 or newer runs the browser tests' driver (puppeteer-core, npm ci).
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    { echo "node and npm are missing: install Node.js 20 or newer" >&2; exit 1; }
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install a Rust toolchain (1.85 or newer), e.g. with rustup" >&2
  exit 1
fi
