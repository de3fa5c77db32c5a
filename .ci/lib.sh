# Shared by .ci/start and .ci/test: installs and starts what Showgeo needs on a Debian machine.
# Works as root or as a normal user with sudo.
set -euo pipefail

if [ "$(id -u)" -eq 0 ]; then SUDO=""; AS_POSTGRES="runuser -u postgres --"; else SUDO="sudo"; AS_POSTGRES="sudo -u postgres"; fi

PG_USER="${SHOWGEO_PG_USER:-showgeo}"
PG_PASSWORD="${SHOWGEO_PG_PASSWORD:-showgeo}"

apt_install() {
  echo "==> installing $*"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null; then
    echo "The .NET 10 SDK is required (https://dot.net). It is not on PATH." >&2
    exit 1
  fi
}

ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt_install postgresql
  fi
  local version
  version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$version main"; then
    $SUDO pg_createcluster "$version" main >/dev/null
  fi
  # Parallel test classes each hold a small pool of their own; the default of 100 connections is too tight.
  local conf="/etc/postgresql/$version/main/conf.d/showgeo.conf"
  if [ ! -f "$conf" ]; then
    echo "max_connections = 300" | $SUDO tee "$conf" >/dev/null
    if pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
      $SUDO pg_ctlcluster "$version" main restart
    fi
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    echo "==> starting PostgreSQL $version"
    $SUDO pg_ctlcluster "$version" main start
  fi
  PG_PORT="$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')"
  for _ in $(seq 1 30); do
    pg_isready -q -h localhost -p "$PG_PORT" && break
    sleep 1
  done
  # The role may create databases: the tests clone a migrated template per test class.
  if ! $AS_POSTGRES psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'" | grep -q 1; then
    $AS_POSTGRES psql -p "$PG_PORT" -qc "CREATE ROLE \"$PG_USER\" LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
  fi
  # DROP DATABASE … WITH (FORCE) must be able to end an autovacuum worker that happens to be in a test database.
  $AS_POSTGRES env PGOPTIONS='--client-min-messages=warning' psql -p "$PG_PORT" -qc "GRANT pg_signal_backend TO \"$PG_USER\"" >/dev/null
  export PG_PORT
}

ensure_database() {
  local db="$1"
  if ! $AS_POSTGRES psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    $AS_POSTGRES psql -p "$PG_PORT" -qc "CREATE DATABASE \"$db\" OWNER \"$PG_USER\""
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null; then
    apt_install chromium
  fi
  export SHOWGEO_CHROMIUM="${SHOWGEO_CHROMIUM:-$(command -v chromium)}"
}

# s3rver, an S3 fake for the object-storage tests: installed once into .ci/node_modules (pinned), started on a free
# loopback port with a throwaway data directory, stopped when the calling script exits.
S3RVER_VERSION="3.7.1"

ensure_s3() {
  if [ -n "${SHOWGEO_TEST_S3:-}" ]; then return; fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "Node.js 20 with npm is required for the S3 fake (s3rver). It is not on PATH." >&2
    exit 1
  fi
  local ci bin
  ci="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  bin="$ci/node_modules/s3rver/bin/s3rver.js"
  if [ "$(node -p "require('$ci/node_modules/s3rver/package.json').version" 2>/dev/null)" != "$S3RVER_VERSION" ]; then
    echo "==> installing s3rver $S3RVER_VERSION"
    npm install --prefix "$ci" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "s3rver@$S3RVER_VERSION" >/dev/null
  fi
  S3_DIR="$(mktemp -d)"
  # Port 0: s3rver picks a free port and prints it.
  node "$bin" --directory "$S3_DIR/data" --address 127.0.0.1 --port 0 --no-vhost-buckets >"$S3_DIR/log" 2>&1 &
  S3_PID=$!
  trap 'kill "$S3_PID" 2>/dev/null || true; rm -rf "$S3_DIR"' EXIT
  local port=""
  for _ in $(seq 1 50); do
    port="$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$S3_DIR/log" | grep -oE '[0-9]+$' || true)"
    if [ -n "$port" ] && node -e "require('http').get('http://127.0.0.1:$port/', r => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"; then break; fi
    if ! kill -0 "$S3_PID" 2>/dev/null; then cat "$S3_DIR/log" >&2; echo "s3rver did not start." >&2; exit 1; fi
    port=""
    sleep 0.2
  done
  if [ -z "$port" ]; then cat "$S3_DIR/log" >&2; echo "s3rver did not answer." >&2; exit 1; fi
  echo "==> S3 fake (s3rver $S3RVER_VERSION) on 127.0.0.1:$port"
  export SHOWGEO_TEST_S3="http://127.0.0.1:$port"
}

# Prints every failed test of the TRX files under $1 with the start of its message, then the totals.
summarize_test_results() {
  local trx
  for trx in $(find "$1" -name '*.trx' 2>/dev/null); do
    awk '
      /<UnitTestResult / {
        failed = ($0 ~ /outcome="Failed"/)
        if (failed) { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); gsub(/&quot;/, "\"", name); print "FAILED: " name; n = 0 }
      }
      failed && /<Message>/ { inmsg = 1 }
      failed && inmsg && n < 12 { line = $0; sub(/.*<Message>/, "", line); sub(/<\/Message>.*/, "", line); gsub(/&lt;/, "<", line); gsub(/&gt;/, ">", line); gsub(/&quot;/, "\"", line); gsub(/&amp;/, "\\&", line); print "    " line; n++ }
      failed && /<\/Message>/ { inmsg = 0 }
      /<\/UnitTestResult>/ { failed = 0; inmsg = 0 }
      /<Counters / { match($0, /total="[0-9]*"/); t = substr($0, RSTART + 7, RLENGTH - 8); match($0, /passed="[0-9]*"/); p = substr($0, RSTART + 8, RLENGTH - 9); match($0, /failed="[0-9]*"/); f = substr($0, RSTART + 8, RLENGTH - 9); print "==> " FILENAME ": " t " tests, " p " passed, " f " failed" }
    ' "$trx"
  done
}

# The distinct test methods (theory arguments cut off) that failed in the TRX files under $1.
failed_test_methods() {
  find "$1" -name '*.trx' -exec grep -ho '<UnitTestResult [^>]*outcome="Failed"[^>]*>' {} + 2>/dev/null \
    | sed -n 's/.*testName="\([^"(]*\).*/\1/p' | sort -u
}
