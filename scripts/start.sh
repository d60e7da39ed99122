#!/usr/bin/env bash
# `npm start`: installs what is missing, then runs the whole system locally with
# embedded FerretDB and Redis (data under .data/), unless MONGO_URL / REDIS_URL are set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh --runtime
exec node --conditions=development --import tsx scripts/dev-stack.ts "$@"
