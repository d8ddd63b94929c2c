#!/usr/bin/env bash
# Installs the npm packages of package-lock.json into node_modules (swagger-ui-dist for the
# embedded /docs page, @redocly/cli for the OpenAPI lint, playwright-core for browser tests).
# `npm ci` installs exactly the locked versions and checks each one's integrity hash; the lock
# file names no download address, so npm fetches from the registry configured on the machine.
# Install scripts are off (.npmrc): none of these packages needs one.
# Skips the work when node_modules already matches the lock file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=node_modules/.package-lock.json
if [[ -f "$stamp" && "$stamp" -nt package-lock.json && -f node_modules/swagger-ui-dist/package.json ]]; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm-install: npm not found (apt-get install npm)" >&2; exit 1; }
npm ci --no-audit --no-fund --ignore-scripts
