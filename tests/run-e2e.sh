#!/usr/bin/env bash
# Browser tests of the web interface and /docs (tests/e2e/*.test.mjs) against the real binary.
# Usage: tests/run-e2e.sh [BINARY]   (default: build/ordo; ORDO_BINARY works too)
# Needs node_modules (scripts/npm-install.sh) and Debian's chromium (/usr/bin/chromium or
# $CHROMIUM). Screenshots go to test-output/e2e/. Exit code: node --test's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ $# -ge 1 ]]; then export ORDO_BINARY="$(realpath "$1")"; fi
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  echo "run-e2e: $chromium missing: apt-get install chromium (scripts/install-deps.sh)" >&2
  exit 1
fi
if [[ ! -d node_modules/playwright-core ]]; then
  echo "run-e2e: node_modules/playwright-core missing: run scripts/npm-install.sh" >&2
  exit 1
fi
# One test file at a time: each starts its own server and browser; two cores are shared.
exec node --test --test-concurrency=1 --test-reporter=spec tests/e2e/
