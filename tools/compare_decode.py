#!/usr/bin/env python3
"""Decode throughput of Downlink, CCSDSPy 2.0.1 and space_packet_parser 6.2.0, in one run.

Inputs (generated into WORK, reused when present):
  hs   -- CCSDSPy's test file hs/apid895 (34-byte packets) replicated to >= 100 MB, 20 fields
          (7 primary header fields + the 13 of defs.csv, bit offsets after the primary header);
  wide -- generated packets of 120 fields of mixed widths (1-32 bits, signed and unsigned, at
          every bit alignment), >= 64 MB.
Each tool decodes every field into columns on ONE core (Downlink runs under `taskset -c 0` and
reports its decode phase; the Python decoders report process CPU time of their decode call).
space_packet_parser decodes a small slice of each file; its rate is scaled to the whole file.
Rates come from CPU time (the machine may be shared: wall time is printed too). Peak RSS is each
process's VmHWM / ru_maxrss.

Usage: compare_decode.py DOWNLINK_BINARY REFERENCE_DATA_CCSDSPY WORK
"""
import json
import os
import resource
import statistics
import struct
import subprocess
import sys
import time

import numpy as np

HEADER = [("CCSDS_VERSION_NUMBER", 3), ("CCSDS_PACKET_TYPE", 1), ("CCSDS_SECONDARY_FLAG", 1), ("CCSDS_APID", 11),
          ("CCSDS_SEQUENCE_FLAG", 2), ("CCSDS_SEQUENCE_COUNT", 14), ("CCSDS_PACKET_LENGTH", 16)]


def xtce(apid, fields):
    """XTCE 1.2 text for a header container and one container of (name, kind, bits) fields."""
    types, params, entries = [], [], []
    seen = set()
    for name, kind, bits in HEADER_FIELDS + fields:
        tname = "%s%d" % (kind, bits)
        if tname not in seen:
            seen.add(tname)
            if kind == "float":
                types.append('<xtce:FloatParameterType name="%s"><xtce:FloatDataEncoding sizeInBits="%d"/></xtce:FloatParameterType>' % (tname, bits))
            else:
                enc = "twosComplement" if kind == "int" else "unsigned"
                types.append('<xtce:IntegerParameterType name="%s"><xtce:IntegerDataEncoding sizeInBits="%d" encoding="%s"/></xtce:IntegerParameterType>' % (tname, bits, enc))
        params.append('<xtce:Parameter name="%s" parameterTypeRef="%s"/>' % (name, tname))
    header_entries = "".join('<xtce:ParameterRefEntry parameterRef="%s"/>' % n for n, _, _ in HEADER_FIELDS)
    entries = "".join('<xtce:ParameterRefEntry parameterRef="%s"/>' % n for n, _, _ in fields)
    return """<?xml version="1.0" encoding="UTF-8"?>
<xtce:SpaceSystem xmlns:xtce="http://www.omg.org/spec/XTCE/20180204" name="BENCH">
<xtce:TelemetryMetaData>
<xtce:ParameterTypeSet>%s</xtce:ParameterTypeSet>
<xtce:ParameterSet>%s</xtce:ParameterSet>
<xtce:ContainerSet>
<xtce:SequenceContainer name="CCSDSPacket" abstract="true"><xtce:EntryList>%s</xtce:EntryList></xtce:SequenceContainer>
<xtce:SequenceContainer name="Bench"><xtce:BaseContainer containerRef="CCSDSPacket"><xtce:RestrictionCriteria>
<xtce:Comparison parameterRef="CCSDS_APID" value="%d" useCalibratedValue="false"/></xtce:RestrictionCriteria></xtce:BaseContainer>
<xtce:EntryList>%s</xtce:EntryList></xtce:SequenceContainer>
</xtce:ContainerSet>
</xtce:TelemetryMetaData>
</xtce:SpaceSystem>
""" % ("\n".join(types), "\n".join(params), header_entries, apid, entries)


HEADER_FIELDS = [(n, "uint", b) for n, b in HEADER]


def hs_fields(defs):
    import csv
    out = []
    with open(defs, newline="") as f:
        for row in csv.DictReader(f):
            out.append((row["name"], row["data_type"], int(row["bit_length"]), int(row["bit_offset"]) + 48))
    return out


