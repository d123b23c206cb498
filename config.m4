dnl PHP's standard build of the extension, as PIE and PECL run it:
dnl   phpize && ./configure && make && make install
dnl The extension is written in Rust (Cargo.toml). `make` runs cargo against the PHP this
dnl phpize belongs to (PHP and PHP_CONFIG tell ext-php-rs whose headers and `php -i` to
dnl read) and puts the library in modules/wu_runcloud.so, from where `make install` copies
dnl it to `php-config --extension-dir`. CARGO_TARGET_DIR in the environment of `make`, when
dnl set (an absolute path), is where cargo builds; otherwise target/ in this directory.
PHP_ARG_ENABLE([wu_runcloud],
  [whether to build the wu_runcloud extension],
  [AS_HELP_STRING([--disable-wu_runcloud], [Do not build the wu_runcloud extension])],
  [yes])

if test "$PHP_WU_RUNCLOUD" != "no"; then
  WU_RUNCLOUD_SRCDIR=`cd "$srcdir" && pwd`
  wu_runcloud_rust=`sed -n 's/^rust-version = "\(.*\)"$/\1/p' "$WU_RUNCLOUD_SRCDIR/Cargo.toml" | head -n 1`

  dnl rustup installs into ~/.cargo/bin, which a non-login shell (sudo, PIE) may lack.
  AC_PATH_PROG([CARGO], [cargo], [no], [$PATH:$HOME/.cargo/bin])
  if test "$CARGO" = "no"; then
    AC_MSG_ERROR([cargo was not found. wu_runcloud is written in Rust: install a Rust toolchain, version $wu_runcloud_rust or newer, e.g. with rustup (https://rustup.rs), and run ./configure again; or install a prebuilt library (a release's install-extension.sh, or PIE's pre-packaged binaries)])
  fi
  AC_MSG_CHECKING([for Rust $wu_runcloud_rust or newer])
  wu_runcloud_have=`"$CARGO" --version 2>/dev/null | sed -n 's/^cargo \([[0-9]][[0-9.]]*\).*/\1/p'`
  wu_runcloud_lowest=`printf '%s\n%s\n' "$wu_runcloud_have" "$wu_runcloud_rust" | sort -V | head -n 1`
  if test -z "$wu_runcloud_have" || test "$wu_runcloud_lowest" != "$wu_runcloud_rust"; then
    AC_MSG_RESULT([no, ${wu_runcloud_have:-unknown}])
    AC_MSG_ERROR([$CARGO is version ${wu_runcloud_have:-unknown}; wu_runcloud needs Rust $wu_runcloud_rust or newer: update it (rustup update) and run ./configure again])
  fi
  AC_MSG_RESULT([yes, $wu_runcloud_have])

  dnl ext-php-rs reads PHP's headers through bindgen, which loads libclang.
  AC_MSG_CHECKING([for libclang])
  wu_runcloud_libclang=no
  for wu_runcloud_dir in "$LIBCLANG_PATH" /usr/lib/llvm-*/lib /usr/lib64/llvm*/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
    if test -n "$wu_runcloud_dir" && ls "$wu_runcloud_dir"/libclang*.so* >/dev/null 2>&1; then
      wu_runcloud_libclang=$wu_runcloud_dir
      break
    fi
  done
  AC_MSG_RESULT([$wu_runcloud_libclang])
  if test "$wu_runcloud_libclang" = "no"; then
    AC_MSG_ERROR([libclang was not found (the Rust build reads PHP's headers with it): install it (Debian/Ubuntu: libclang-dev; Fedora/RHEL: clang-devel), or name its directory in LIBCLANG_PATH])
  fi

  dnl The php-config and php of this build, as absolute paths for cargo.
  case "$PHP_CONFIG" in
    /*) WU_RUNCLOUD_PHP_CONFIG=$PHP_CONFIG ;;
    *) WU_RUNCLOUD_PHP_CONFIG=`command -v "$PHP_CONFIG"` ;;
  esac
  if test -z "$PHP_EXECUTABLE" || test ! -x "$PHP_EXECUTABLE"; then
    AC_MSG_ERROR([$PHP_CONFIG --php-binary names no PHP binary ($PHP_EXECUTABLE): the Rust build needs the PHP itself])
  fi

  dnl No C sources: the module is cargo's library, built by Makefile.frag's rule when one of
  dnl these files is newer than it (so that make install, often run as root, builds nothing).
  WU_RUNCLOUD_SOURCES=`find "$WU_RUNCLOUD_SRCDIR/Cargo.toml" "$WU_RUNCLOUD_SRCDIR/Cargo.lock" "$WU_RUNCLOUD_SRCDIR/src" -type f | tr '\n' ' '`
  PHP_MODULES='$(phplibdir)/wu_runcloud.so'
  PHP_SUBST(WU_RUNCLOUD_SOURCES)
  PHP_SUBST(CARGO)
  PHP_SUBST(WU_RUNCLOUD_SRCDIR)
  PHP_SUBST(WU_RUNCLOUD_PHP_CONFIG)
  PHP_ADD_MAKEFILE_FRAGMENT([$WU_RUNCLOUD_SRCDIR/Makefile.frag], [$WU_RUNCLOUD_SRCDIR], [$WU_RUNCLOUD_SRCDIR])
fi
