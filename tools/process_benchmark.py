#!/usr/bin/env python3
"""Driver of tools/process-benchmark: generates demo L0 days with `downlink synth --mission demo`, runs
`downlink process` on them, and the imap_processing-style peer (tools/demo_mag_peer.py) on the same
magnetometer L0. Times are wall seconds and CPU seconds of the child processes (getrusage), medians of
--repeat runs; the machine is shared, so the ratios from one run are what to compare.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time

DAY = "2025-03-01"


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, **kw):
    c0, w0 = children_cpu(), time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)
    return time.perf_counter() - w0, children_cpu() - c0, out.stdout


def median(values):
    return sorted(values)[len(values) // 2]


def size_of(folder):
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))


def parse_bytes(text):
    units = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
    t = text.upper()
    for u, m in units.items():
        if t.endswith(u):
            return int(float(t[: -len(u)]) * m)
    return int(t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--downlink", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--bytes", default="2GB", help="size of the big demo day (all instruments)")
    ap.add_argument("--formats", default="", help="override the mission's formats for the big day, e.g. cdf")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    dl, root = args.downlink, args.root
    mission = os.path.join(root, "testdata", "missions", "demo")
    work = os.path.join(root, "tmp", "bench-process")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    result = {}

    # 1. Peer comparison: one nominal day of the magnetometer, L1A + L1B as CDF, both sides.
    small = os.path.join(work, "small")
    subprocess.run([dl, "synth", "--mission", "demo", "--days", "1", "--start", DAY, "--faults", "none", "-o", small],
                   check=True, capture_output=True)
    mag = os.path.join(small, "demo_mag_l0_%s_v001.pkts" % DAY.replace("-", ""))
    peer_wall, peer_cpu, ours_wall, ours_cpu = [], [], [], []
    for i in range(args.repeat):
        out = os.path.join(work, "peer-out")
        shutil.rmtree(out, ignore_errors=True)
        w, c, _ = timed([sys.executable, os.path.join(root, "tools", "demo_mag_peer.py"), mission, mag, out])
        peer_wall.append(w); peer_cpu.append(c)
        out = os.path.join(work, "ours-out")
        shutil.rmtree(out, ignore_errors=True)
        w, c, _ = timed([dl, "process", "--mission", mission, "--date", DAY, "--product", "mag_l1b_norm",
                         "--format", "cdf", "-o", out, "--json", mag])
        ours_wall.append(w); ours_cpu.append(c)
    mb = os.path.getsize(mag) / 1e6
    result["mag_l1a_l1b_vs_peer"] = {
        "l0_mb": round(mb, 2),
        "downlink_cpu_s": round(median(ours_cpu), 3), "downlink_wall_s": round(median(ours_wall), 3),
        "peer_cpu_s": round(median(peer_cpu), 3), "peer_wall_s": round(median(peer_wall), 3),
        "cpu_ratio": round(median(peer_cpu) / median(ours_cpu), 1),
        "wall_ratio": round(median(peer_wall) / median(ours_wall), 1),
    }
    print(json.dumps({"mag_l1a_l1b_vs_peer": result["mag_l1a_l1b_vs_peer"]}), flush=True)

    # 2. A big day, every product, on all cores and on one.
    big = os.path.join(work, "big")
    subprocess.run([dl, "synth", "--mission", "demo", "--days", "1", "--start", DAY, "--bytes-per-day", args.bytes,
                    "-o", big], check=True, capture_output=True)
    l0_bytes = sum(os.path.getsize(os.path.join(big, f)) for f in os.listdir(big) if f.endswith(".pkts"))
    runs = {}
    cores = os.cpu_count() or 1
    for label, prefix in (("all_cores", []), ("one_core", ["taskset", "-c", "0"])):
        walls, cpus = [], []
        for i in range(max(1, args.repeat - 1)):
            out = os.path.join(work, "big-out")
            shutil.rmtree(out, ignore_errors=True)
            cmd = prefix + [dl, "process", "--mission", mission, "--date", DAY, "-o", out, "--json"]
            if args.formats:
                for f in args.formats.split(","):
                    cmd += ["--format", f]
            w, c, stdout = timed(cmd + [big])
            walls.append(w); cpus.append(c)
            product_bytes = size_of(out)
        runs[label] = {"wall_s": round(median(walls), 2), "cpu_s": round(median(cpus), 2),
                       "gb_per_s": round(l0_bytes / median(walls) / 1e9, 3), "product_bytes": product_bytes}
        print(json.dumps({label: runs[label]}), flush=True)
    result["big_day"] = {"l0_bytes": l0_bytes, "cores": cores, **runs,
                         "scaling_1_to_all": round(runs["one_core"]["wall_s"] / runs["all_cores"]["wall_s"], 2)}
    print(json.dumps(result, indent=1))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
