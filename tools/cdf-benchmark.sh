#!/usr/bin/env bash
# Builds cdf-bench in release mode and runs tools/cdf_benchmark.py against pycdfpp and cdflib.
# Usage: tools/cdf-benchmark.sh [RECORDS (default 10000000)] [--skip-cdflib-gzip6]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$(tools/cdf-validators-venv.sh | tail -1)"
BIN="$(tools/build-release cdf-bench)"
WORK="${CDF_BENCH_DIR:-$ROOT/.build/cdf-bench-work}"
exec "$PY" tools/cdf_benchmark.py "$BIN" "$WORK" "$@"
