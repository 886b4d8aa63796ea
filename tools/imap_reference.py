#!/usr/bin/env python3
"""Reference outputs from NASA IMAP's own processing code (imap-processing 1.0.40), for the tests of
Downlink's IMAP clock and MissionIMAP steps to compare with. Run with the python of
tools/imap-processing-venv. Kernels are furnished from ../shared/reference/imap/spice (or --spice).

  imap_reference.py clock L0 XTCE [L0 XTCE ...]   SHCOARSE of every packet and its met_to_ttj2000ns
  imap_reference.py swapi L0 --out DIR [--esa-table CSV --lut-notes CSV]
                                                  SWAPI L1 (sci) and L2 datasets, DIR/swapi.json
  imap_reference.py mag L0                        MAG L1A MAGo/MAGi datasets as JSON
  imap_reference.py mag-compressed [--seed --cases] compressed VECTORS payloads and their decoding
  imap_reference.py clock-kernel --lsk --sclk --id --ticks-per-second --mets M1,M2,...
                                                  met_to_ttj2000ns's conversion with any SCLK kernel
  imap_reference.py swapi-energy --esa-table CSV --lut-notes CSV --queries JSON
                                                  SWAPI ESA energies per [sweep, start, ESA_LVL5]

Output: JSON on stdout, or DIR/swapi.json for swapi. Values are exact text: int64 as decimal strings,
floats as the repr of their float64 value (float32 values convert exactly), NaN as "nan"."""
import argparse
import json
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


def values(array):
    """Exact text of every element: integers as decimal, floats as the shortest repr of their
    float64 value (float32 values convert exactly), NaN as "nan", strings as they are."""
    import numpy as np
    a = np.asarray(array)
    if a.dtype.kind in "iu":
        return [str(int(v)) for v in a.ravel()]
    if a.dtype.kind == "f":
        return [repr(float(v)) for v in a.ravel()]
    return [str(v) for v in a.ravel()]


def dataset_json(ds):
    return {
        "attrs": {k: str(v) for k, v in ds.attrs.items()},
        "variables": {
            name: {"dtype": str(ds[name].dtype), "shape": list(ds[name].shape), "values": values(ds[name].values)}
            for name in list(ds.coords) + list(ds.data_vars)
        },
    }


def swapi(args):
    """SWAPI L1 science (process_swapi_science on the L0's science and housekeeping packets, as
    swapi_l1 gives them: packet_file_to_datasets with raw values, the HK dataset given directly
    instead of through an L1 HK CDF file) and L2 (swapi_l2 on that L1). The ESA energy tables are
    ancillary files not in the wheel: with --esa-table/--lut-notes, esa_energy is computed by
    solve_full_sweep_energy with the sweep ids forced to 0 (as imap_processing's own L2 test does,
    because the tables start after this L0's date); without them swapi_l2's energy step is replaced by
    NaNs and esa_energy is not written."""
    import numpy as np
    import pandas as pd
    from imap_processing import imap_module_directory
    from imap_processing.swapi.l1.swapi_l1 import process_swapi_science
    from imap_processing.swapi.swapi_utils import SWAPIAPID, read_swapi_lut_table
    import imap_processing.swapi.l2.swapi_l2 as l2
    from imap_processing.utils import packet_file_to_datasets

    xtce = f"{imap_module_directory}/swapi/packet_definitions/swapi_packet_definition.xml"
    datasets = packet_file_to_datasets(args.l0, xtce, use_derived_value=False)
    l1 = process_swapi_science(datasets[SWAPIAPID.SWP_SCI], datasets[SWAPIAPID.SWP_HK])
    out = {"l1": dataset_json(l1)}
    real_solver = l2.solve_full_sweep_energy
    l2.solve_full_sweep_energy = lambda esa, sweep, *rest, **kw: np.full((len(sweep), 72), np.nan)
    l2_ds = l2.swapi_l2(l1, esa_table_df=None, lut_notes_df=None)
    l2_ds = l2_ds.drop_vars("esa_energy")
    out["l2"] = dataset_json(l2_ds)
    if args.esa_table and args.lut_notes:
        esa = read_swapi_lut_table(args.esa_table)
        lut = read_swapi_lut_table(args.lut_notes)
        hexes = np.vectorize(lambda x: format(x, "04X"))(l1["esa_lvl5"].values)
        times = l1["sci_start_time"].values.astype("datetime64[ns]")
        energy = real_solver(hexes, np.zeros_like(l1["sweep_table"].values), esa, lut, times)
        out["esa_energy_sweep0"] = values(energy)
    os.makedirs(args.out, exist_ok=True)
    with open(Path(args.out) / "swapi.json", "w") as f:
        json.dump(out, f)


