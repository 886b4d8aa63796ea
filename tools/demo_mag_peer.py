#!/usr/bin/env python3
"""The demo mission's magnetometer L1A and L1B products made the way imap_processing makes IMAP's:
space_packet_parser's create_dataset (XTCE -> xarray, per APID), numpy for the vector unpacking,
calibration and time, and cdflib.xarray_to_cdf for the files. The peer `tools/process-benchmark`
times against `downlink process` on the same L0 file.

Usage: demo_mag_peer.py MISSION_DIR L0_FILE OUTPUT_DIR
Prints one JSON line: {"packets": N, "vectors": N, "seconds": wall, "cpu_seconds": process CPU}.
The products follow testdata/missions/demo (DEMO-SPEC): L1A per packet with the 20-bit vectors unpacked,
L1B per vector at 16 Hz in nT: counts * nT_per_count[RANGE] - offset (calibration/mag_calibration.csv).
"""
import json
import os
import resource
import sys
import time
import warnings

import numpy as np
import xarray as xr
import cdflib
from cdflib.xarray import xarray_to_cdf
from space_packet_parser.xarr import create_dataset

NT_PER_COUNT = np.array([0.0078125, 0.03125, 0.125, 0.5])
DEMO_EPOCH_UNIX = 1262304000  # 2010-01-01T00:00:00 UTC; demo MET counts UTC seconds without leap seconds


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def offsets(mission):
    values = {}
    with open(os.path.join(mission, "calibration", "mag_calibration.csv")) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if not line:
                continue
            parts = [p.strip() for p in line.split(",")]
            try:
                values[parts[0]] = float(parts[1])
            except (ValueError, IndexError):
                continue
    return np.array([values.get("x", 0.0), values.get("y", 0.0), values.get("z", 0.0)])


def unpack20(blobs):
    """(n,) 120-byte values -> (n, 16, 3) int32: 20-bit two's complement, MSB-first, two samples per 5 bytes.
    numpy's fixed-width bytes drop trailing zero bytes when read back: astype("S120") restores them."""
    raw = np.frombuffer(np.asarray(blobs).astype("S120").tobytes(), dtype=np.uint8)
    raw = raw.reshape(len(blobs), 24, 5).astype(np.uint64)
    word = (raw[..., 0] << 32) | (raw[..., 1] << 24) | (raw[..., 2] << 16) | (raw[..., 3] << 8) | raw[..., 4]
    first = (word >> 20) & 0xFFFFF
    second = word & 0xFFFFF
    samples = np.stack([first, second], axis=-1).reshape(len(blobs), 48).astype(np.int64)
    samples = np.where(samples >= 1 << 19, samples - (1 << 20), samples)
    return samples.reshape(len(blobs), 16, 3).astype(np.int32)


def main():
    mission, l0, out = sys.argv[1:4]
    warnings.simplefilter("ignore")
    os.makedirs(out, exist_ok=True)
    wall0, cpu0 = time.perf_counter(), cpu()
    xtce = os.path.join(mission, "definitions", "mag.xml")
    ds = create_dataset(l0, xtce, use_raw_values=True)[1100]
    n = ds.sizes["packet"]
    met = ds["SHCOARSE"].values.astype(np.float64) + ds["SHFINE"].values.astype(np.float64) / 65536.0
    epoch = cdflib.cdfepoch.timestamp_to_tt2000(met + DEMO_EPOCH_UNIX)
    vectors = unpack20(ds["VECTORS"].values)

    l1a = xr.Dataset(
        {name: (("epoch",), ds[name].values) for name in ("SHCOARSE", "SHFINE", "MODE", "RANGE", "VECTOR_COUNT")},
        coords={"epoch": ("epoch", np.asarray(epoch, dtype=np.int64))},
    )
    l1a["vectors"] = (("epoch", "vector", "axis"), vectors)
    l1a.attrs = {"Logical_source": "demo_mag_l1a_raw"}
    xarray_to_cdf(l1a, os.path.join(out, "demo_mag_l1a_raw_peer.cdf"), istp=False)

    step = np.arange(16, dtype=np.int64) * 62_500_000
    epoch16 = (np.asarray(epoch, dtype=np.int64)[:, None] + step[None, :]).reshape(-1)
    scale = NT_PER_COUNT[ds["RANGE"].values.astype(np.int64)]
    b = vectors.astype(np.float64) * scale[:, None, None] - offsets(mission)[None, None, :]
    l1b = xr.Dataset(
        {"B": (("epoch", "axis"), b.reshape(-1, 3)),
         "range": (("epoch",), np.repeat(ds["RANGE"].values, 16))},
        coords={"epoch": ("epoch", epoch16)},
    )
    l1b.attrs = {"Logical_source": "demo_mag_l1b_norm"}
    xarray_to_cdf(l1b, os.path.join(out, "demo_mag_l1b_norm_peer.cdf"), istp=False)
    print(json.dumps({"packets": int(n), "vectors": int(n) * 16,
                      "seconds": time.perf_counter() - wall0, "cpu_seconds": cpu() - cpu0}))


if __name__ == "__main__":
    main()
