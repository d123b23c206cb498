#!/usr/bin/env bash
# Installs the wu_runcloud PHP extension into every PHP on this server.
#
#   install-extension.sh [--php-config PATH]... [--from DIR] [--reload] [--uninstall] [--root DIR]
#
# PHPs: RunCloud's builds (/RunCloud/Packages/php*rc/bin/php-config), Debian's and Ubuntu's
# (/usr/bin/php-config8.x), or only those named with --php-config. For each one it
#   1. picks the prebuilt library for that PHP's version and flavour (NTS/ZTS) from DIR
#      (default: the directory holding this script, then its ../dist), checked against
#      SHA256SUMS when DIR has one (releases have PHP 8.2, 8.4 and 8.5); without one, builds it
#      from the source tree this script belongs to with PHP's own tools (that PHP's phpize,
#      configure, make: config.m4), which needs a Rust toolchain and libclang; otherwise says
#      why not;
#   2. copies it to that PHP's extension directory as wu_runcloud.so (replacing the file,
#      never rewriting it in place, so running PHP processes keep their copy);
#   3. writes wu_runcloud.ini into the directory that PHP scans (RunCloud: /etc/php8Xrc/conf.d;
#      Debian/Ubuntu: mods-available, linked into each SAPI's conf.d);
#   4. proves it loaded with that PHP's `php -m` and `php --ri wu_runcloud` (and puts the
#      previous state back when it did not);
#   5. names the PHP-FPM service to reload, and reloads it with --reload.
# Running it again changes nothing; --uninstall removes the library and the ini file. At the
# end it lists each PHP it could not serve, and why.
# --root DIR looks for the PHP builds and their configuration under DIR instead of /.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
configs=()
from=""
reload=no
action=install
root=""
systemctl=${WU_INSTALL_SYSTEMCTL:-systemctl}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --php-config) [ $# -ge 2 ] || { echo "--php-config needs a path" >&2; exit 2; }; configs+=("$2"); shift 2 ;;
    --php-config=*) configs+=("${1#*=}"); shift ;;
    --from) [ $# -ge 2 ] || { echo "--from needs a directory" >&2; exit 2; }; from=$2; shift 2 ;;
    --from=*) from=${1#*=}; shift ;;
    --root) [ $# -ge 2 ] || { echo "--root needs a directory" >&2; exit 2; }; root=${2%/}; shift 2 ;;
    --root=*) root=${1#*=}; root=${root%/}; shift ;;
    --reload) reload=yes; shift ;;
    --uninstall) action=uninstall; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# What the PHP under inspection loads must not depend on this shell's environment.
unset PHP_INI_SCAN_DIR PHPRC

if [ -z "$from" ]; then
  from=$script_dir
  compgen -G "$from/wu_runcloud-*.so" >/dev/null || [ ! -d "$script_dir/../dist" ] || from=$(cd "$script_dir/../dist" && pwd)
fi
[ -d "$from" ] || { echo "no such directory: $from" >&2; exit 2; }

