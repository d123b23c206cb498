# The rule config.m4 adds to the Makefile phpize and configure write: cargo builds the
# library for the PHP that configure was run for, and modules/wu_runcloud.so is a copy of it.
# It runs when a source file is newer than the module, so make install (often run as root,
# where cargo may not be on PATH) builds nothing; cargo itself decides what to compile.
$(phplibdir)/wu_runcloud.so: $(WU_RUNCLOUD_SOURCES)
	cd "$(WU_RUNCLOUD_SRCDIR)" && PHP="$(PHP_EXECUTABLE)" PHP_CONFIG="$(WU_RUNCLOUD_PHP_CONFIG)" \
	  "$(CARGO)" build --release --locked -p wu_runcloud
	$(mkinstalldirs) $(phplibdir)
	cp "$${CARGO_TARGET_DIR:-$(WU_RUNCLOUD_SRCDIR)/target}/release/libwu_runcloud.so" $@
