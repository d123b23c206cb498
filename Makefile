# Entry points; the scripts do the work and install what they need.
.PHONY: bench test demo dist

bench:
	bench/run.sh

test:
	scripts/test.sh

demo:
	scripts/demo.sh

# Release artefacts in dist/: a library per PHP this machine builds for, the plugin zip,
# the server installer and SHA256SUMS (scripts/dist.sh).
dist:
	scripts/dist.sh
