#!/usr/bin/env bash
# `make bench` (issue 8): Ordo side by side with nginx, Caddy and Node, and the goals it must
# show — bench/run.py does the work; docs/benchmark.md explains it.
#   scripts/bench.sh [BUILD_DIR] [run.py options]     e.g. scripts/bench.sh build --smoke
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${1:-build}"
shift || true
exec /usr/bin/python3 bench/run.py --build "$build" "$@"
