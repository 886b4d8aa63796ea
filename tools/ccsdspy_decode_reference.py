#!/usr/bin/env python3
"""Decodes a fixed-length packet file with CCSDSPy (FixedLength) from a CCSDSPy-style CSV
definition (name,data_type,bit_offset,bit_length[,calibration]), and prints
one JSON object: {"count": N, "columns": {name: [tagged value, ...]}} with the primary
header fields under CCSDSPy's names. Calibration columns are ignored (raw values only).

Tagged values as tools/spp_reference.py prints them: "i:<decimal>", "f:<binary64 hex>", "s:<text>".

Usage: ccsdspy_decode_reference.py DEFS.csv FILE [--after-primary-header]

CCSDSPy counts bit_offset from the packet start (primary header included). The hs/apidNNN
definitions of CCSDSPy's test data count from the end of the primary header (CCSDSPy's own test
ignores their offsets); --after-primary-header adds the header's 48 bits so CCSDSPy reads the same
bits Downlink reads with CSVBitOffsetOrigin.afterPrimaryHeader.
"""
import csv
import json
import logging
import struct
import sys

import numpy as np
import ccsdspy

logging.getLogger("ccsdspy").setLevel(logging.ERROR)


def tagged(v):
    if isinstance(v, (bytes, np.bytes_)):
        return "s:" + bytes(v).rstrip(b"\0").decode("utf-8", "replace")
    if isinstance(v, str):
        return "s:" + v
    if isinstance(v, (np.floating, float)):
        return "f:" + struct.pack(">d", float(v)).hex()
    return "i:%d" % int(v)


def main():
    defs, path = sys.argv[1], sys.argv[2]
    shift = 48 if "--after-primary-header" in sys.argv[3:] else 0
    fields = []
    with open(defs, newline="") as f:
        for row in csv.DictReader(f):
            fields.append(ccsdspy.PacketField(name=row["name"], data_type=row["data_type"],
                                              bit_length=int(row["bit_length"]), bit_offset=int(row["bit_offset"]) + shift))
    result = ccsdspy.FixedLength(fields).load(path, include_primary_header=True)
    columns = {name: [tagged(v) for v in np.asarray(values).tolist()] if np.asarray(values).dtype.kind not in "SU"
               else [tagged(v) for v in np.asarray(values)] for name, values in result.items()}
    count = len(next(iter(columns.values()))) if columns else 0
    json.dump({"count": count, "columns": columns}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
