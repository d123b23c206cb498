# Entry points; the scripts do the work and install what they need.
.PHONY: bench bench-quick bench-large test demo dist

bench:
	bench/run.sh

# Everything but the php-fpm soak (which sends 200,000 requests through nginx and php-fpm).
bench-quick:
	BENCH_SOAK_REQUESTS=0 bench/run.sh

# The 10,000-domain table at 60 requests a minute: over five minutes by nature.
bench-large:
	bench/large.sh

test:
	scripts/test.sh

demo:
	scripts/demo.sh

# Release artefacts in dist/: a library per PHP this machine builds for, the plugin zip,
# the server installer and SHA256SUMS (scripts/dist.sh).
dist:
	scripts/dist.sh
