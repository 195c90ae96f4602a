#!/usr/bin/env bash
# Refresh the message catalogs after changing text: extract, merge into each language, compile.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
.venv/bin/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations
.venv/bin/pybabel compile --statistics -d translations
