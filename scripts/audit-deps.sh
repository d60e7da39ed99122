#!/usr/bin/env bash
# Dependency scan (CI): `npm audit` of what ships — dev tools aside — fails the run on a high or
# critical advisory. A registry that does not serve npm's audit endpoint (some mirrors refuse it)
# cannot be scanned: that is said plainly, and the run goes on to the tests.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(npm audit --omit=dev --audit-level=high 2>&1)
rc=$?
printf '%s\n' "$out" | tail -n 25
if [ "$rc" -ne 0 ] && grep -q 'audit endpoint returned an error' <<<"$out"; then
  echo "dependency audit: NOT RUN — the registry $(npm config get registry) refused npm's audit endpoint" >&2
  exit 0
fi
exit "$rc"
