#!/usr/bin/env bash
# The second test stack: a Debian 13 (trixie) root with PHP 8.4, WordPress 6.8,
# MariaDB 11.8 and PHPUnit 11, made with debootstrap from the Debian mirror the
# host's apt already uses, cached under .build/debian13/ and reused by later runs.
#
#   scripts/debian13.sh root            make (or reuse) the root
#   scripts/debian13.sh build           build the extension for its PHP 8.4, on this host,
#                                       into target/php8.4/ (prints the library's path)
#   scripts/debian13.sh run CMD [ARG..] run CMD inside the root, in this directory
#                                       (bind-mounted at the same path), as root
#
# The library is built here rather than inside the root: it then needs nothing newer
# than this host's glibc (Debian 13 would make it require 2.41), and it is the same
# library a server with an older system loads. Only PHP 8.4's headers and `php -i`
# come from the root. Needs root (debootstrap, chroot, mount).
# WU_DEBIAN_MIRROR overrides the mirror read from the host's apt sources.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD

suite=trixie
base=$project/.build/debian13
root=$base/root
packages=(php8.4-cli php8.4-dev php8.4-curl php8.4-mbstring php8.4-xml php8.4-mysql
  phpunit wordpress mariadb-server gettext ca-certificates)

die() {
  echo "debian13: $*" >&2
  exit 1
}

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

mounted=()

unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  mounted=()
}

# Mount points left by a run that was killed before its exit trap.
unmount_stale() {
  local point
  [ -d "$1" ] || return 0
  while read -r point; do
    [ -n "$point" ] || continue
    umount -R "$point" 2>/dev/null || umount -l "$point" 2>/dev/null || true
  done < <(awk -v r="$1/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r)
}

bind() {
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounted+=("$2")
}

enter_mounts() {
  trap unmount_all EXIT
  trap 'exit 130' INT TERM
  bind /proc "$1/proc"
  bind /dev "$1/dev"
  [ -d /dev/pts ] && bind /dev/pts "$1/dev/pts"
}

in_root() {
  local dir=$1
  shift
  chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
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
    echo "Debian 13 root: reusing $root"
    return 0
  fi
  local mirror=${WU_DEBIAN_MIRROR:-}
  [ -n "$mirror" ] || mirror=$(host_mirror) || die "no Debian mirror found in the host's apt sources; set WU_DEBIAN_MIRROR"
  local work=$base/root.new
  unmount_stale "$work"
  rm -rf --one-file-system "$work"
  mkdir -p "$base"
  echo "Debian 13 root: debootstrap $suite from $mirror"
  debootstrap --variant=minbase "$suite" "$work" "$mirror" >"$base/debootstrap.log" 2>&1 ||
    { tail -20 "$base/debootstrap.log" >&2; die "debootstrap failed (log: $base/debootstrap.log)"; }
  # Packages start no services inside the root.
  printf '#!/bin/sh\nexit 101\n' >"$work/usr/sbin/policy-rc.d"
  chmod +x "$work/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$work/etc/resolv.conf" 2>/dev/null || true
  # MariaDB's installer looks localhost up.
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$work/etc/hosts"
  echo "deb $mirror $suite main" >"$work/etc/apt/sources.list"
  echo "Debian 13 root: installing ${packages[*]}"
  (
    enter_mounts "$work"
    in_root "$work" sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" && apt-get clean' \
      sh "${packages[@]}" >"$base/apt.log" 2>&1 ||
      { tail -20 "$base/apt.log" >&2; die "installing the packages failed (log: $base/apt.log)"; }
  )
  echo "$wanted" >"$work/.wu-packages"
  unmount_stale "$root"
  rm -rf --one-file-system "$root"
  mv "$work" "$root"
  echo "Debian 13 root: ready ($(in_root "$root" php -r 'echo "PHP ", PHP_VERSION;'), $(in_root "$root" phpunit --version | head -1))"
}

need_root_made() {
  [ -f "$root/.wu-packages" ] || die "no Debian 13 root yet: run scripts/debian13.sh root"
}

# PHP 8.4 of the root as seen from the host: `php -i` run with the root's own
# loader and libraries, php-config with the root's include paths.
build_extension() {
  need_root_made
  local bin=$base/bin
  mkdir -p "$bin"
  cat >"$bin/php" <<EOF
#!/bin/sh
exec "$root/lib64/ld-linux-x86-64.so.2" --library-path "$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu" "$root/usr/bin/php8.4" -n "\$@"
EOF
  cat >"$bin/php-config" <<EOF
#!/bin/sh
"$root/usr/bin/php-config8.4" "\$@" | sed "s#-I/#-I$root/#g"
EOF
  chmod +x "$bin/php" "$bin/php-config"
  # Started from the ordinary release build, only the crates reading PHP's headers
  # (ext-php-rs and this one) are compiled again: a minute instead of several.
  if [ ! -d "$project/target/php8.4" ] && [ -d "$project/target/release/deps" ]; then
    mkdir -p "$project/target/php8.4"
    cp -a "$project/target/release" "$project/target/php8.4/release"
  fi
  PHP=$bin/php PHP_CONFIG=$bin/php-config CARGO_TARGET_DIR=$project/target/php8.4 \
    cargo build --release --quiet -p wu_runcloud >&2
  echo "$project/target/php8.4/release/libwu_runcloud.so"
}

run_in_root() {
  need_root_made
  [ "$(id -u)" -eq 0 ] || die "running in the root needs root (chroot)"
  unmount_stale "$root"
  enter_mounts "$root"
  bind "$project" "$root$project"
  local status=0
  in_root "$root" WU_EXTENSION="${WU_EXTENSION:-}" bash -c 'cd "$1" && shift && exec "$@"' sh "$project" "$@" || status=$?
  unmount_all
  return $status
}

case "${1:-}" in
  root) make_root ;;
  build) build_extension ;;
  run)
    shift
    [ $# -gt 0 ] || die "usage: $0 run CMD [ARG...]"
    run_in_root "$@"
    ;;
  *)
    echo "usage: $0 root|build|run CMD [ARG...]" >&2
    exit 2
    ;;
esac
