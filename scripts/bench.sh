#!/usr/bin/env bash
# `npm run bench [-- auth|tokens|budget|scale|proxy]`: benchmarks (not tests). Each starts its own mesh
# as separate processes on fresh FerretDB/Redis and prints a table with a same-run baseline.
# `scale` (seeds a large database: 12–15 minutes) and `proxy` (4–6 minutes) run only when named.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh --runtime
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(auth tokens budget)
for name in "${names[@]}"; do
  file="test/bench/$name.bench.ts"
  [ -f "$file" ] || { echo "no benchmark $file" >&2; exit 2; }
  node --conditions=development --import tsx "$file"
done
