#!/usr/bin/env bash
# Build the CSS from Sass and copy GOV.UK Frontend's JavaScript into static/ (never a CDN).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/govuk-frontend ] || npm ci --no-audit --no-fund --loglevel=error
mkdir -p static/build static/vendor
node_modules/.bin/sass --quiet --no-source-map --style=compressed --load-path=node_modules \
  static/src/app.scss static/build/app.css
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk-frontend.min.js
