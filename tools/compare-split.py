"""Downlink against CCSDSPy on the same files, in the same run, as ratios.

Usage: python compare-split.py DOWNLINK_BINARY WORK_DIR FILE...

For each FILE, three jobs:
- split in memory: ccsdspy.utils.split_by_apid (per-APID BytesIO streams) against `downlink inspect`
  (maps the file and builds the per-APID packet index, the zero-copy equivalent);
- split to files: the same streams written and fsynced, against `downlink split` (which fsyncs too);
- headers: ccsdspy.utils.read_primary_headers against `downlink inspect --json`.

Each tool's runs of a job start right after the file has been dropped from the page cache and read
front to back (see `cache`).
Each job is timed two ways, best of 3 (CPU = user + system seconds):
- in process: CCSDSPy's call inside this Python process (interpreter and imports already loaded)
  against the stage times `downlink ... --timing` reports from inside its process (program loading
  excluded, reported apart as "start-up");
- whole process: a fresh `python -c 'import ccsdspy.utils; ...'` against the whole `downlink` process.
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


def cache(path):
    """Puts the file in the page cache as a file read from disk front to back is: written out,
    dropped from the cache, then read in order (the kernel reads it in large pieces, kept as large
    folios). Done before each tool's runs, so that every run of both tools starts from the same
    state. Why: how the pages came into the cache decides what mapping them costs, and a plain read
    of cached pages does not change it. Measured (mapping every page, C): the CYGNSS file as its
    3400 appends of 15 KB left it, 6.8 ms for 50 MB, and 1.3 ms once dropped and read again; the
    mixed 256 MiB file as a cold scattered scan left it, 21 ms, and 2.3 ms read again. This VM also
    drops page-cache pages on its own."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    with open(path, "rb", buffering=0) as f:
        while f.read(8 << 20):
            pass


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


PEER_SCRIPTS = {
    "memory": "import sys, ccsdspy.utils as u; streams = u.split_by_apid(sys.argv[1])",
    "files": ("import os, sys, ccsdspy.utils as u\n"
              "for apid, stream in u.split_by_apid(sys.argv[1]).items():\n"
              "    with open(os.path.join(sys.argv[2], f'apid{apid}.pkts'), 'wb') as f:\n"
              "        f.write(stream.read()); f.flush(); os.fsync(f.fileno())"),
    "headers": "import sys, ccsdspy.utils as u; h = u.read_primary_headers(sys.argv[1])",
}


def ccsdspy_process(job, path, out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    c0, w0 = cpu_children(), time.perf_counter()
    result = subprocess.run([sys.executable, "-c", PEER_SCRIPTS[job], path, out], capture_output=True)
    if result.returncode != 0:
        sys.exit(f"ccsdspy {job} failed: {result.stderr.decode()}")
    return cpu_children() - c0, time.perf_counter() - w0


def downlink(binary, args, stages):
    """Runs downlink with --timing; returns (in-process cpu, in-process wall, process cpu, process wall,
    start-up cpu, stdout)."""
    c0, w0 = cpu_children(), time.perf_counter()
    result = subprocess.run([binary] + args + ["--timing"], capture_output=True)
    wall = time.perf_counter() - w0
    cpu = cpu_children() - c0
    if result.returncode != 0:
        sys.exit(f"downlink {' '.join(args)} failed: {result.stderr.decode()}")
    timing = next(json.loads(line) for line in result.stderr.decode().splitlines() if line.startswith("{"))
    inner_cpu = sum(timing[f"{s}_cpu_seconds"] for s in stages)
    inner_wall = sum(timing[f"{s}_seconds"] for s in stages)
    return inner_cpu, inner_wall, cpu, wall, timing["startup_cpu_seconds"], result.stdout


def row(name, job, size, theirs, ours, theirs_process, ours_process):
    print(f"{name:<26} {job:<16} {theirs[0]:>9.3f} {ours[0]:>9.4f} {size / theirs[0] / 1e6:>8.0f} {size / ours[0] / 1e6:>8.0f}"
          f" {theirs[0] / ours[0]:>8.1f} {theirs[1] / ours[1]:>8.1f} {theirs_process[0] / ours_process[2]:>8.1f} {theirs_process[1] / ours_process[3]:>8.1f}"
          f" {ours_process[4]:>8.3f}")


def main():
    binary, work, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    print("CPU and wall ratios, CCSDSPy / Downlink (>1: Downlink is faster); best of 3 each.")
    print(f"{'':<43} {'in process: cpu s':>19} {'MB/cpu-s':>17} {'in-process ratio':>17} {'whole-process':>17} {'downlink':>8}")
    print(f"{'file':<26} {'job':<16} {'ccsdspy':>9} {'downlink':>9} {'ccsdspy':>8} {'downlink':>8} {'cpu':>8} {'wall':>8} {'cpu':>8} {'wall':>8} {'start-up':>8}")
    for path in files:
        size = os.path.getsize(path)
        name = os.path.basename(path)[:26]
        scratch = os.path.join(work, "ccsdspy")
        cache(path)
        theirs = best([ccsdspy_split_memory(path)[:2] for _ in range(3)])
        theirs_process = best([ccsdspy_process("memory", path, scratch) for _ in range(3)])
        cache(path)
        runs = [downlink(binary, ["inspect", path], ["scan"]) for _ in range(3)]
        row(name, "split in memory", size, theirs, best([r[:2] for r in runs]), theirs_process, _process(runs))
        cache(path)
        theirs = best([ccsdspy_split(path, scratch) for _ in range(3)])
        theirs_process = best([ccsdspy_process("files", path, scratch) for _ in range(3)])
        cache(path)
        runs = [downlink(binary, ["split", path, "--output", os.path.join(work, "downlink")], ["scan", "split"]) for _ in range(3)]
        row(name, "split to files", size, theirs, best([r[:2] for r in runs]), theirs_process, _process(runs))
        cache(path)
        theirs = best([ccsdspy_headers(path) for _ in range(3)])
        headers = ccsdspy_headers(path)[2]
        theirs_process = best([ccsdspy_process("headers", path, scratch) for _ in range(3)])
        cache(path)
        runs = [downlink(binary, ["inspect", "--json", path], ["scan"]) for _ in range(3)]
        packets = json.loads(runs[0][5])["packets"]
        assert packets == headers, f"{name}: downlink {packets} packets, ccsdspy {headers}"
        row(name, "headers/inspect", size, theirs[:2], best([r[:2] for r in runs]), theirs_process, _process(runs))
        inner = best([r[:2] for r in runs])
        print(f"{'':<26} {'packets':<16} {packets:>9}   downlink scan {packets / inner[0] / 1e6:.1f} M packets/s of CPU in process")


def _process(runs):
    """The fastest whole downlink process of `runs` as (_, _, cpu, wall, start-up)."""
    cpu = min(r[2] for r in runs)
    wall = min(r[3] for r in runs)
    startup = min(r[4] for r in runs)
    return (None, None, cpu, wall, startup)


if __name__ == "__main__":
    main()
