# The rule config.m4 adds to the Makefile phpize and configure write: cargo builds the
# library for the PHP that configure was run for, and modules/wu_runcloud.so is a copy of it.
# cargo decides what is out of date, so it runs on every make.
.PHONY: wu-runcloud-cargo

wu-runcloud-cargo:
	cd "$(WU_RUNCLOUD_SRCDIR)" && PHP="$(PHP_EXECUTABLE)" PHP_CONFIG="$(WU_RUNCLOUD_PHP_CONFIG)" \
	  "$(CARGO)" build --release --locked -p wu_runcloud

$(phplibdir)/wu_runcloud.so: wu-runcloud-cargo
	$(mkinstalldirs) $(phplibdir)
	cp "$${CARGO_TARGET_DIR:-$(WU_RUNCLOUD_SRCDIR)/target}/release/libwu_runcloud.so" $@
