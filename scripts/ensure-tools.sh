#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need on a fresh machine, and nothing that is
# already there: node modules, FerretDB v1.24.2 (built from the Go module proxy into
# .tools/bin) and PostgreSQL (Debian, FerretDB's storage) unless MONGO_URL is set,
# redis-server (Debian) unless REDIS_URL is set, Mailpit v1.33.1 (the SMTP server that
# catches identity's mail; built like FerretDB into .tools/bin) unless SMTP_URL is set,
# helm v3 (.tools/bin/helm, for the chart tests in deploy/test) unless HELM_BIN is set,
# chromium (Debian, for the browser tests) unless CHROMIUM_BIN is set, and
# schemathesis (PyPI, into .tools/venv, for the API contract suite in test/contract) unless
# SCHEMATHESIS_BIN is set.
# `--runtime` (npm start, benchmarks): only what running Tollgate needs — no helm, chromium or schemathesis.
set -euo pipefail
runtime_only=false
[ "${1:-}" = --runtime ] && runtime_only=true
cd "$(dirname "$0")/.."
root=$(pwd)
FERRETDB_VERSION=v1.24.2

log() { printf '[setup] %s\n' "$*" >&2; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing node modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The web console (console/dist, served by the gateway at /console): built when missing or older
# than its sources. One build at a time: two runs starting together would empty each other's dist.
console_stale() {
  [ ! -f console/dist/index.html ] \
    || [ -n "$(find console/src console/index.html console/vite.config.ts console/package.json -newer console/dist/index.html | head -1)" ]
}
if console_stale; then
  mkdir -p .tools
  (
    flock 9
    if console_stale; then
      log "building the web console"
      npm run build --silent -w @tollgate/console
    fi
  ) 9>.tools/console.lock
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

apt_install() {
  log "installing $* (Debian packages)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then
  apt_install redis-server
fi

# The embedded database stores its data in PostgreSQL (EMBEDDED_DB=sqlite: FerretDB's SQLite).
if [ -z "${MONGO_URL:-}" ] && [ "${EMBEDDED_DB:-postgresql}" = postgresql ] && [ -z "${PG_BIN:-}" ] \
  && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt_install postgresql
fi

# The browser the passkey and console tests drive (through Playwright).
if ! $runtime_only && [ -z "${CHROMIUM_BIN:-}" ] && ! command -v chromium >/dev/null; then
  apt_install chromium
fi

# --- Mailpit (the SMTP server identity's mail goes to in dev and tests) --------------
MAILPIT_VERSION=v1.33.1
if [ -z "${SMTP_URL:-}" ] && [ ! -x .tools/bin/mailpit ]; then
  command -v go >/dev/null || { log "Go is required to build Mailpit (or set SMTP_URL)"; exit 1; }
  log "building Mailpit $MAILPIT_VERSION (first run only, about a minute)"
  # Into a private GOBIN on the same file system, then renamed: two runs starting at once
  # both build, and neither may see a half-written binary. The version ldflag is the one
  # Mailpit's release build sets (without it the binary calls itself `dev`).
  mkdir -p .tools/bin
  gobin=$(mktemp -d "$root/.tools/mailpit-build.XXXXXX")
  GOBIN="$gobin" go install -trimpath -ldflags "-s -w -X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION" \
    "github.com/axllent/mailpit@$MAILPIT_VERSION"
  mv -f "$gobin/mailpit" .tools/bin/mailpit
  rm -rf "$gobin"
fi
# --- end Mailpit -------------------------------------------------------------------

# --- helm (deploy/test renders and lints the charts) -------------------------------
# Built from the Go module proxy like FerretDB: `go install helm.sh/helm/v3/cmd/helm@v`
# can fail here on its "loading deprecation" step (the proxy's @v/list answers 403), so
# build inside the downloaded module with its own go.sum. The ldflags are the ones
# helm's Makefile sets: without them `helm version` omits the patch release and the
# default Capabilities.KubeVersion is v1.20, older than the charts' kubeVersion floor.
HELM_VERSION=v3.22.0
if ! $runtime_only && [ -z "${HELM_BIN:-}" ] && [ ! -x .tools/bin/helm ]; then
  command -v go >/dev/null || { log "Go is required to build helm (or set HELM_BIN)"; exit 1; }
  log "building helm $HELM_VERSION (first run only, a few minutes; the Go build cache makes re-runs fast)"
  helmdir=$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  k8s=$(cd "$helmdir" && go list -m -f '{{.Version}}' k8s.io/client-go)   # v0.MINOR.PATCH
  k8s_major=1
  k8s_minor=$(echo "$k8s" | cut -d. -f2)
  ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ldflags="$ldflags -X $pkg.k8sVersionMajor=$k8s_major -X $pkg.k8sVersionMinor=$k8s_minor"
  done
  mkdir -p .tools/bin
  # Build under a private name and rename: two test runs starting at once both build,
  # and neither may see a half-written binary.
  (cd "$helmdir" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags "$ldflags" -o "$root/.tools/bin/helm.$$" ./cmd/helm)
  mv -f ".tools/bin/helm.$$" .tools/bin/helm
fi
# --- end helm ----------------------------------------------------------------------

# --- schemathesis (test/contract fuzzes the REST API against its OpenAPI document) ----
SCHEMATHESIS_VERSION=4.32.5
if ! $runtime_only && [ -z "${SCHEMATHESIS_BIN:-}" ] && [ ! -x .tools/venv/bin/st ]; then
  python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
  log "installing schemathesis $SCHEMATHESIS_VERSION (PyPI, first run only)"
  mkdir -p .tools
  # One installer at a time (two test runs may start together); `st` appears last.
  (
    flock 9
    if [ ! -x .tools/venv/bin/st ]; then
      rm -rf .tools/venv
      python3 -m venv .tools/venv
      .tools/venv/bin/pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
    fi
  ) 9>.tools/venv.lock
fi
