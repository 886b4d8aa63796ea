#!/usr/bin/env python3
"""Reference outputs from NASA IMAP's own processing code (imap-processing 1.0.40), for the tests of
Downlink's IMAP clock and MissionIMAP steps to compare with. Run with the python of
tools/imap-processing-venv. Kernels are furnished from ../shared/reference/imap/spice (or --spice).

  imap_reference.py clock L0 XTCE [L0 XTCE ...]   SHCOARSE of every packet and its met_to_ttj2000ns
  imap_reference.py swapi L0 --out DIR            SWAPI L1 (sci) and L2 datasets as JSON

Output: JSON on stdout (clock) or files in --out (swapi); numbers are exact (int64 as integers,
floats as repr round-trip strings' values)."""
import argparse
import json
import math
import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPICE = ROOT.parent / "shared" / "reference" / "imap" / "spice"


def furnish(spice_dir):
    import spiceypy
    for name in sorted(os.listdir(spice_dir)):
        if name.endswith((".tls", ".tsc")):
            spiceypy.furnsh(str(Path(spice_dir) / name))


def clock(args):
    """SHCOARSE (the 32-bit seconds right after the primary header, as every IMAP instrument packs
    it) of every packet in the L0 files, and met_to_ttj2000ns of each; plus fractional and far METs
    (0 to 2^32 s) so that the floating-point path is exercised beyond whole seconds."""
    import numpy as np
    import space_packet_parser as spp
    from imap_processing.spice.time import met_to_ttj2000ns

    out = {"files": []}
    for l0 in args.files:
        with open(l0, "rb") as f:
            mets = [int.from_bytes(bytes(p)[6:10], "big") for p in spp.ccsds_generator(f)]
        epochs = met_to_ttj2000ns(np.asarray(mets))
        out["files"].append({"file": l0, "shcoarse": mets, "ttj2000ns": [str(int(v)) for v in np.atleast_1d(epochs)]})
    # Deterministic fractional METs: whole seconds from the files plus k/997 s, and a spread to 2^32 s.
    base = [m for f in out["files"] for m in f["shcoarse"]][:200]
    synthetic = [m + (k * 389 % 997) / 997 for k, m in enumerate(base)]
    synthetic += [float(x) for x in np.linspace(0.0, 2.0**32 - 1, 301)]
    synthetic += [123456789.00002, 0.00002, 1e-9, 464880095.99998]
    out["synthetic"] = {"met": [repr(float(m)) for m in synthetic], "ttj2000ns": [str(int(v)) for v in met_to_ttj2000ns(np.asarray(synthetic))]}
    json.dump(out, sys.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spice", default=str(DEFAULT_SPICE))
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("clock")
    c.add_argument("files", nargs="+")
    s = sub.add_parser("swapi")
    s.add_argument("l0")
    s.add_argument("--out", required=True)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    furnish(args.spice)
    {"clock": clock, "swapi": lambda a: swapi(a)}[args.command](args)


if __name__ == "__main__":
    main()
