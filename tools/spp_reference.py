#!/usr/bin/env python3
"""Decodes a CCSDS file with space_packet_parser (the reference XTCE decoder) and prints one JSON
object per packet, in file order, for value-by-value comparison with Downlink's decoder.

Usage: spp_reference.py DEFINITION.xml FILE [--max-packets N]

Each line: {"offset": byte offset, "apid": APID, "raw": {name: value}, "derived": {name: value}}
or {"offset": ..., "apid": ..., "error": "..."} for packets the definition does not decode.
Values are strings with a type tag so nothing is lost in JSON: "i:<decimal>" integers,
"f:<16 hex digits>" IEEE binary64 bit pattern of floats, "b:<hex>" bytes, "s:<text>" strings.
"""
import argparse
import json
import struct
import sys
import warnings

import space_packet_parser as spp
from space_packet_parser.exceptions import UnrecognizedPacketTypeError


def tagged(value):
    if isinstance(value, (bytes, bytearray)):
        return "b:" + bytes(value).hex()
    if isinstance(value, str):
        return "s:" + str(value)
    if isinstance(value, bool):
        return "i:%d" % int(value)
    if isinstance(value, int):
        return "i:%d" % int(value)
    if isinstance(value, float):
        return "f:" + struct.pack(">d", float(value)).hex()
    raise TypeError("unexpected value type %r" % type(value))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("definition")
    parser.add_argument("file")
    parser.add_argument("--max-packets", type=int, default=0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    definition = spp.XtcePacketDefinition.from_xtce(args.definition)
    with open(args.file, "rb") as f:
        data = f.read()
    out = sys.stdout
    offset = 0
    count = 0
    while offset + 6 <= len(data):
        length = struct.unpack(">H", data[offset + 4:offset + 6])[0] + 7
        apid = struct.unpack(">H", data[offset:offset + 2])[0] & 0x7FF
        chunk = data[offset:offset + length]
        record = {"offset": offset, "apid": apid}
        try:
            packet = definition.parse_bytes(chunk)
            record["raw"] = {k: tagged(v.raw_value) for k, v in packet.items()}
            record["derived"] = {k: tagged(v) for k, v in packet.items()}
        except UnrecognizedPacketTypeError as e:
            record["error"] = str(e).split("\n")[0]
        except Exception as e:  # any other failure of the reference decoder, reported, not hidden
            record["error"] = "%s: %s" % (type(e).__name__, str(e).split("\n")[0])
        out.write(json.dumps(record) + "\n")
        offset += length
        count += 1
        if args.max_packets and count >= args.max_packets:
            break


if __name__ == "__main__":
    main()
