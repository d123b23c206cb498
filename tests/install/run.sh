#!/usr/bin/env bash
# Tests scripts/install-extension.sh against a RunCloud-like server in a temporary root:
# /RunCloud/Packages/php82rc (this machine's real PHP 8.2), php84rc (the Debian 13 root's
# real PHP 8.4) and php85rc (the sid root's real PHP 8.5), each with its own extension
# directory and /etc/php8Xrc/conf.d, plus a Debian-style PHP 8.2 (/usr/bin/php-config8.2,
# /etc/php/8.2/{mods-available,cli,fpm}). Uses the artefacts in dist/ (make dist first).
# Checked: the right library lands in each PHP and loads there, a second run changes
# nothing, --reload reloads each FPM service, --uninstall undoes everything, a damaged
# or wrong library is refused with the PHP left as it was, and without a matching
# library it builds one with phpize when it can and, when it cannot, says which PHP it
# left alone and why.
#   tests/install/run.sh [--no-build]   --no-build skips the build-from-source case
# The fake root is removed after a passing run unless WU_KEEP is set.
set -euo pipefail
cd "$(dirname "$0")/../.."
project=$PWD

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
dist=$project/dist
lib82=$dist/wu_runcloud-$version-php8.2-nts-x86_64-linux-gnu.so
lib84=$dist/wu_runcloud-$version-php8.4-nts-x86_64-linux-gnu.so
lib85=$dist/wu_runcloud-$version-php8.5-nts-x86_64-linux-gnu.so
r13=$project/.build/debian13/root
rsid=$project/.build/sid/root
[ -f "$lib82" ] && [ -f "$lib84" ] && [ -f "$lib85" ] || { echo "no libraries in dist/ (make dist)" >&2; exit 1; }
[ -x "$r13/usr/bin/php8.4" ] || { echo "no Debian 13 root (scripts/debian-root.sh debian13 root)" >&2; exit 1; }
[ -x "$rsid/usr/bin/php8.5" ] || { echo "no sid root (scripts/debian-root.sh sid root)" >&2; exit 1; }
command -v php8.2 >/dev/null || { echo "no PHP 8.2 (scripts/install-deps.sh build)" >&2; exit 1; }

# A fixed place, so the build-from-source case reuses its cargo target directory.
base=$project/.build/install-test
root=$base/root
rm -rf "$base"
mkdir -p "$base"
out=$base/out
status=0
passes=0
fail() {
  echo "FAIL: $*" >&2
  status=1
}
pass() {
  passes=$((passes + 1))
  echo "ok: $*"
}

# A RunCloud-style PHP: bin/php runs a real PHP with this layout's php.ini
# (extension_dir) and conf.d, as RunCloud's builds have them compiled in; bin/phpize is
# that PHP's phpize.
runcloud_php() {
  local n=$1 api=$2 php_command=$3 config_command=$4 phpize=$5
  local prefix=$root/RunCloud/Packages/php${n}rc
  local extdir=$prefix/lib/php/extensions/no-debug-non-zts-$api
  mkdir -p "$prefix/bin" "$prefix/etc" "$extdir" "$root/etc/php${n}rc/conf.d"
  echo "extension_dir=$extdir" >"$prefix/etc/php.ini"
  cat >"$prefix/bin/php" <<EOF
#!/bin/sh
PHP_INI_SCAN_DIR=$root/etc/php${n}rc/conf.d exec $php_command -c $prefix/etc/php.ini "\$@"
EOF
  cat >"$prefix/bin/php-config" <<EOF
#!/bin/sh
case "\$1" in
  --extension-dir) echo $extdir ;;
  --php-binary) echo $prefix/bin/php ;;
  --prefix) echo $prefix ;;
  *) $config_command ;;
esac
EOF
  cp "$phpize" "$prefix/bin/phpize"
  chmod +x "$prefix/bin/php" "$prefix/bin/php-config" "$prefix/bin/phpize"
}

runcloud_php 82 20220829 /usr/bin/php8.2 '/usr/bin/php-config8.2 "$@"' /usr/bin/phpize8.2
# The roots' php-config pass the rest through with the root's include paths; their phpize
# reads the root's build files (scripts/debian-root.sh STACK php-config writes both).
root_php() {
  local n=$1 api=$2 stack=$3 minor=$4 r=$5 bin
  bin=$(dirname "$(scripts/debian-root.sh "$stack" php-config)")
  runcloud_php "$n" "$api" \
    "$r/lib64/ld-linux-x86-64.so.2 --library-path $r/lib/x86_64-linux-gnu:$r/usr/lib/x86_64-linux-gnu $r/usr/bin/php$minor" \
    "$r/usr/bin/php-config$minor \"\$@\" | sed \"s#-I/#-I$r/#g\"" "$bin/phpize"
}
root_php 84 20240924 debian13 8.4 "$r13"
root_php 85 20250925 sid 8.5 "$rsid"