def prepare(ccsdspy_data, work):
    os.makedirs(work, exist_ok=True)
    hs_dir = os.path.join(ccsdspy_data, "hs", "apid895")
    tlm = [f for f in os.listdir(hs_dir) if f.endswith(".tlm")][0]
    source = open(os.path.join(hs_dir, tlm), "rb").read()
    hs = os.path.join(work, "hs895_100MB.tlm")
    if not os.path.exists(hs) or os.path.getsize(hs) < 100_000_000:
        with open(hs, "wb") as f:
            written = 0
            while written < 100_000_000:
                f.write(source)
                written += len(source)
    defs = os.path.join(hs_dir, "defs.csv")
    fields = hs_fields(defs)
    # pkt895_uint32_bitfld overlays its 5 sub-fields (fld1-fld5); a sequential XTCE container cannot
    # overlay (and space_packet_parser ignores LocationInContainerInBits), so space_packet_parser
    # decodes the 12 other fields plus the 7 header fields: 19 of the 20.
    hs_xml = os.path.join(work, "hs895.xml")
    spp_fields = [(n, k, b) for n, k, b, o in fields if n != "pkt895_uint32_bitfld"]
    with open(hs_xml, "w") as f:
        f.write(xtce(895, spp_fields))

    widths = [1, 3, 5, 7, 8, 11, 12, 13, 16, 17, 20, 24, 27, 31, 32]
    wide_fields = []
    for i in range(120):
        bits = widths[i % len(widths)]
        kind = "int" if i % 3 == 0 and bits > 1 else "uint"
        wide_fields.append(("F%03d" % i, kind, bits))
    total_bits = sum(b for _, _, b in wide_fields)
    payload_bytes = (total_bits + 7) // 8
    wide = os.path.join(work, "wide_64MB.bin")
    wide_xml = os.path.join(work, "wide.xml")
    with open(wide_xml, "w") as f:
        f.write(xtce(300, wide_fields))
    packet_len = 6 + payload_bytes
    count = 64_000_000 // packet_len + 1
    if not os.path.exists(wide) or os.path.getsize(wide) != count * packet_len:
        rng = np.random.default_rng(5)
        body = rng.integers(0, 256, size=(count, packet_len), dtype=np.uint8)
        seq = np.arange(count) % 16384
        body[:, 0] = 0x01  # version 0, TM, no secondary header, APID 300 = 0x12C
        body[:, 1] = 0x2C
        body[:, 2] = (0xC0 | (seq >> 8)).astype(np.uint8)
        body[:, 3] = (seq & 0xFF).astype(np.uint8)
        body[:, 4] = (payload_bytes - 1) >> 8
        body[:, 5] = (payload_bytes - 1) & 0xFF
        body.tofile(wide)
    offsets, pos = [], 48
    for n, k, b in wide_fields:
        offsets.append((n, k, b, pos))
        pos += b
    return {
        "hs": {"file": hs, "csv": defs, "xml": hs_xml, "fields": fields, "spp_fields": len(spp_fields) + 7,
               "packet": struct.unpack(">H", source[4:6])[0] + 7, "apid": 895},
        "wide": {"file": wide, "xml": wide_xml, "fields": offsets, "spp_fields": len(wide_fields) + 7,
                 "packet": packet_len, "apid": 300},
    }


