#!/usr/bin/env bash
# `npm run migrate -- <service> up|down|status`: a service's database migrations, against
# the database its own environment names (MONGO_URL, MONGO_DB).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  identity|token|budget|provider-key|audit) ;;
  *) echo "usage: npm run migrate -- identity|token|budget|provider-key|audit up|down|status" >&2; exit 2 ;;
esac
exec node --conditions=development --import tsx "services/$1/src/migrate.ts" "${@:2}"
