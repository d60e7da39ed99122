#!/usr/bin/env bash
# `npm test`: installs what is missing, starts FerretDB and Redis on free ports (unless
# MONGO_URL / REDIS_URL are set), type-checks and lints everything (TYPECHECK=0 / LINT=0 skip
# those) and runs every test file.
# Extra arguments go to ava, e.g. `npm test -- services/identity/test/login.test.ts`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh
exec node --conditions=development --import tsx scripts/run-tests.ts "$@"