def downlink(binary, case, name, runs=7):
    """Decodes in `runs` separate processes (each: map, scan, one decode), on core 0. Returns the
    last run's numbers with decode CPU seconds replaced by the median over runs (and the minimum)."""
    args = ["taskset", "-c", "0", binary, "decode", case["file"], "--format", "none", "--timing", "--no-header-columns"]
    if name == "hs":
        args += ["--definitions", case["csv"], "--csv-apid", "895", "--csv-offsets", "after-header"]
    else:
        args += ["--definitions", case["xml"]]
    results = []
    for _ in range(runs):
        run = subprocess.run(args, capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit("downlink failed: " + run.stderr)
        results.append(json.loads([l for l in run.stderr.splitlines() if l.startswith("{")][-1]))
    out = dict(results[-1])
    cpu = [r["decode_cpu_seconds"] for r in results]
    out["cpu_median"] = statistics.median(cpu)
    out["cpu_min"] = min(cpu)
    out["wall_median"] = statistics.median(r["decode_seconds"] for r in results)
    out["scan_median"] = statistics.median(r["scan_seconds"] for r in results)
    out["peak_rss_bytes"] = max(r["peak_rss_bytes"] for r in results)
    return out


CCSDSPY_SNIPPET = r"""
import json, resource, statistics, sys, time, logging
import ccsdspy
logging.getLogger("ccsdspy").setLevel(logging.ERROR)
fields = [ccsdspy.PacketField(name=n, data_type=k, bit_length=b, bit_offset=o) for n, k, b, o in json.loads(sys.argv[2])]
times = []
for _ in range(5):
    t = time.process_time()
    result = ccsdspy.FixedLength(fields).load(sys.argv[1], include_primary_header=True)
    times.append(time.process_time() - t)
    packets = len(next(iter(result.values())))
    del result
print(json.dumps({"seconds": statistics.median(times), "min": min(times), "packets": packets, "columns": len(fields) + 7,
                  "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

SPP_SNIPPET = r"""
import json, resource, sys, time, warnings
import space_packet_parser as spp
warnings.simplefilter("ignore")
definition = spp.XtcePacketDefinition.from_xtce(sys.argv[2])
data = open(sys.argv[1], "rb").read()
t = time.process_time()
n = 0
for raw in spp.ccsds_generator(data):
    packet = definition.parse_bytes(raw)
    n += 1
seconds = time.process_time() - t
print(json.dumps({"seconds": seconds, "packets": n, "bytes": len(data), "fields": len(packet),
                  "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def ccsdspy_run(python, case):
    fields = [(n, k, b, o) for n, k, b, o in case["fields"]]
    run = subprocess.run(["taskset", "-c", "0", python, "-c", CCSDSPY_SNIPPET, case["file"], json.dumps(fields)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit("ccsdspy failed: " + run.stderr)
    return json.loads(run.stdout.strip().splitlines()[-1])


def spp_run(python, case, work, packets):
    slice_path = case["file"] + ".slice"
    with open(case["file"], "rb") as f:
        data = f.read(case["packet"] * packets)
    with open(slice_path, "wb") as f:
        f.write(data)
    run = subprocess.run(["taskset", "-c", "0", python, "-c", SPP_SNIPPET, slice_path, case["xml"]],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit("space_packet_parser failed: " + run.stderr)
    return json.loads(run.stdout.strip().splitlines()[-1])


def main():
    binary, ccsdspy_data, work = sys.argv[1], sys.argv[2], sys.argv[3]
    python = sys.executable
    cases = prepare(ccsdspy_data, work)
    print("Decode throughput on one core, from CPU time of the decode step (Downlink: median of 7 processes, "
          "each mapping, scanning and decoding once; CCSDSPy: median of 5 loads; space_packet_parser: one pass "
          "over a slice, scaled). Best run in brackets.")
    for name, case in cases.items():
        size = os.path.getsize(case["file"])
        d = downlink(binary, case, name)
        c = ccsdspy_run(python, case)
        s = spp_run(python, case, work, 20000 if name == "hs" else 3000)
        d_mbs = size / d["cpu_median"] / 1e6
        d_best = size / d["cpu_min"] / 1e6
        d_pps = d["packets"] / d["cpu_median"]
        d_total = size / (d["cpu_median"] + d["scan_median"]) / 1e6
        c_mbs = size / c["seconds"] / 1e6
        c_best = size / c["min"] / 1e6
        c_pps = c["packets"] / c["seconds"]
        s_mbs = s["bytes"] / s["seconds"] / 1e6
        s_pps = s["packets"] / s["seconds"]
        print()
        print("%s: %s, %.1f MB, %d packets of %d bytes, %d fields" % (
            name, os.path.basename(case["file"]), size / 1e6, d["packets"], case["packet"], len(case["fields"]) + 7))
        print("  %-22s %10s %14s %10s %12s" % ("tool", "MB/s", "packets/s", "x slower", "peak RSS MB"))
        print("  %-22s %10.0f %14.0f %10s %12.0f   [%.0f MB/s]; with scan %.0f MB/s; columns %.0f MB; wall %.3f s" % (
            "Downlink", d_mbs, d_pps, "1", d["peak_rss_bytes"] / 1e6, d_best, d_total, d["column_bytes"] / 1e6,
            d["wall_median"]))
        print("  %-22s %10.1f %14.0f %10.1f %12.0f   [%.0f MB/s]" % ("CCSDSPy FixedLength", c_mbs, c_pps, d_mbs / c_mbs,
                                                                   c["peak_rss_bytes"] / 1e6, c_best))
        print("  %-22s %10.3f %14.0f %10.0f %12.0f   (%d packets, %d fields)" % (
            "space_packet_parser", s_mbs, s_pps, d_mbs / s_mbs, s["peak_rss_bytes"] / 1e6, s["packets"], s["fields"]))
        budget = 1.5 * d["column_bytes"] + 64e6
        print("  targets: >= 2000 MB/s per core: %s; >= 10x CCSDSPy: %s; >= 1000x space_packet_parser: %s; "
              "peak RSS %.0f MB <= 1.5 x columns + 64 MB = %.0f MB: %s" % (
                  "yes" if d_mbs >= 2000 else "NO", "yes" if d_mbs / c_mbs >= 10 else "NO",
                  "yes" if d_mbs / s_mbs >= 1000 else "NO", d["peak_rss_bytes"] / 1e6, budget / 1e6,
                  "yes" if d["peak_rss_bytes"] <= budget else "NO"))


if __name__ == "__main__":
    main()