def mag(args):
    """MAG L1A (imap_processing.mag.l1a.mag_l1a) of an L0 file: every MAGo and MAGi dataset."""
    from imap_processing.mag.l1a.mag_l1a import mag_l1a

    out = {}
    for ds in mag_l1a(args.l0):
        name = ds.attrs.get("Logical_source", "")
        if name.endswith(("-mago", "-magi")):
            out[name] = dataset_json(ds)
    json.dump(out, sys.stdout)


def mag_compressed(args):
    """Compressed MAG VECTORS payloads written here (an encoder independent of imap_processing:
    header byte of width and range flag, a first uncompressed vector per sensor, Fibonacci +
    zig-zag coded differences, uncompressed vectors after a difference longer than 60 bits, and an
    optional range section), and what imap_processing's MagL1a.process_compressed_vectors makes of
    each. JSON list on stdout: hex payload, counts, the encoded truth and imap_processing's vectors."""
    import random

    import numpy as np
    from imap_processing.mag.l1a.mag_l1a_data import MagL1a

    fib = [1, 2]
    while len(fib) < 40:
        fib.append(fib[-1] + fib[-2])

    def fib_code(n):  # n >= 1, Zeckendorf bits from the smallest term, then the closing 1
        bits = [0] * 40
        top = 0
        for k in range(39, -1, -1):
            if fib[k] <= n:
                bits[k] = 1
                n -= fib[k]
                top = max(top, k)
        return bits[: top + 1] + [1]

    def signed_bits(v, width):
        return [(v >> (width - 1 - i)) & 1 for i in range(width)]

    def encode_sensor(vectors, width):
        out = []
        x, y, z, r = vectors[0]
        out += signed_bits(x, width) + signed_bits(y, width) + signed_bits(z, width) + [(r >> 1) & 1, r & 1]
        uncompressed = False
        for prev, cur in zip(vectors, vectors[1:]):
            if uncompressed:
                for a in range(3):
                    out += signed_bits(cur[a], width)
                continue
            coded = []
            for a in range(3):
                d = cur[a] - prev[a]
                u = (d << 1) ^ (d >> 63)
                coded += fib_code(u + 1)
            out += coded
            if len(coded) > 60:
                uncompressed = True
        return out

    rng = random.Random(args.seed)
    cases = []
    for case in range(args.cases):
        width = rng.choice([16, 16, 18, 20])
        has_range = case % 2 == 1
        p_count = rng.choice([2, 4, 8, 16, 32])
        s_count = rng.choice([2, 4, 8, 16])
        jumpy = case % 3 == 2
        def walk(n):
            v = [rng.randint(-2000, 2000) for _ in range(3)]
            out = []
            for i in range(n):
                step = 20000 if (jumpy and i == n // 2) else rng.choice([0, 1, 3, 17, 200])
                v = [max(-(1 << (width - 1)) + 1, min((1 << (width - 1)) - 1, c + rng.randint(-step, step))) for c in v]
                out.append(v + [rng.randint(0, 3) if has_range else 0])
            return out
        pri, sec = walk(p_count), walk(s_count)
        if not has_range:
            pri = [v[:3] + [pri[0][3]] for v in pri]
            sec = [v[:3] + [sec[0][3]] for v in sec]
            pri[0][3] = sec[0][3] = rng.randint(0, 3)
            pri = [v[:3] + [pri[0][3]] for v in pri]
            sec = [v[:3] + [sec[0][3]] for v in sec]
        bits = [(width >> (5 - i)) & 1 for i in range(6)] + [1 if has_range else 0, 0]
        bits += encode_sensor(pri, width) + encode_sensor(sec, width)
        bits += [0] * (-len(bits) % 8)
        if has_range:
            for v in pri[1:] + sec[1:]:
                bits += [(v[3] >> 1) & 1, v[3] & 1]
            bits += [0] * (-len(bits) % 8)
        payload = np.packbits(np.array(bits, dtype=np.uint8))
        entry = {"hex": payload.tobytes().hex(), "primary": p_count, "secondary": s_count, "truth_primary": pri, "truth_secondary": sec}
        try:
            ip, isec = MagL1a.process_compressed_vectors(payload, p_count, s_count)
            entry["imap_primary"] = np.asarray(ip).astype(int).tolist()
            entry["imap_secondary"] = np.asarray(isec).astype(int).tolist()
        except Exception as e:  # noqa: BLE001 - recorded: a payload imap_processing cannot decode
            entry["imap_error"] = f"{type(e).__name__}: {e}"
        cases.append(entry)
    json.dump(cases, sys.stdout)


def swapi_energy(args):
    """solve_full_sweep_energy (swapi_l2) for each query of --queries (a JSON list of
    [sweep_id, start_time ISO, esa_lvl5]) with the given tables, one sweep at a time: JSON list of
    the 72 energies or the error text."""
    import numpy as np
    from imap_processing.swapi.l2.swapi_l2 import solve_full_sweep_energy
    from imap_processing.swapi.swapi_utils import read_swapi_lut_table

    out = []
    for sweep, start, lvl5 in json.loads(Path(args.queries).read_text()):
        esa = read_swapi_lut_table(args.esa_table)
        lut = read_swapi_lut_table(args.lut_notes)
        try:
            energy = solve_full_sweep_energy(np.array([format(lvl5, "04X")]), np.array([sweep]), esa, lut,
                                             np.array([start], dtype="datetime64[ns]"))
            out.append(values(energy))
        except Exception as e:  # noqa: BLE001 - the error is the reference result
            out.append(f"{type(e).__name__}: {e}")
    json.dump(out, sys.stdout)


def clock_kernel(args):
    """The same conversion as met_to_ttj2000ns (ticks = MET / tick duration, sct2e, unitim ET -> TT,
    times 1e9, cast to int64) for any SCLK kernel: the kernels given are furnished instead of IMAP's
    (--spice is ignored), the clock is --id, the tick duration 1 / --ticks-per-second."""
    import numpy as np
    import spiceypy

    spiceypy.kclear()
    spiceypy.furnsh(args.lsk)
    spiceypy.furnsh(args.sclk)
    tick = 1.0 / args.ticks_per_second
    mets = [float(m) for m in args.mets.split(",")]
    out = []
    for met in mets:
        try:
            tt = spiceypy.unitim(spiceypy.sct2e(args.id, met / tick), "ET", "TT")
            out.append(str(int(np.asarray(tt * 1e9, dtype=np.int64))))
        except Exception as e:  # noqa: BLE001 - SPICE refuses this tick value
            out.append("error: " + str(e).split("\n")[0])
    json.dump({"met": [repr(m) for m in mets], "ttj2000ns": out}, sys.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spice", default=str(DEFAULT_SPICE))
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("clock")
    c.add_argument("files", nargs="+")
    s = sub.add_parser("swapi")
    s.add_argument("l0")
    s.add_argument("--out", required=True)
    s.add_argument("--esa-table")
    s.add_argument("--lut-notes")
    m = sub.add_parser("mag")
    m.add_argument("l0")
    se = sub.add_parser("swapi-energy")
    se.add_argument("--esa-table", required=True)
    se.add_argument("--lut-notes", required=True)
    se.add_argument("--queries", required=True)
    ck = sub.add_parser("clock-kernel")
    ck.add_argument("--lsk", required=True)
    ck.add_argument("--sclk", required=True)
    ck.add_argument("--id", type=int, required=True)
    ck.add_argument("--ticks-per-second", type=float, required=True)
    ck.add_argument("--mets", required=True)
    mc = sub.add_parser("mag-compressed")
    mc.add_argument("--seed", type=int, default=6)
    mc.add_argument("--cases", type=int, default=60)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    furnish(args.spice)
    {"clock": clock, "swapi": swapi, "mag": mag, "mag-compressed": mag_compressed, "swapi-energy": swapi_energy, "clock-kernel": clock_kernel}[args.command](args)


if __name__ == "__main__":
    main()
