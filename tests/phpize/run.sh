#!/usr/bin/env bash
# PHP's standard build of the extension (config.m4, Makefile.frag), as PIE's source
# fallback and an operator run it: for each PHP here, a copy of the source tree gets
#   phpize && ./configure --with-php-config=... && make && make install INSTALL_ROOT=...
# and the installed wu_runcloud.so must land in `php-config --extension-dir` (under the
# INSTALL_ROOT) and load in that PHP, and make install must not run cargo again. Without
# cargo, configure must fail saying what to install.
#   tests/phpize/run.sh [8.2|debian13|sid ...]   default: the host's PHP 8.2 and every
#                                               stack whose root exists (scripts/debian-root.sh)
# A stack's PHP lives in its root: phpize, php and php-config are the root's, run from this
# host through scripts/debian-root.sh's wrappers (as the release build does, so the library
# needs only this host's glibc); the installed library is then loaded by the root's own PHP.
set -euo pipefail
cd "$(dirname "$0")/../.."
project=$PWD

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(8.2)
  for stack in debian13 sid; do
    [ -f ".build/$stack/root/.wu-packages" ] && targets+=("$stack")
  done
fi

base=$project/.build/phpize
mkdir -p "$base"
status=0
fail() {
  echo "FAIL: $*" >&2
  status=1
}

# The source tree as a checkout has it (tracked and new files, not what .gitignore leaves
# out), at a fixed place per PHP so cargo's fingerprints stay put between runs.
copy_source() {
  local dir=$1
  rm -rf "$dir"
  mkdir -p "$dir"
  git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c '[ ! -f "$1" ] || printf "%s\0" "$1"' sh {} |
    tar --null -T - -cf - | tar -xf - -C "$dir"
}

# phpize_build NAME PHPIZE PHP_CONFIG TARGET_DIR: prints the installed library's path.
phpize_build() {
  local name=$1 phpize=$2 config=$3 target=$4 src=$base/$1/src install=$base/$1/install log=$base/$1/build.log
  copy_source "$src"
  rm -rf "$install"
  (
    cd "$src"
    "$phpize" &&
      ./configure --with-php-config="$config" &&
      CARGO_TARGET_DIR=$target make -j"$(nproc)"
  ) >"$log" 2>&1 || { tail -30 "$log" >&2; echo "the phpize build failed (log: $log)" >&2; return 1; }
  # make install is often run as root, where cargo may not be found: it must only copy.
  (cd "$src" && make install INSTALL_ROOT="$install") >"$log.install" 2>&1 ||
    { cat "$log.install" >&2; echo "make install failed" >&2; return 1; }
  if grep -q 'cargo" build' "$log.install"; then
    echo "make install ran cargo again (log: $log.install)" >&2
    return 1
  fi
  local library=$install$("$config" --extension-dir)/wu_runcloud.so
  [ -f "$library" ] || { echo "make install put no wu_runcloud.so in $install$("$config" --extension-dir)" >&2; return 1; }
  echo "$library"
}

# A cargo target directory of its own per PHP, started from the ordinary release build
# so that only the crates reading PHP's headers are compiled.
seeded_target() {
  local target=$project/target/$1
  if [ ! -d "$target" ] && [ -d "$project/target/release/deps" ]; then
    mkdir -p "$target"
    cp -a "$project/target/release" "$target/release"
  fi
  echo "$target"
}

check_loads() {
  local label=$1 out
  shift
  out=$("$@" 2>&1) || true
  if [ "$out" = "bool(true)" ]; then
    echo "ok: $label: the installed library loads, wu_runcloud_add_domain exists"
  else
    fail "$label: the installed library does not load: $out"
  fi
}

probe='var_dump(function_exists("wu_runcloud_add_domain"));'
for target in "${targets[@]}"; do
  started=$SECONDS
  case "$target" in
    8.2)
      echo "--- phpize build for the host's PHP 8.2"
      command -v phpize8.2 >/dev/null || { fail "no phpize8.2 (scripts/install-deps.sh build)"; continue; }
      if library=$(phpize_build php8.2 phpize8.2 /usr/bin/php-config8.2 "$(seeded_target php8.2-nts)"); then
        check_loads "PHP 8.2" php8.2 -n -d extension="$library" -r "$probe"
      else
        fail "PHP 8.2: phpize build"
      fi

      echo "--- configure without a Rust toolchain"
      src=$base/no-cargo
      copy_source "$src"
      # A PATH with the PHP tools and the compiler but no cargo, and a HOME without ~/.cargo.
      nocargo=$base/no-cargo-bin
      rm -rf "$nocargo" && mkdir -p "$nocargo"
      out=$(cd "$src" && phpize8.2 >/dev/null 2>&1 &&
        env -u CARGO -u RUSTUP_HOME -u CARGO_HOME HOME="$nocargo" PATH=/usr/bin:/bin \
          ./configure --with-php-config=/usr/bin/php-config8.2 2>&1) && ok=yes || ok=no
      if [ "$ok" = no ] && grep -q "cargo was not found.*install a Rust toolchain, version [0-9.]* or newer" <<<"$out"; then
        echo "ok: configure stops and says to install a Rust toolchain: $(grep -o 'install a Rust toolchain, version [0-9.]* or newer[^;]*' <<<"$out" | head -1)"
      else
        tail -5 <<<"$out" >&2
        fail "configure without cargo did not fail with a message saying what to install"
      fi
      ;;
    debian13 | sid)
      echo "--- phpize build for the PHP of the $target root"
      [ -f ".build/$target/root/.wu-packages" ] || { fail "no $target root (scripts/debian-root.sh $target root)"; continue; }
      config=$(scripts/debian-root.sh "$target" php-config)
      minor=$("$(dirname "$config")/php" -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')
      if library=$(phpize_build "$target" "$(dirname "$config")/phpize" "$config" "$(seeded_target "php$minor")"); then
        check_loads "PHP $minor ($target root)" scripts/debian-root.sh "$target" run php -n -d extension="$library" -r "$probe"
      else
        fail "PHP $minor ($target root): phpize build"
      fi
      ;;
    *)
      echo "unknown PHP: $target (8.2, debian13 or sid)" >&2
      exit 2
      ;;
  esac
  echo "    ($((SECONDS - started)) s)"
done
[ "$status" -eq 0 ] && echo "phpize builds: OK"
exit $status
