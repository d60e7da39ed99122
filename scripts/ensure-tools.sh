#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need on a fresh machine, and nothing that is
# already there: node modules, FerretDB v1.24.2 (built from the Go module proxy into
# .tools/bin) unless MONGO_URL is set, and redis-server (Debian) unless REDIS_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
FERRETDB_VERSION=v1.24.2

log() { printf '[setup] %s\n' "$*" >&2; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing node modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ -z "${MONGO_URL:-}" ] && [ ! -x .tools/bin/ferretdb ]; then
  command -v go >/dev/null || { log "Go is required to build FerretDB (or set MONGO_URL)"; exit 1; }
  log "building FerretDB $FERRETDB_VERSION (first run only, ~2 minutes)"
  # `go install ...@v1.24.2` cannot be used as is: the module zip lacks the generated
  # build/version/version.txt and the binary panics at start. Build a copy with it.
  moddir=$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  work=$(mktemp -d)
  cp -r "$moddir/." "$work/"
  chmod -R u+w "$work"
  echo "$FERRETDB_VERSION" > "$work/build/version/version.txt"
  mkdir -p .tools/bin
  (cd "$work" && go build -trimpath -o "$root/.tools/bin/ferretdb" ./cmd/ferretdb)
  rm -rf "$work"
fi

if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then
  log "installing redis-server (Debian package)"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
fi
