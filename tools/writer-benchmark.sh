#!/usr/bin/env bash
# Builds writer-bench in release mode and runs tools/writer_benchmark.py: Downlink's FITS writer
# against astropy and fitsio, its HDF5 writer against h5py (contiguous, gzip-1 + shuffle, zstd-3).
# Usage: tools/writer-benchmark.sh [RECORDS (default 10000000)] [--repeat=N] [--only=fits|hdf5]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$(tools/writer-validators-venv | tail -1)"
BIN="$(tools/build-release writer-bench)"
WORK="${WRITER_BENCH_DIR:-$ROOT/.build/writer-bench-work}"
exec "$PY" tools/writer_benchmark.py "$BIN" "$WORK" "$@"