# A Debian-style PHP 8.2 with an FPM.
deb=$root/etc/php/8.2
debext=$root/usr/lib/php/20220829
mkdir -p "$root/usr/bin" "$root/usr/sbin" "$deb/mods-available" "$deb/cli/conf.d" "$deb/fpm/conf.d" "$debext"
echo "extension_dir=$debext" >"$deb/cli/php.ini"
cat >"$root/usr/bin/php8.2" <<EOF
#!/bin/sh
PHP_INI_SCAN_DIR=$deb/cli/conf.d exec /usr/bin/php8.2 -c $deb/cli/php.ini "\$@"
EOF
cat >"$root/usr/bin/php-config8.2" <<EOF
#!/bin/sh
case "\$1" in
  --extension-dir) echo $debext ;;
  --php-binary) echo $root/usr/bin/php8.2 ;;
  *) /usr/bin/php-config8.2 "\$@" ;;
esac
EOF
printf '#!/bin/sh\nexit 0\n' >"$root/usr/sbin/php-fpm8.2"
chmod +x "$root/usr/bin/php8.2" "$root/usr/bin/php-config8.2" "$root/usr/sbin/php-fpm8.2"

php82=$root/RunCloud/Packages/php82rc/bin/php
php84=$root/RunCloud/Packages/php84rc/bin/php
php85=$root/RunCloud/Packages/php85rc/bin/php
ext82=$root/RunCloud/Packages/php82rc/lib/php/extensions/no-debug-non-zts-20220829/wu_runcloud.so
ext84=$root/RunCloud/Packages/php84rc/lib/php/extensions/no-debug-non-zts-20240924/wu_runcloud.so
ext85=$root/RunCloud/Packages/php85rc/lib/php/extensions/no-debug-non-zts-20250925/wu_runcloud.so
ini82=$root/etc/php82rc/conf.d/wu_runcloud.ini
ini84=$root/etc/php84rc/conf.d/wu_runcloud.ini
ini85=$root/etc/php85rc/conf.d/wu_runcloud.ini
phpdeb=$root/usr/bin/php8.2

"$php82" -r 'exit(PHP_MINOR_VERSION === 2 ? 0 : 1);' && "$php84" -r 'exit(PHP_MINOR_VERSION === 4 ? 0 : 1);' &&
  "$php85" -r 'exit(PHP_MINOR_VERSION === 5 ? 0 : 1);' ||
  { echo "the fake layout's PHPs do not run" >&2; exit 1; }

# Records what would be reloaded.
recorder=$base/systemctl
printf '#!/bin/sh\necho "$*" >>%s\n' "$base/systemctl.log" >"$recorder"
chmod +x "$recorder"

installer() {
  WU_INSTALL_SYSTEMCTL=$recorder "$@" >"$out" 2>&1
}

loaded_version() {
  "$1" -r 'echo phpversion("wu_runcloud");' 2>/dev/null || true
}

snapshot() {
  find "$root" -path "$root/RunCloud/Packages/*/bin" -prune -o \( -type f -o -type l \) -printf '%p %s %T@ %l\n' | sort
}

echo "--- install into a RunCloud layout (PHP 8.2, 8.4, 8.5) and a Debian-style PHP 8.2"
if installer scripts/install-extension.sh --root "$root" --from "$dist"; then
  pass "the installer succeeds"
else
  cat "$out"
  fail "the installer failed"
fi
cmp -s "$lib82" "$ext82" && pass "php82rc holds the 8.2 library" || fail "php82rc does not hold the 8.2 library"
cmp -s "$lib84" "$ext84" && pass "php84rc holds the 8.4 library" || fail "php84rc does not hold the 8.4 library"
cmp -s "$lib85" "$ext85" && pass "php85rc holds the 8.5 library" || fail "php85rc does not hold the 8.5 library"
cmp -s "$lib82" "$debext/wu_runcloud.so" && pass "the Debian PHP 8.2 holds the 8.2 library" || fail "the Debian PHP 8.2 does not hold the 8.2 library"
grep -qx 'extension=wu_runcloud.so' "$ini82" && grep -qx 'extension=wu_runcloud.so' "$ini84" && grep -qx 'extension=wu_runcloud.so' "$ini85" &&
  pass "ini files in /etc/php8{2,4,5}rc/conf.d" || fail "ini files missing in the RunCloud conf.d directories"