if [ ${#configs[@]} -eq 0 ]; then
  for config in "$root"/RunCloud/Packages/php*rc/bin/php-config "$root"/usr/bin/php-config[0-9]*; do
    [ -x "$config" ] && configs+=("$config")
  done
  if [ ${#configs[@]} -eq 0 ]; then
    echo "no PHP found (neither $root/RunCloud/Packages/php*rc/bin/php-config nor $root/usr/bin/php-config8.x); name one with --php-config PATH" >&2
    exit 1
  fi
fi

say() { echo "  $*"; }

# Scratch space (builds), removed on exit.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# "PHP 8.3 (/path/php-config): why", for each PHP this run could not serve.
unserved=()

# Says why this PHP is not served, and remembers it for the summary at the end.
refuse() {
  say "$*"
  unserved+=("${current:-?}: $*")
}

# The PHP binary belonging to a php-config.
php_of() {
  local config=$1 php
  php=$("$config" --php-binary 2>/dev/null || true)
  if [ -z "$php" ] || [ ! -x "$php" ]; then
    php="$(dirname "$config")/php${config##*/php-config}"
  fi
  [ -x "$php" ] && echo "$php"
}

# The directory this PHP scans for .ini files (the first of PHP_INI_SCAN_DIR's list).
# PHP 8.5 prints the list in double quotes.
scan_dir_of() {
  "$1" --ini 2>/dev/null | sed -n 's/^Scan for additional .ini files in: *//p' | sed 's/^"\(.*\)"$/\1/' |
    tr ':' '\n' | grep -v '^(none)$' | grep -m1 . || true
}

# The prebuilt library for "8.2 nts x86_64", the newest version when several are there.
prebuilt_for() {
  local minor=$1 ts=$2 arch=$3
  find "$from" -maxdepth 1 -name "wu_runcloud-*-php$minor-$ts-$arch-linux-gnu.so" -printf '%f\n' 2>/dev/null |
    sort -V | tail -1
}

checksum_ok() {
  local file=$1 expected actual
  [ -f "$from/SHA256SUMS" ] || return 0
  expected=$(awk -v f="$(basename "$file")" '$2 == f || $2 == "*" f { print $1 }' "$from/SHA256SUMS")
  [ -n "$expected" ] || { say "$(basename "$file") is not listed in $from/SHA256SUMS"; return 1; }
  actual=$(sha256sum "$file" | awk '{print $1}')
  [ "$expected" = "$actual" ] || { say "$(basename "$file") does not match its SHA256SUMS entry: damaged or replaced"; return 1; }
}

# Builds the library for this PHP from the source tree next to this script with PHP's own
# tools (phpize, configure, make: config.m4 runs cargo), in a copy of the tree so the checkout
# stays clean; cargo keeps its work in the tree's target/php<minor>-<nts|zts>/ for the next
# run. Prints the library's path; on failure, writes why to $work/why.
build_for() {
  local php=$1 config=$2 minor=$3 ts=$4 source phpize build log
  source=$(cd "$script_dir/.." && pwd)
  if ! grep -qs '^name = "wu_runcloud"' "$source/Cargo.toml" || [ ! -f "$source/config.m4" ]; then
    echo "no source tree next to this script to build from" >"$work/why"
    return 1
  fi
  phpize="$(dirname "$config")/phpize${config##*/php-config}"
  if [ ! -x "$phpize" ]; then
    echo "no $phpize to build with (Debian/Ubuntu: the php$minor-dev package)" >"$work/why"
    return 1
  fi
  build=$(mktemp -d "$work/build.XXXXXX")
  log=$build.log
  tar -C "$source" --exclude=./target --exclude=./.build --exclude=./dist --exclude=./.git -cf - . | tar -C "$build" -xf -
  say >&2 "building from $source for PHP $minor $ts with phpize, configure and make (a few minutes; log: $log)"
  if ! (cd "$build" && "$phpize" && ./configure --with-php-config="$config" &&
    CARGO_TARGET_DIR="$source/target/php$minor-$ts" make) >"$log" 2>&1; then
    # configure says what is missing (a Rust toolchain, libclang) on its "error:" line.
    local error
    error=$(grep -m1 '^configure: error: ' "$log" | sed 's/^configure: error: //')
    echo "the phpize build failed: ${error:-see $log}" >"$work/why"
    return 1
  fi
  echo "$build/modules/wu_runcloud.so"
}

# The PHP-FPM service of this PHP, when there is one.
fpm_service_of() {
  local config=$1 minor=$2 name
  case "$config" in
    */RunCloud/Packages/php*rc/bin/php-config)
      name=${config%/bin/php-config}
      echo "${name##*/}-fpm"
      ;;
    *)
      if [ -x "$root/usr/sbin/php-fpm$minor" ] || [ -f "$root/lib/systemd/system/php$minor-fpm.service" ] ||
        [ -f "$root/usr/lib/systemd/system/php$minor-fpm.service" ]; then
        echo "php$minor-fpm"
      fi
      ;;
  esac
}

# Where the ini file goes: "debian MODS_AVAILABLE_DIR" or "dir CONF_D".
ini_target_of() {
  local php=$1 minor=$2 config=$3 scan
  scan=$(scan_dir_of "$php")
  case "$scan" in
    */php/"$minor"/*/conf.d)
      local base=${scan%/*/conf.d}
      if [ -d "$base/mods-available" ]; then
        echo "debian $base"
        return 0
      fi
      ;;
  esac
  if [ -z "$scan" ]; then
    case "$config" in
      */RunCloud/Packages/php*rc/bin/php-config)
        local name=${config%/bin/php-config}
        scan=$root/etc/${name##*/}/conf.d
        ;;
    esac
  fi
  [ -n "$scan" ] || return 1
  echo "dir $scan"
}

ini_text="; wu_runcloud: RunCloud host integration for Ultimate Multisite (written by install-extension.sh)
extension=wu_runcloud.so
"

# Files this script writes for the target: the ini file and, on Debian, its links.
ini_paths() {
  local kind=$1 dir=$2 sapi
  if [ "$kind" = debian ]; then
    echo "$dir/mods-available/wu_runcloud.ini"
    for sapi in "$dir"/*/conf.d; do
      [ -d "$sapi" ] && echo "$sapi/20-wu_runcloud.ini"
    done
  else
    echo "$dir/wu_runcloud.ini"
  fi
}

is_ours() {
  [ -L "$1" ] || grep -qs '^extension=wu_runcloud\(\.so\)\{0,1\}$' "$1"
}

write_ini() {
  local kind=$1 dir=$2 changed=no path
  if [ "$kind" = debian ]; then
    path=$dir/mods-available/wu_runcloud.ini
    if [ "$(cat "$path" 2>/dev/null)" != "$(printf '; priority=20\n%s' "$ini_text")" ]; then
      { printf '; priority=20\n%s' "$ini_text" >"$path.new" && mv "$path.new" "$path"; } || return 1
      changed=yes
    fi
    local sapi
    for sapi in "$dir"/*/conf.d; do
      [ -d "$sapi" ] || continue
      if [ "$(readlink "$sapi/20-wu_runcloud.ini" 2>/dev/null)" != "$path" ]; then
        ln -sfn "$path" "$sapi/20-wu_runcloud.ini" || return 1
        changed=yes
      fi
    done
  else
    path=$dir/wu_runcloud.ini
    mkdir -p "$dir" || return 1
    if [ "$(cat "$path" 2>/dev/null)" != "$(printf '%s' "$ini_text")" ]; then
      { printf '%s' "$ini_text" >"$path.new" && mv "$path.new" "$path"; } || return 1
      changed=yes
    fi
  fi
  echo "$changed"
}

# Proof that this PHP loads the library: php -m lists it, php --ri describes it, no warning.
verify_loaded() {
  local php=$1 want_version=$2 modules info version
  modules=$("$php" -m 2>&1) || { say "php -m failed:"; sed 's/^/    /' <<<"$modules"; return 1; }
  if grep -qi 'wu_runcloud' <<<"$(grep -iE 'warning|error' <<<"$modules")"; then
    say "PHP reports a problem loading it:"
    grep -iE 'warning|error' <<<"$modules" | sed 's/^/    /'
    return 1
  fi
  grep -qx 'wu_runcloud' <<<"$modules" || { say "php -m does not list wu_runcloud"; return 1; }
  info=$("$php" --ri wu_runcloud 2>&1) || { say "php --ri wu_runcloud failed: $info"; return 1; }
  version=$(sed -n 's/^version => //p' <<<"$info" | head -1)
  if [ -n "$want_version" ] && [ "$version" != "$want_version" ]; then
    say "php --ri wu_runcloud reports version '$version', expected $want_version"
    return 1
  fi
  say "loaded: php -m lists wu_runcloud, php --ri wu_runcloud reports version $version"
}

services=()
note_service() {
  local service=$1 known
  [ -n "$service" ] || return 0
  for known in "${services[@]}"; do [ "$known" = "$service" ] && return 0; done
  services+=("$service")
}

install_into() {
  local config=$1 php minor ts debug arch full extdir library version name target kind dir changed=no
  current=$config
  php=$(php_of "$config") || { refuse "no php binary next to $config"; return 1; }
  read -r minor ts debug arch full < <("$php" -n -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION, " ", PHP_ZTS ? "zts" : "nts", " ", (int) PHP_DEBUG, " ", php_uname("m"), " ", PHP_VERSION, "\n";') ||
    { refuse "$php does not run"; return 1; }
  current="PHP $minor ($config)"
  echo "PHP $full ($ts) $php"
  if [ "$debug" = 1 ]; then
    refuse "a debug build of PHP: the release libraries do not load into it"
    return 1
  fi
  extdir=$("$config" --extension-dir) || { refuse "$config --extension-dir failed"; return 1; }
  [ -d "$extdir" ] || { refuse "extension directory $extdir does not exist"; return 1; }
  target=$(ini_target_of "$php" "$minor" "$config") || {
    refuse "this PHP scans no conf.d directory: add extension=wu_runcloud.so to its php.ini by hand"
    return 1
  }
  read -r kind dir <<<"$target"

  name=$(prebuilt_for "$minor" "$ts" "$arch")
  if [ -n "$name" ]; then
    library=$from/$name
    checksum_ok "$library" || { refuse "$name failed its checksum: nothing installed"; return 1; }
    version=$(sed -E 's/^wu_runcloud-(.*)-php[0-9.]+-[nz]ts-.*$/\1/' <<<"$name")
    say "library: $name (prebuilt)"
  else
    local have
    have=$(find "$from" -maxdepth 1 -name 'wu_runcloud-*.so' -printf '%f\n' 2>/dev/null | sed -E 's/^wu_runcloud-.*-php([0-9.]+)-([nz]ts)-(.*)-linux-gnu\.so$/\1 \2 \3/' | sort -u | paste -sd, - | sed 's/,/, /g')
    say "no prebuilt library for PHP $minor $ts $arch in $from${have:+ (there: $have)}"
    library=$(build_for "$php" "$config" "$minor" "$ts") || {
      say "$(cat "$work/why")"
      refuse "neither a prebuilt library nor a build: PHP $minor is left unchanged ($(cat "$work/why"))"
      return 1
    }
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$script_dir/../Cargo.toml" | head -1)
    say "library: built $library"
  fi

  # Backups, so a library that does not load leaves this PHP as it was.
  local backup
  backup=$(mktemp -d)
  [ -f "$extdir/wu_runcloud.so" ] && cp -p "$extdir/wu_runcloud.so" "$backup/wu_runcloud.so"
  local path
  while read -r path; do
    [ -e "$path" ] || [ -L "$path" ] || continue
    mkdir -p "$backup/ini$(dirname "$path")"
    cp -P "$path" "$backup/ini$path"
  done < <(ini_paths "$kind" "$dir")

  if cmp -s "$library" "$extdir/wu_runcloud.so"; then
    say "$extdir/wu_runcloud.so: already this library"
  else
    if ! { cp "$library" "$extdir/.wu_runcloud.so.new" && chmod 644 "$extdir/.wu_runcloud.so.new" &&
      mv -f "$extdir/.wu_runcloud.so.new" "$extdir/wu_runcloud.so"; }; then
      rm -f "$extdir/.wu_runcloud.so.new"
      rm -rf "$backup"
      refuse "could not write $extdir/wu_runcloud.so (run as root?)"
      return 1
    fi
    say "$extdir/wu_runcloud.so: installed"
    changed=yes
  fi
  local wrote ok=yes
  if ! wrote=$(write_ini "$kind" "$dir"); then
    say "could not write the ini file in $dir (run as root?)"
    ok=no
  elif [ "$wrote" = yes ]; then
    changed=yes
    say "ini: $(ini_paths "$kind" "$dir" | paste -sd' ' -): written"
  else
    say "ini: $(ini_paths "$kind" "$dir" | paste -sd' ' -): already there"
  fi
  [ "$ok" = yes ] && verify_loaded "$php" "$version" || ok=no

  if [ "$ok" = no ]; then
    say "putting back what was there before"
    rm -f "$extdir/wu_runcloud.so"
    [ -f "$backup/wu_runcloud.so" ] && cp -p "$backup/wu_runcloud.so" "$extdir/wu_runcloud.so"
    while read -r path; do
      rm -f "$path" "$path.new"
      if [ -e "$backup/ini$path" ] || [ -L "$backup/ini$path" ]; then cp -P "$backup/ini$path" "$path"; fi
    done < <(ini_paths "$kind" "$dir")
    rm -rf "$backup"
    refuse "the library did not load (see above): PHP $minor is as it was"
    return 1
  fi
  rm -rf "$backup"
  local service
  service=$(fpm_service_of "$config" "$minor")
  if [ "$changed" = yes ]; then
    note_service "$service"
  elif [ -n "$service" ]; then
    say "nothing changed: $service needs no reload"
  fi
}

uninstall_from() {
  local config=$1 php minor extdir target kind dir changed=no path
  php=$(php_of "$config") || { say "no php binary next to $config"; return 1; }
  minor=$("$php" -n -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;') || { say "$php does not run"; return 1; }
  echo "PHP $minor $php"
  extdir=$("$config" --extension-dir) || { say "$config --extension-dir failed"; return 1; }
  if target=$(ini_target_of "$php" "$minor" "$config"); then
    read -r kind dir <<<"$target"
    while read -r path; do
      [ -e "$path" ] || [ -L "$path" ] || continue
      if is_ours "$path"; then
        rm -f "$path"
        say "removed $path"
        changed=yes
      else
        say "left $path alone: not written by this script"
      fi
    done < <(if [ "$kind" = debian ]; then ini_paths "$kind" "$dir" | tac; else ini_paths "$kind" "$dir"; fi)
  fi
  if [ -f "$extdir/wu_runcloud.so" ]; then
    rm -f "$extdir/wu_runcloud.so"
    say "removed $extdir/wu_runcloud.so"
    changed=yes
  fi
  [ "$changed" = yes ] || say "not installed: nothing to remove"
  local modules
  modules=$("$php" -m 2>&1) || true
  if grep -qx 'wu_runcloud' <<<"$modules"; then
    say "php -m still lists wu_runcloud: another ini file loads it ($("$php" --ini | grep -o '[^ ,"]*\.ini' | xargs grep -l 'wu_runcloud' 2>/dev/null | paste -sd' ' -))"
    return 1
  fi
  grep -qi 'wu_runcloud' <<<"$modules" && { say "PHP still mentions wu_runcloud:"; grep -i wu_runcloud <<<"$modules" | sed 's/^/    /'; return 1; }
  say "php -m no longer lists wu_runcloud"
  [ "$changed" = yes ] && note_service "$(fpm_service_of "$config" "$minor")"
  return 0
}

status=0
for config in "${configs[@]}"; do
  if [ ! -x "$config" ]; then
    echo "$config: not an executable php-config" >&2
    unserved+=("$config: not an executable php-config")
    status=1
    continue
  fi
  if [ "$action" = install ]; then
    install_into "$config" || status=1
  else
    uninstall_from "$config" || status=1
  fi
done

for service in "${services[@]}"; do
  if [ "$reload" = yes ]; then
    if "$systemctl" reload "$service"; then
      echo "reloaded $service"
    else
      echo "could not reload $service: run '$systemctl reload $service' (or restart it)" >&2
      status=1
    fi
  else
    echo "reload $service to apply: systemctl reload $service (or run this again with --reload)"
  fi
done
if [ ${#unserved[@]} -gt 0 ]; then
  echo "not served:" >&2
  printf '  %s\n' "${unserved[@]}" >&2
fi
[ "$status" -eq 0 ] || echo "some PHP builds were not changed as asked (see above)" >&2
exit $status
