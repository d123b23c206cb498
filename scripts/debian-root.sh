#!/usr/bin/env bash
# The test stacks beyond this host's own: Debian roots made with debootstrap from the
# Debian mirror the host's apt already uses, cached under .build/<stack>/ and reused by
# later runs (remade only when the stack's package list changes).
#
#   debian13  Debian 13 (trixie): PHP 8.4, WordPress 6.8, MariaDB 11.8, PHPUnit 11
#   sid       Debian sid with PHP 8.5 from experimental: WordPress 7.1, MariaDB and
#             PHPUnit from sid
#
#   scripts/debian-root.sh STACK root            make (or reuse) the root
#   scripts/debian-root.sh STACK build           build the extension for its PHP, on this host,
#                                                into target/php8.x/ (prints the library's path)
#   scripts/debian-root.sh STACK run CMD [ARG..] run CMD inside the root, in this directory
#                                                (bind-mounted at the same path), as root
#   scripts/debian-root.sh STACK php-config      print the path of the host-side php-config of
#                                                the root's PHP (its php and phpize beside it)
#
# The library is built here rather than inside the root: it then needs nothing newer
# than this host's glibc (Debian 13 would make it require 2.41), and it is the same
# library a server with an older system loads. Only the PHP headers and `php -i` come
# from the root. Needs root (debootstrap, chroot, mounts). Each command inside a root
# runs in a mount namespace of its own, so its mounts vanish with it and two commands
# (in one root or in two) can run at the same time.
# WU_DEBIAN_MIRROR overrides the mirror read from the host's apt sources.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD

die() {
  echo "debian-root${stack:+ $stack}: $*" >&2
  exit 1
}

stack=${1:-}
[ $# -gt 0 ] && shift
common=(phpunit wordpress mariadb-server gettext ca-certificates)
case "$stack" in
  debian13)
    label="Debian 13"
    suite=trixie
    php_minor=8.4
    # Only this stack's own suite: its Release file is kept valid.
    extra_suites=()
    ;;
  sid)
    label="Debian sid, PHP 8.5"
    suite=sid
    php_minor=8.5
    # PHP 8.5 is only in experimental; the packages named php8.5-* come from there
    # (pinned below), everything else from sid.
    extra_suites=(experimental)
    ;;
  *)
    echo "usage: $0 debian13|sid root|build|run CMD [ARG...]|php-config" >&2
    exit 2
    ;;
esac
packages=("php$php_minor-cli" "php$php_minor-dev" "php$php_minor-curl" "php$php_minor-mbstring"
  "php$php_minor-xml" "php$php_minor-mysql" "${common[@]}")
base=$project/.build/$stack
root=$base/root
# The host-side wrappers live beside the root, not in it: a root shared read-only
# from another checkout (a symlinked .build/<stack>) is then left untouched.
bin=$project/.build/$stack-bin

