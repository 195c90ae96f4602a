#!/usr/bin/env bash
# Set up a fresh checkout: Python packages in .venv, front-end assets, compiled translations.
# Usage: scripts/setup.sh [--dev]   (--dev adds the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
requirements=requirements.txt
[ "${1:-}" = "--dev" ] && requirements=requirements-dev.txt

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# (grep drops this machine's pip notes about local package folders it ignores)
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v 'is ignored' || true
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements" 2>&1 | grep -v 'is ignored' || true
.venv/bin/python -c 'import flask, flask_sqlalchemy, flask_babel, argon2, govuk_frontend_jinja'  # fail loudly if pip did
# npm ci wipes node_modules first: only run it when the lock file changed since the last install.
if ! cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.package-lock.json.installed
fi
bash scripts/build_assets.sh
.venv/bin/pybabel compile --statistics -d translations
