#!/usr/bin/env bash
# The whole test suite, the same way everywhere (a laptop, a fresh Debian 12 machine, CI):
#   1. as root, installs what is missing with apt-get (Chromium, PostgreSQL 15, poppler-utils,
#      and the Python venv module, Node.js and npm on a bare machine); skips apt when nothing is;
#   2. sets up the checkout (bash scripts/setup.sh --dev);
#   3. runs pytest on SQLite, then again on a throwaway PostgreSQL 15 cluster it starts and
#      always stops and removes.
# Usage: bash scripts/test.sh [--sqlite-only] [pytest arguments...]
# Exits non-zero if either run fails, or if a run collects no tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
sqlite_only=false
pytest_args=()
for arg in "$@"; do
  case "$arg" in
    --sqlite-only) sqlite_only=true ;;
    *) pytest_args+=("$arg") ;;
  esac
done

# --- 1. system packages -----------------------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "$sqlite_only" = false ] && [ ! -d "$PG_BIN" ]; then missing+=(postgresql-15); fi
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them (sudo apt-get install ${missing[*]}) or run this script as root." >&2
    exit 1
  fi
  echo "== installing ${missing[*]} =="
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. the checkout ---------------------------------------------------------------------
echo "== setting up =="
bash scripts/setup.sh --dev

# --- 3. the runs -------------------------------------------------------------------------
failed=()
summary=()

run_pytest() {  # run_pytest LABEL COMMAND-PREFIX...: pytest, with its outcome recorded
  local label=$1 started=$SECONDS rc=0
  shift
  "$@" .venv/bin/pytest -q "${pytest_args[@]}" || rc=$?
  local took=$((SECONDS - started))
  case $rc in
    0) summary+=("$label: passed in ${took}s") ;;
    5) summary+=("$label: FAILED: no tests ran (pytest exit 5)"); failed+=("$label") ;;
    *) summary+=("$label: FAILED (pytest exit $rc) in ${took}s"); failed+=("$label") ;;
  esac
}

echo
echo "== tests on SQLite =="
run_pytest SQLite env -u TEST_DATABASE_URL

pg_dir=""
stop_postgres() {
  if [ -n "$pg_dir" ] && [ -d "$pg_dir" ]; then
    if [ -f "$pg_dir/data/postmaster.pid" ]; then
      as_postgres "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$pg_dir"
  fi
}
trap stop_postgres EXIT
trap 'exit 130' INT TERM  # so an interrupted run still stops and removes its cluster

as_postgres() {  # initdb refuses root: as root, run PostgreSQL as the postgres user
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {  # the first free port on 127.0.0.1 from $1 up
  .venv/bin/python - "$1" <<'PY'
import socket, sys
port = int(sys.argv[1])
while True:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            break
        except OSError:
            port += 1
print(port)
PY
}

if [ "$sqlite_only" = false ]; then
  echo
  echo "== tests on PostgreSQL =="
  pg_dir=$(mktemp -d /tmp/peerreview-pg.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$pg_dir"; fi
  port=$(free_port "${PG_PORT:-54329}")
  if ! as_postgres "$PG_BIN/initdb" -D "$pg_dir/data" -U app --auth=trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1; then
    cat "$pg_dir/initdb.log" >&2
    echo "PostgreSQL: initdb failed" >&2
    exit 1
  fi
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" \
      -o "-k $pg_dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" -w start >/dev/null; then
    cat "$pg_dir/log" >&2
    echo "PostgreSQL: the cluster did not start" >&2
    exit 1
  fi
  for _ in $(seq 1 30); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
  done
  echo "(a throwaway PostgreSQL 15 cluster on 127.0.0.1:$port in $pg_dir)"
  run_pytest PostgreSQL env TEST_DATABASE_URL="postgresql+psycopg://app@127.0.0.1:$port/postgres"
fi

echo
echo "== summary =="
printf '  %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all passed"
