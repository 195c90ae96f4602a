#!/usr/bin/env bash
# Set up, load the demo partnership (first run only) and serve it at http://127.0.0.1:5000,
# with a feedback pack worker beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
flask=".venv/bin/flask --app wsgi"
$flask db upgrade
if [ -f instance/demo-logins.txt ]; then
  echo "The demo is already loaded. Its logins:"
  cat instance/demo-logins.txt
else
  $flask seed-demo
fi
# Feedback packs are made by a background worker; it stops with the demo.
$flask pack-worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT
echo "Serving the demo at http://127.0.0.1:5000 (Ctrl+C to stop)"
$flask run --host 127.0.0.1 --port "${PORT:-5000}"
