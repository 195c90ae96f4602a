#!/usr/bin/env bash
# Set up a fresh checkout: Python packages in .venv, front-end assets, compiled translations.
# Usage: scripts/setup.sh [--dev]   (--dev adds the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
requirements=requirements.txt
[ "${1:-}" = "--dev" ] && requirements=requirements-dev.txt

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
npm ci --no-audit --no-fund --loglevel=error
bash scripts/build_assets.sh
.venv/bin/pybabel compile --statistics -d translations 2>&1 | grep -v '^compiling' || true
