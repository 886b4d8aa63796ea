#!/usr/bin/env bash
# Creates (or reuses) the virtual environment with the independent CDF readers the CDF tests use:
# the NASA CDF library (bundled in spacepy), cdflib, pycdfpp, xarray, astralint, plus JCDF (Debian).
# Usage: tools/cdf-validators-venv.sh [VENV_DIR]   (default: <repo>/.venv-validators)
# Prints the venv's python path on its last line. Idempotent: a stamp file records a complete install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:-$ROOT/.venv-validators}"
STAMP="$VENV/.downlink-validators-ok"
PY_PACKAGES=(cdflib pycdfpp spacepy xarray astralint numpy)

log() { echo "cdf-validators-venv: $*" >&2; }

if [ ! -f /usr/share/java/jcdf.jar ] || ! command -v java >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        log "installing libjcdf-java default-jre-headless"
        apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq libjcdf-java default-jre-headless >&2
    else
        log "JCDF missing and apt-get unavailable (not root?)"; exit 1
    fi
fi

if [ ! -f "$STAMP" ]; then
    PYTHON="${PYTHON:-$(command -v python3)}"
    log "creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV" >&2
    "$VENV/bin/python" -m pip install -q --upgrade pip >&2
    "$VENV/bin/python" -m pip install -q "${PY_PACKAGES[@]}" >&2
    "$VENV/bin/python" -c "import cdflib, pycdfpp, xarray, numpy, spacepy.pycdf" >&2
    touch "$STAMP"
fi
echo "$VENV/bin/python"
