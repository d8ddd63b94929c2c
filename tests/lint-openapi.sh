#!/usr/bin/env bash
# Lints the OpenAPI document with @redocly/cli (from node_modules, installed by npm ci).
# Usage: tests/lint-openapi.sh [DOCUMENT]   (default: src/api/openapi/openapi.yaml)
# Exit 0 on zero errors. Runs offline: telemetry off, no update check.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
doc="${1:-$root/src/api/openapi/openapi.yaml}"
redocly="$root/node_modules/.bin/redocly"
if [[ ! -x "$redocly" ]]; then
  echo "lint-openapi: $redocly missing: run scripts/npm-install.sh" >&2
  exit 1
fi
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1
exec "$redocly" lint --config "$root/tests/redocly.yaml" --format=stylish "$doc"
