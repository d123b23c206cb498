#!/usr/bin/env bash
# Release artefacts in dist/:
#   wu_runcloud-<version>-php<8.x>-<nts|zts>-x86_64-linux-gnu.so  one per PHP this machine builds for
#   php_wu_runcloud-<version>_php<8.x>-x86_64-linux-glibc-nts.zip  the same library for PIE:
#                                the name PIE looks a pre-packaged binary up by (NTS only, as
#                                composer.json declares), wu_runcloud.so at the archive's root
#   wu-runcloud-<version>.zip    the WordPress plugin, top folder wu-runcloud/ ("Upload Plugin")
#   install-extension.sh         the server installer (finds each PHP, installs the matching library)
#   SHA256SUMS
# The PHPs: every Debian/Ubuntu php-config8.x and RunCloud php*rc build on this machine, PHP 8.4
# of the Debian 13 root and PHP 8.5 of the sid root (scripts/debian-root.sh; made first when
# running as root). Every library is built on this machine and must need no glibc newer than
# 2.35 (scripts/glibc-check.sh).
#   scripts/dist.sh [--no-roots]
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD

roots=yes
[ "${1:-}" = "--no-roots" ] && roots=no

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
plugin_version=$(sed -n "s/^define('WU_RUNCLOUD_PLUGIN_VERSION', '\(.*\)');$/\1/p" wp-plugin/wu-runcloud.php)
stable_tag=$(sed -n 's/^Stable tag: *//p' wp-plugin/readme.txt)
if [ -z "$version" ] || [ "$version" != "$plugin_version" ] || [ "$version" != "$stable_tag" ]; then
  echo "versions differ: Cargo.toml '$version', plugin '$plugin_version', readme Stable tag '$stable_tag'" >&2
  exit 1
fi

scripts/install-deps.sh dist
arch=$(uname -m)
[ "$arch" = x86_64 ] || { echo "only x86_64 builds are made (this machine: $arch)" >&2; exit 1; }

out=$project/dist
# The file time inside the PIE archives: the last commit's, so the same sources give the same archives.
lib_stamp=$(git log -1 --format=%cI 2>/dev/null || true)
[ -n "$lib_stamp" ] || lib_stamp=2000-01-01T00:00:00Z
rm -rf "$out"
mkdir -p "$out"

# "8.2 nts" for a php binary (runs `php -i` through the given command).
php_flavour() {
  local info minor ts
  info=$("$@" -n -i) || return 1
  minor=$(sed -n 's/^PHP Version => \([0-9]*\.[0-9]*\).*/\1/p' <<<"$info" | head -1)
  ts=$(sed -n 's/^Thread Safety => //p' <<<"$info" | head -1)
  [ -n "$minor" ] || return 1
  if [ "$ts" = enabled ]; then echo "$minor zts"; else echo "$minor nts"; fi
}

built=()
add_library() {
  local library=$1 minor=$2 ts=$3
  local name="wu_runcloud-$version-php$minor-$ts-$arch-linux-gnu.so"
  cp "$library" "$out/$name"
  strip --strip-unneeded "$out/$name"
  built+=("$minor-$ts")
  echo "built $name"
  # PIE's pre-packaged binary: php_<extension>-<version>_php<X.Y>-<arch>-<os>-<libc>-<nts|zts>.zip
  # holding <extension>.so at its root (PIE's PrePackagedBinaryAssetName and UnixBuild).
  local pie="php_wu_runcloud-${version}_php$minor-$arch-linux-glibc-$ts.zip" stage
  stage=$(mktemp -d)
  cp "$out/$name" "$stage/wu_runcloud.so"
  touch -d "$lib_stamp" "$stage/wu_runcloud.so"
  (cd "$stage" && TZ=UTC zip -q -X "$out/$pie" wu_runcloud.so)
  rm -rf "$stage"
  echo "built $pie"
}

seen() {
  local key=$1 item
  for item in "${built[@]}"; do [ "$item" = "$key" ] && return 0; done
  return 1
}

# Host PHPs: Debian/Ubuntu's php-config8.x and RunCloud's builds.
default_config=$(command -v php-config 2>/dev/null || true)
[ -n "$default_config" ] && default_config=$(readlink -f "$default_config")
for config in /usr/bin/php-config8.* /RunCloud/Packages/php8*rc/bin/php-config; do
  [ -x "$config" ] || continue
  bindir=$(dirname "$config")
  suffix=${config##*/php-config}
  php=$bindir/php$suffix
  [ -x "$php" ] || php=$("$config" --php-binary 2>/dev/null) || continue
  [ -x "$php" ] || continue
  read -r minor ts < <(php_flavour "$php") || continue
  seen "$minor-$ts" && continue
  if [ "$(readlink -f "$config")" = "$default_config" ] && [ "$(readlink -f "$(command -v php)")" = "$(readlink -f "$php")" ]; then
    # The PHP the ordinary build uses: its target directory serves.
    cargo build --release --quiet -p wu_runcloud
    add_library target/release/libwu_runcloud.so "$minor" "$ts"
  else
    PHP=$php PHP_CONFIG=$config CARGO_TARGET_DIR=$project/target/php$minor-$ts \
      cargo build --release --quiet -p wu_runcloud
    add_library "target/php$minor-$ts/release/libwu_runcloud.so" "$minor" "$ts"
  fi
done

if [ "$roots" = yes ]; then
  for stack in debian13 sid; do
    if [ ! -f ".build/$stack/root/.wu-packages" ] && [ "$(id -u)" -eq 0 ]; then
      scripts/debian-root.sh "$stack" root
    fi
    if [ -f ".build/$stack/root/.wu-packages" ]; then
      library=$(scripts/debian-root.sh "$stack" build)
      read -r minor ts < <(php_flavour ".build/$stack-bin/php")
      seen "$minor-$ts" || add_library "$library" "$minor" "$ts"
    else
      echo "no $stack root (scripts/debian-root.sh $stack root, as root): no library for its PHP" >&2
    fi
  done
fi
[ ${#built[@]} -gt 0 ] || { echo "no PHP to build for (php-config8.x or /RunCloud/Packages/php*rc)" >&2; exit 1; }

echo "glibc:"
scripts/glibc-check.sh "$out"/*.so | sed "s#^$out/#  #"

# The plugin, with file times and order fixed so the same sources give the same zip.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r wp-plugin "$stage/wu-runcloud"
stamp=$(git log -1 --format=%cI -- wp-plugin 2>/dev/null || true)
[ -n "$stamp" ] || stamp=2000-01-01T00:00:00Z
find "$stage/wu-runcloud" -exec touch -d "$stamp" {} +
(cd "$stage" && find wu-runcloud | LC_ALL=C sort | TZ=UTC zip -q -X -@ "$out/wu-runcloud-$version.zip")
echo "built wu-runcloud-$version.zip"

cp scripts/install-extension.sh "$out/install-extension.sh"
chmod 755 "$out/install-extension.sh"

(cd "$out" && sha256sum -- *.so *.zip install-extension.sh >SHA256SUMS)
echo "dist/:"
ls -l "$out" | tail -n +2 | awk '{print "  " $5 "\t" $NF}'
