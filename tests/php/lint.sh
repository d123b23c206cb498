#!/usr/bin/env bash
# php -l over every PHP file the project ships or tests with.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
while IFS= read -r -d '' file; do
  php -l "$file" >/dev/null || status=1
done < <(find php-stubs wp-plugin tests scripts -name '*.php' -not -path '*/.run/*' -print0)
exit $status
