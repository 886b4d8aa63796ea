"""CCSDSPy's view of Level-0 files, for comparison with Downlink.

Usage: python ccsdspy_reference.py OUTPUT_DIR FILE...

For each FILE: packet count and bytes per APID from ccsdspy.utils.read_primary_headers, and the
per-APID streams of ccsdspy.utils.split_by_apid written to OUTPUT_DIR/<index>/apid<APID>.pkts.
Prints one JSON object: {"files": [{"file", "apids": {APID: {"packets", "bytes"}}, "split_dir"}]}.
"""
import json
import logging
import os
import sys

import numpy as np
import ccsdspy.utils as utils

logging.getLogger("ccsdspy").setLevel(logging.ERROR)


def main():
    out_dir = sys.argv[1]
    results = []
    for index, path in enumerate(sys.argv[2:]):
        headers = utils.read_primary_headers(path)
        apids = np.asarray(headers["CCSDS_APID"])
        lengths = np.asarray(headers["CCSDS_PACKET_LENGTH"]).astype(np.int64) + 7
        per_apid = {}
        for apid in np.unique(apids):
            mask = apids == apid
            per_apid[str(int(apid))] = {"packets": int(mask.sum()), "bytes": int(lengths[mask].sum())}
        split_dir = os.path.join(out_dir, str(index))
        os.makedirs(split_dir, exist_ok=True)
        for apid, stream in utils.split_by_apid(path).items():
            with open(os.path.join(split_dir, f"apid{apid}.pkts"), "wb") as f:
                f.write(stream.read())
        results.append({"file": path, "apids": per_apid, "split_dir": split_dir})
    json.dump({"files": results}, sys.stdout)


if __name__ == "__main__":
    main()
