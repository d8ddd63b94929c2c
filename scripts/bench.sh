#!/usr/bin/env bash
# `make bench`: micro-benchmarks (Google Benchmark) and the load benchmark (wrk), each reporting
# figures measured side by side in one run.
set -euo pipefail
build="${1:-build}"
for b in "$build"/bench/ordo_*_bench; do
  [[ -x "$b" ]] || continue
  echo "== $(basename "$b")"
  # The services under test log their start-up; keep only the benchmark's table.
  "$b" --benchmark_min_time=0.5 | grep -v '^\[20'
done
echo "== load (wrk against the real binary)"
/usr/bin/python3 bench/load.py "$build" "${BENCH_SECONDS:-4}" "${BENCH_ROUNDS:-3}"