# The Debian archive the host installs from: the first apt source serving the
# host's own release (one-line .list files and deb822 .sources files).
host_mirror() {
  local codename file uri
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || return 1
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    uri=$(awk -v c="$codename" '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == c) { print $i; exit }
      }' "$file")
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    uri=$(awk -v c="$codename" '
      BEGIN { RS = ""; FS = "\n" }
      {
        types = ""; uris = ""; suites = ""; enabled = "yes"
        for (n = 1; n <= NF; n++) {
          line = $n
          if (line ~ /^Types:/) { sub(/^Types:[ \t]*/, "", line); types = line }
          else if (line ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", line); uris = line }
          else if (line ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", line); suites = " " line " " }
          else if (line ~ /^Enabled:/) { sub(/^Enabled:[ \t]*/, "", line); enabled = tolower(line) }
        }
        if (enabled != "no" && (" " types " ") ~ / deb / && suites ~ (" " c " ")) {
          split(uris, u, /[ \t]+/); print u[1]; exit
        }
      }' "$file")
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  return 1
}

# Mount points left inside a root by an older version of this script, which mounted
# in the host's namespace and could be killed before its exit trap.
unmount_stale() {
  local point
  [ -d "$1" ] || return 0
  while read -r point; do
    [ -n "$point" ] || continue
    umount -R "$point" 2>/dev/null || umount -l "$point" 2>/dev/null || true
  done < <(awk -v r="$1/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r)
}

# CMD inside DIR with /proc, /dev and (when given) the project mounted, in a private
# mount namespace: the mounts are gone when CMD ends, however it ends.
in_root() {
  local dir=$1 share=$2
  shift 2
  unshare --mount --propagation private -- bash -c '
    set -e
    dir=$1 share=$2
    shift 2
    mount --bind /proc "$dir/proc"
    mount --rbind /dev "$dir/dev"
    if [ -n "$share" ]; then
      mkdir -p "$dir$share"
      mount --bind "$share" "$dir$share"
    fi
    exec chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' sh "$dir" "$share" "$@"
}

make_root() {
  [ "$(id -u)" -eq 0 ] || die "making the root needs root (debootstrap, chroot)"
  command -v debootstrap >/dev/null || {
    echo "installing debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  local wanted="${packages[*]}"
  if [ -f "$root/.wu-packages" ] && [ "$(cat "$root/.wu-packages")" = "$wanted" ]; then
    echo "$label root: reusing $root"
    return 0
  fi
  local mirror=${WU_DEBIAN_MIRROR:-}
  [ -n "$mirror" ] || mirror=$(host_mirror) || die "no Debian mirror found in the host's apt sources; set WU_DEBIAN_MIRROR"
  local work=$base/root.new
  unmount_stale "$work"
  rm -rf --one-file-system "$work"
  mkdir -p "$base"
  echo "$label root: debootstrap $suite from $mirror"
  debootstrap --variant=minbase "$suite" "$work" "$mirror" >"$base/debootstrap.log" 2>&1 ||
    { tail -20 "$base/debootstrap.log" >&2; die "debootstrap failed (log: $base/debootstrap.log)"; }
  # Packages start no services inside the root.
  printf '#!/bin/sh\nexit 101\n' >"$work/usr/sbin/policy-rc.d"
  chmod +x "$work/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$work/etc/resolv.conf" 2>/dev/null || true
  # MariaDB's installer looks localhost up.
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$work/etc/hosts"
  if [ "$stack" = sid ]; then
    # sid's and experimental's Release files are published for a week at a time; a
    # mirror's copy can be older than that. Only these two suites are exempted.
    {
      echo "deb [check-valid-until=no] $mirror $suite main"
      local extra
      for extra in "${extra_suites[@]}"; do echo "deb [check-valid-until=no] $mirror $extra main"; done
    } >"$work/etc/apt/sources.list"
    # experimental is never chosen by default (priority 1); PHP 8.5's own packages are.
    printf 'Package: php8.5*\nPin: release a=experimental\nPin-Priority: 990\n' >"$work/etc/apt/preferences.d/php85"
  else
    echo "deb $mirror $suite main" >"$work/etc/apt/sources.list"
  fi
  echo "$label root: installing ${packages[*]}"
  in_root "$work" "" sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" && apt-get clean' \
    sh "${packages[@]}" >"$base/apt.log" 2>&1 ||
    { tail -20 "$base/apt.log" >&2; die "installing the packages failed (log: $base/apt.log)"; }
  # The suites run `php`: the stack's PHP, even where another one came along as a dependency.
  in_root "$work" "" update-alternatives --set php "/usr/bin/php$php_minor" >/dev/null
  echo "$wanted" >"$work/.wu-packages"
  unmount_stale "$root"
  rm -rf --one-file-system "$root"
  mv "$work" "$root"
  echo "$label root: ready ($(in_root "$root" "" php -r 'echo "PHP ", PHP_VERSION;'), $(in_root "$root" "" phpunit --version | head -1))"
}

need_root_made() {
  [ -f "$root/.wu-packages" ] || die "no $label root yet: run scripts/debian-root.sh $stack root"
}

# The root's PHP as seen from the host: `php -i` run with the root's own loader and
# libraries, php-config with the root's include paths.
write_wrappers() {
  mkdir -p "$bin"
  cat >"$bin/php" <<EOF
#!/bin/sh
exec "$root/lib64/ld-linux-x86-64.so.2" --library-path "$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu" "$root/usr/bin/php$php_minor" -n "\$@"
EOF
  cat >"$bin/php-config" <<EOF
#!/bin/sh
case "\$1" in
  --php-binary) echo "$bin/php" ;;
  *) "$root/usr/bin/php-config$php_minor" "\$@" | sed "s#-I/#-I$root/#g" ;;
esac
EOF
  # phpize with its prefix moved into the root (its build files and headers are read from
  # there; autoconf, libtool and the compiler are this host's), for PHP's own build.
  sed -e "s#^prefix='/usr'#prefix='$root/usr'#" -e "s#^datarootdir='/usr/share'#datarootdir='$root/usr/share'#" \
    "$root/usr/bin/phpize$php_minor" >"$bin/phpize"
  chmod +x "$bin/php" "$bin/php-config" "$bin/phpize"
}

build_extension() {
  need_root_made
  write_wrappers
  local target=$project/target/php$php_minor
  # Started from the ordinary release build, only the crates reading PHP's headers
  # (ext-php-rs and this one) are compiled again: a minute instead of several.
  if [ ! -d "$target" ] && [ -d "$project/target/release/deps" ]; then
    mkdir -p "$target"
    cp -a "$project/target/release" "$target/release"
  fi
  PHP=$bin/php PHP_CONFIG=$bin/php-config CARGO_TARGET_DIR=$target \
    cargo build --release --quiet -p wu_runcloud >&2
  echo "$target/release/libwu_runcloud.so"
}

run_in_root() {
  need_root_made
  [ "$(id -u)" -eq 0 ] || die "running in the root needs root (chroot)"
  in_root "$root" "$project" env WU_EXTENSION="${WU_EXTENSION:-}" bash -c 'cd "$1" && shift && exec "$@"' sh "$project" "$@"
}

case "${1:-}" in
  root) make_root ;;
  build) build_extension ;;
  php-config)
    need_root_made
    write_wrappers
    echo "$bin/php-config"
    ;;
  run)
    shift
    [ $# -gt 0 ] || die "usage: $0 $stack run CMD [ARG...]"
    run_in_root "$@"
    ;;
  *)
    echo "usage: $0 debian13|sid root|build|run CMD [ARG...]|php-config" >&2
    exit 2
    ;;
esac
