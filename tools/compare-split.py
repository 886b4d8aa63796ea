"""Downlink against CCSDSPy on the same files, in the same run, as ratios.

Usage: python compare-split.py DOWNLINK_BINARY WORK_DIR FILE...

For each FILE, three jobs:
- split in memory: ccsdspy.utils.split_by_apid (per-APID BytesIO streams) against `downlink inspect`
  (maps the file and builds the per-APID packet index, the zero-copy equivalent, then prints a table);
- split to files: the same streams written and fsynced, against `downlink split` (which fsyncs too);
- headers: ccsdspy.utils.read_primary_headers against `downlink inspect --json`.
CPU time (user + system) and wall time, best of 3; MB/s, packets/s and Downlink/CCSDSPy ratios.
"""
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import time

import ccsdspy.utils as utils

logging.getLogger("ccsdspy").setLevel(logging.ERROR)


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def best(runs):
    return min(runs, key=lambda r: r[0])


def ccsdspy_split(path, out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    c0, w0 = cpu_self(), time.perf_counter()
    streams = utils.split_by_apid(path)
    for apid, stream in streams.items():
        with open(os.path.join(out, f"apid{apid}.pkts"), "wb") as f:
            f.write(stream.read())
            f.flush()
            os.fsync(f.fileno())
    return cpu_self() - c0, time.perf_counter() - w0


def ccsdspy_split_memory(path):
    c0, w0 = cpu_self(), time.perf_counter()
    streams = utils.split_by_apid(path)
    n = sum(len(s.getbuffer()) for s in streams.values())
    return cpu_self() - c0, time.perf_counter() - w0, n


def ccsdspy_headers(path):
    c0, w0 = cpu_self(), time.perf_counter()
    headers = utils.read_primary_headers(path)
    n = len(headers["CCSDS_APID"])
    return cpu_self() - c0, time.perf_counter() - w0, n


def downlink(binary, args):
    c0, w0 = cpu_children(), time.perf_counter()
    result = subprocess.run([binary] + args, capture_output=True)
    if result.returncode != 0:
        sys.exit(f"downlink {' '.join(args)} failed: {result.stderr.decode()}")
    return cpu_children() - c0, time.perf_counter() - w0, result.stdout


def main():
    binary, work, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    print(f"{'file':<34} {'job':<16} {'ccsdspy cpu s':>13} {'downlink cpu s':>14} {'ccsdspy MB/s':>12} {'downlink MB/s':>13} {'ratio (cpu)':>11} {'ratio (wall)':>12}")
    for path in files:
        size = os.path.getsize(path)
        name = os.path.basename(path)[:34]
        theirs = best([ccsdspy_split_memory(path) for _ in range(3)])
        ours = best([downlink(binary, ["inspect", path])[:2] for _ in range(3)])
        print(f"{name:<34} {'split in memory':<16} {theirs[0]:>13.3f} {ours[0]:>14.3f} {size / theirs[0] / 1e6:>12.1f} {size / ours[0] / 1e6:>13.1f} {theirs[0] / ours[0]:>11.1f} {theirs[1] / ours[1]:>12.1f}")
        theirs = best([ccsdspy_split(path, os.path.join(work, "ccsdspy")) for _ in range(3)])
        ours = best([downlink(binary, ["split", path, "--output", os.path.join(work, "downlink")])[:2] for _ in range(3)])
        print(f"{name:<34} {'split to files':<16} {theirs[0]:>13.3f} {ours[0]:>14.3f} {size / theirs[0] / 1e6:>12.1f} {size / ours[0] / 1e6:>13.1f} {theirs[0] / ours[0]:>11.1f} {theirs[1] / ours[1]:>12.1f}")
        theirs = best([ccsdspy_headers(path) for _ in range(3)])
        runs = [downlink(binary, ["inspect", "--json", path]) for _ in range(3)]
        ours = best([r[:2] for r in runs])
        packets = json.loads(runs[0][2])["packets"]
        assert packets == theirs[2], f"{name}: downlink {packets} packets, ccsdspy {theirs[2]}"
        print(f"{name:<34} {'headers/inspect':<16} {theirs[0]:>13.3f} {ours[0]:>14.3f} {size / theirs[0] / 1e6:>12.1f} {size / ours[0] / 1e6:>13.1f} {theirs[0] / ours[0]:>11.1f} {theirs[1] / ours[1]:>12.1f}")
        print(f"{'':<34} {'packets':<16} {packets:>13}   downlink inspect {packets / ours[0] / 1e6:.1f} M packets/s (cpu, process start included)")


if __name__ == "__main__":
    main()