[ -f "$deb/mods-available/wu_runcloud.ini" ] && [ "$(readlink "$deb/cli/conf.d/20-wu_runcloud.ini")" = "$deb/mods-available/wu_runcloud.ini" ] &&
  [ "$(readlink "$deb/fpm/conf.d/20-wu_runcloud.ini")" = "$deb/mods-available/wu_runcloud.ini" ] &&
  pass "Debian: mods-available/wu_runcloud.ini linked into cli and fpm" || fail "Debian: the ini file is not in mods-available and linked into each SAPI"
for php in "$php82" "$php84" "$php85" "$phpdeb"; do
  v=$(loaded_version "$php")
  [ "$v" = "$version" ] && pass "$(basename "$(dirname "$(dirname "$php")")")/${php##*/}: phpversion('wu_runcloud') is $v" ||
    fail "$php does not load wu_runcloud $version (got '$v')"
done
for php in "$php84" "$php85"; do
  minor=$("$php" -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')
  "$php" -r 'echo wu_runcloud_normalize_domain("Shop.Example.COM.");' | grep -qx 'shop.example.com' &&
    pass "PHP $minor calls into its library" || fail "PHP $minor cannot call wu_runcloud_normalize_domain"
done
grep -q "loaded: php -m lists wu_runcloud, php --ri wu_runcloud reports version $version" "$out" &&
  [ "$(grep -c '^  loaded: ' "$out")" -eq 4 ] && pass "each PHP verified with php -m and php --ri" || { cat "$out"; fail "not every PHP was verified"; }
! grep -q "not served:" "$out" && pass "no PHP reported as not served" || { cat "$out"; fail "a PHP was reported as not served"; }
for service in php82rc-fpm php84rc-fpm php85rc-fpm php8.2-fpm; do
  grep -q "reload $service to apply: systemctl reload $service" "$out" && pass "names $service to reload" || fail "does not name $service"
done
[ ! -s "$base/systemctl.log" ] && pass "reloads nothing without --reload" || fail "reloaded without --reload"

echo "--- a second run changes nothing"
before=$(snapshot)
installer scripts/install-extension.sh --root "$root" --from "$dist" --reload || { cat "$out"; fail "the second run failed"; }
[ "$before" = "$(snapshot)" ] && pass "no file touched" || fail "the second run changed files"
grep -q "already this library" "$out" && ! grep -q "reload" <(grep -v "needs no reload" "$out") && [ ! -s "$base/systemctl.log" ] &&
  pass "says so and reloads nothing" || { cat "$out"; fail "the second run did not report 'already' or reloaded"; }

echo "--- --uninstall, then --reload"
installer scripts/install-extension.sh --root "$root" --uninstall || { cat "$out"; fail "--uninstall failed"; }
[ ! -e "$ext82" ] && [ ! -e "$ext84" ] && [ ! -e "$ext85" ] && [ ! -e "$ini82" ] && [ ! -e "$ini84" ] && [ ! -e "$ini85" ] && [ ! -e "$debext/wu_runcloud.so" ] &&
  [ ! -e "$deb/mods-available/wu_runcloud.ini" ] && [ ! -L "$deb/cli/conf.d/20-wu_runcloud.ini" ] && [ ! -L "$deb/fpm/conf.d/20-wu_runcloud.ini" ] &&
  pass "libraries and ini files removed" || fail "--uninstall left files behind"
[ -z "$(loaded_version "$php82")$(loaded_version "$php84")$(loaded_version "$php85")$(loaded_version "$phpdeb")" ] && pass "no PHP loads it any more" || fail "a PHP still loads it"
installer scripts/install-extension.sh --root "$root" --uninstall && grep -q "not installed: nothing to remove" "$out" &&
  pass "a second --uninstall has nothing to do" || { cat "$out"; fail "a second --uninstall did not succeed quietly"; }
installer scripts/install-extension.sh --root "$root" --from "$dist" --reload || { cat "$out"; fail "install with --reload failed"; }
[ "$(LC_ALL=C sort "$base/systemctl.log" | paste -sd, -)" = "reload php8.2-fpm,reload php82rc-fpm,reload php84rc-fpm,reload php85rc-fpm" ] &&
  pass "--reload reloads php82rc-fpm, php84rc-fpm, php85rc-fpm and php8.2-fpm once each" || fail "--reload ran: $(paste -sd, - <"$base/systemctl.log")"

echo "--- a damaged library is refused"
installer scripts/install-extension.sh --root "$root" --uninstall
bad=$base/bad
mkdir -p "$bad"
cp "$dist"/*.so "$dist/SHA256SUMS" "$bad/"
printf 'x' >>"$bad/$(basename "$lib84")"
if installer scripts/install-extension.sh --root "$root" --from "$bad" --php-config "$root/RunCloud/Packages/php84rc/bin/php-config"; then
  fail "a library not matching SHA256SUMS was installed"
else
  grep -q "does not match its SHA256SUMS entry" "$out" && [ ! -e "$ext84" ] && [ ! -e "$ini84" ] &&
    pass "checksum mismatch: refused, nothing written" || { cat "$out"; fail "checksum mismatch not reported, or files written"; }
fi

echo "--- a library that does not load leaves the PHP as it was"
wrong=$base/wrong
mkdir -p "$wrong"
cp "$lib82" "$wrong/$(basename "$lib84")" # the 8.2 build under the 8.4 name, no SHA256SUMS
mkdir -p "$(dirname "$ext84")"
printf 'previous' >"$ext84"
if installer scripts/install-extension.sh --root "$root" --from "$wrong" --php-config "$root/RunCloud/Packages/php84rc/bin/php-config"; then
  fail "a library PHP 8.4 cannot load was reported installed"
else
  grep -q "putting back what was there before" "$out" && [ "$(cat "$ext84")" = previous ] && [ ! -e "$ini84" ] &&
    [ -z "$(loaded_version "$php84")" ] && pass "load failure detected, previous library and ini state restored" ||
    { cat "$out"; fail "the failed load was not rolled back"; }
fi
rm -f "$ext84"

echo "--- no matching library and no toolchain"
only82=$base/only82
mkdir -p "$only82"
cp "$lib82" "$only82/"
cp scripts/install-extension.sh "$only82/" # a release copy: no source tree beside it
if PATH=/usr/bin:/bin installer "$only82/install-extension.sh" --root "$root" --php-config "$root/RunCloud/Packages/php84rc/bin/php-config"; then
  fail "succeeded without a library for PHP 8.4"
else
  grep -q "no prebuilt library for PHP 8.4 nts x86_64 in $only82 (there: 8.2 nts x86_64)" "$out" &&
    grep -q "neither a prebuilt library nor a build: PHP 8.4 is left unchanged (no source tree next to this script to build from)" "$out" &&
    grep -A1 -x "not served:" "$out" | grep -q "PHP 8.4 ($root/RunCloud/Packages/php84rc/bin/php-config): neither a prebuilt library nor a build" &&
    [ ! -e "$ext84" ] && [ ! -e "$ini84" ] &&
    pass "says which libraries exist, which PHP it left alone and why; nothing written" || { cat "$out"; fail "unclear failure without a library"; }
fi

echo "--- no matching library, the source tree, no Rust toolchain: the phpize build says what to install"
nocargo=$base/no-cargo-home
mkdir -p "$nocargo"
if HOME=$nocargo PATH=/usr/bin:/bin installer scripts/install-extension.sh --root "$root" --from "$only82" --php-config "$root/RunCloud/Packages/php85rc/bin/php-config"; then
  fail "succeeded without a library for PHP 8.5 and without cargo"
else
  grep -A1 -x "not served:" "$out" | grep -q "PHP 8.5 (.*): neither a prebuilt library nor a build: .*the phpize build failed: cargo was not found. .*install a Rust toolchain" &&
    [ ! -e "$ext85" ] && [ ! -e "$ini85" ] &&
    pass "PHP 8.5 not served: configure's reason (install a Rust toolchain) is reported; nothing written" || { cat "$out"; fail "the missing toolchain was not reported"; }
fi

if [ "${1:-}" != "--no-build" ]; then
  echo "--- no matching library, a toolchain and the source tree: builds it with phpize"
  # The installer builds into target/php8.4-nts; seeded from the Debian 13 build's
  # directory, only the crates that read PHP's headers are compiled again.
  if [ ! -d target/php8.4-nts ] && [ -d target/php8.4 ]; then
    cp -a target/php8.4 target/php8.4-nts
  fi
  if installer scripts/install-extension.sh --root "$root" --from "$only82" --php-config "$root/RunCloud/Packages/php84rc/bin/php-config"; then
    grep -q "building from .* for PHP 8.4 nts with phpize, configure and make" "$out" &&
      grep -q "library: built " "$out" && [ "$(loaded_version "$php84")" = "$version" ] &&
      pass "built with phpize for PHP 8.4 and loaded" || { cat "$out"; fail "the build was not reported or does not load"; }
  else
    cat "$out"
    fail "building from source for PHP 8.4 failed"
  fi
fi

echo "install script: $passes checks passed"
[ "$status" -eq 0 ] && [ -z "${WU_KEEP:-}" ] && rm -rf "$base"
exit $status
