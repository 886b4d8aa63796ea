#!/usr/bin/env python3
"""Checks FITS and HDF5 files written by Downlink's tests with independent readers.

Usage: writer_validate.py MANIFEST.json   (written by Tests/WriterTestSupport/WriterManifest.swift)

FITS: astropy (checksums verified, warnings are errors), fitsio (cfitsio), fitsverify; tile-compressed
tables are unpacked with funpack first. HDF5: h5py with hdf5plugin (zstd), h5dump. Every variable is
compared bit-exactly with the bytes the test wrote; attributes, time keywords and dimension scales
are checked. Prints one line per check and 'N passed, M failed' at the end; exits 1 on any failure.
"""
import base64, json, os, subprocess, sys, tempfile, warnings

import numpy as np

PASSED, FAILED = [0], [0]


def check(ok, what):
    if ok:
        PASSED[0] += 1
    else:
        FAILED[0] += 1
        print(f"FAIL {what}")


NUMERIC = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
           "int64": "i8", "uint64": "u8", "float32": "f4", "float64": "f8", "tt2000": "i8"}


def expected(v):
    """The variable's values as a numpy array of its full shape ([records] + shape) from the manifest."""
    raw = base64.b64decode(v["data_b64"])
    t = v["type"]
    dims = [v["records"]] + v["shape"] if v["record_varying"] else v["shape"]
    if t in NUMERIC:
        return np.frombuffer(raw, dtype="<" + NUMERIC[t]).reshape(dims)
    w = int(t[1:])
    if t[0] == "S":
        return np.frombuffer(raw, dtype=f"S{w}").reshape(dims)
    return np.frombuffer(raw, dtype="u1").reshape(dims + [w])


def same_bits(actual, exp):
    """Bit-exact equality: values compared as little-endian bytes of the expected type."""
    a = np.asarray(actual)
    if a.size == 0 and exp.size == 0 and a.shape[:1] == exp.shape[:1]:
        return True, ""  # astropy shapes a 0-row string-array column as (0,); TDIMn is checked separately
    if a.shape != exp.shape:
        return False, f"shape {a.shape} != {exp.shape}"
    a = np.ascontiguousarray(a)
    if exp.dtype.kind == "S":
        a = np.char.encode(a, "utf-8") if a.dtype.kind == "U" else a
        ok = [x.rstrip(b"\0 ") == y.rstrip(b"\0") for x, y in zip(a.ravel().tolist(), exp.ravel().tolist())]
        return all(ok), "strings differ"
    if a.dtype.itemsize != exp.dtype.itemsize or a.dtype.kind != exp.dtype.kind:
        return False, f"dtype {a.dtype} != {exp.dtype}"
    a = a.astype(a.dtype.newbyteorder("<")) if a.dtype.byteorder == ">" else a
    if exp.dtype.kind == "f":
        u = f"<u{exp.dtype.itemsize}"
        return bool((a.view(u) == exp.view(u)).all()), "float bits differ"
    return a.tobytes() == exp.tobytes(), "bytes differ"


def attr_value(a):
    if a["type"] == "text":
        return a["values"]
    dt = "<" + NUMERIC[a["type"]]
    return np.frombuffer(base64.b64decode(a["le_b64"]), dtype=dt)


def same_attr(actual, a, fits_text=False):
    exp = attr_value(a)
    if a["type"] == "text":
        if fits_text:  # FITS string values: trailing spaces are not significant (FITS 4.0 section 4.2.1)
            exp = [x.rstrip(" ") for x in exp]
        if isinstance(actual, (bytes, np.bytes_)):
            actual = actual.decode()
        if isinstance(actual, np.ndarray):
            actual = [x.decode() if isinstance(x, bytes) else str(x) for x in actual.ravel().tolist()]
        if isinstance(actual, str):
            actual = [actual]
        return list(actual) == list(exp)
    act = np.atleast_1d(np.asarray(actual))
    if act.size != exp.size:
        return False
    if exp.dtype.kind == "f":
        return bool((act.astype(exp.dtype).view(f"u{exp.dtype.itemsize}") == exp.view(f"u{exp.dtype.itemsize}")).all())
    return [int(x) for x in act.ravel()] == [int(x) for x in exp.ravel()]


# ---------------------------------------------------------------- FITS

def fits_keyword_values(header, name, a):
    """The values of an attribute written as FITS keywords (one, or NAME_1..NAME_n)."""
    n = len(a["values"]) if a["type"] == "text" else a["count"]
    keys = [name] if n == 1 else [f"{name}_{i + 1}" for i in range(n)]
    out = []
    for k in keys:
        key = k if len(k) <= 8 and k.upper() == k and " " not in k else "HIERARCH " + k
        if key not in header:
            return None
        out.append(header[key])
    return out


def validate_fits(f):
    from astropy.io import fits
    import fitsio
    path = f["path"]
    name = os.path.basename(path)
    r = subprocess.run(["fitsverify", path], capture_output=True, text=True)
    check(r.returncode == 0 and "Verification found 0 warning(s) and 0 error(s)" in r.stdout,
          f"{name}: fitsverify: {r.stdout[-3000:]} {r.stderr.strip()}")
    read_path = path
    if f["compressed"]:
        tmp = tempfile.mkdtemp()
        read_path = os.path.join(tmp, "unpacked.fits")
        r = subprocess.run(["funpack", "-O", read_path, path], capture_output=True, text=True)
        check(r.returncode == 0, f"{name}: funpack: {r.stderr}")
        # cfitsio compresses multi-row tables; the one-row support table may stay as it is.
        tables = {v["hdu"] for v in f["variables"] if v["record_varying"] and not v["image"] and v["records"] > 1}
        with fits.open(path) as raw:
            for t in tables:
                check(raw[t].header.get("ZTABLE") is True, f"{name}: {t} is tile-compressed (ZTABLE)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hdul = fits.open(read_path, checksum=f["checksum"] and not f["compressed"])
        hdul.readall() if hasattr(hdul, "readall") else None
    if f["checksum"]:
        with fits.open(path) as raw:
            for hdu in raw:
                check("CHECKSUM" in hdu.header and "DATASUM" in hdu.header, f"{name}: {hdu.name} has CHECKSUM/DATASUM")
                if not f["compressed"]:
                    check(hdu.verify_datasum() == 1, f"{name}: {hdu.name} DATASUM verifies (astropy)")
                    check(hdu.verify_checksum() == 1, f"{name}: {hdu.name} CHECKSUM verifies (astropy)")
    primary = hdul[0].header
    for gname, a in f["globals"].items():
        if gname.upper() in ("HISTORY", "COMMENT"):
            cards = [str(x) for x in primary[gname.upper()]]
            check(cards == a["values"], f"{name}: {gname} cards {cards}")
            continue
        vals = fits_keyword_values(primary, gname, a)
        check(vals is not None and same_attr(vals if len(vals) > 1 else vals[0], a, True), f"{name}: global {gname} = {vals}")
    fio = fitsio.FITS(read_path)
    for v in f["variables"]:
        exp = expected(v)
        hdu = hdul[v["hdu"]]
        if v["image"]:
            ok, why = same_bits(hdu.data, exp)
            check(ok, f"{name}: image {v['name']} (astropy): {why}")
            ok, why = same_bits(fio[v["hdu"]].read(), exp)
            check(ok, f"{name}: image {v['name']} (fitsio): {why}")
            continue
        col = hdu.data[v["name"]]
        if v["type"] == "int8" and col.dtype.kind == "f":
            # astropy reads a B column with TZERO = -128 as float64 (values exact); fitsio gives int8.
            check(bool(np.all(np.asarray(col) == np.round(col))), f"{name}: {v['name']} integral")
            col = np.asarray(col).astype("i1")
        if not v["record_varying"]:
            col = col[0]
        if v["type"].startswith("V"):
            w = int(v["type"][1:])
            col = np.asarray(col).reshape(exp.shape)
        ok, why = same_bits(col, exp)
        check(ok, f"{name}: {v['name']} (astropy): {why}")
        fcol = fio[v["hdu"]].read_column(v["name"])
        if not v["record_varying"]:
            fcol = fcol[0]
        if v["type"].startswith("V"):
            fcol = np.asarray(fcol).reshape(exp.shape)
        if exp.size == 0 and v["shape"] and 0 in v["shape"]:
            # fitsio hands back one placeholder value per row for a 0-repeat column (TFORMn = 0X,
            # checked below); there are no values to compare.
            check(len(fcol) == len(exp), f"{name}: {v['name']} (fitsio): {len(fcol)} rows")
        else:
            ok, why = same_bits(fcol, exp)
            check(ok, f"{name}: {v['name']} (fitsio): {why}")
        hdr = hdu.header
        idx = [hdr[f"TTYPE{i}"] for i in range(1, hdr["TFIELDS"] + 1)].index(v["name"]) + 1
        # TFORMn repeat count and TDIMn (FITS order: fastest axis first; text and bytes add their width).
        width = int(v["type"][1:]) if v["type"][0] in "SV" else 1
        axes = ([width] if width > 1 or v["type"][0] in "SV" else []) + list(reversed(v["shape"]))
        repeat = int(np.prod(axes)) if axes else 1
        tform = hdr[f"TFORM{idx}"]
        check(int(tform[:-1] or 1) == repeat, f"{name}: TFORM{idx} = {tform}, repeat {repeat} expected")
        if len(axes) >= 2 or (v["type"][0] in "SV" and v["shape"]):
            tdim = "(" + ",".join(str(x) for x in axes) + ")"
            check(hdr.get(f"TDIM{idx}", "").replace(" ", "") == tdim, f"{name}: TDIM{idx} = {hdr.get(f'TDIM{idx}')}, {tdim} expected")
        if v["type"] == "tt2000":
            check(hdr.get("TIMESYS") == "TT" and hdr.get("MJDREF") == 51544.5 and hdr.get("MJDREFI") == 51544
                  and hdr.get("MJDREFF") == 0.5 and hdr.get("TIMEUNIT") == "s",
                  f"{name}: time keywords for {v['name']}")
            check(hdr.get(f"TUNIT{idx}") == "ns", f"{name}: TUNIT of {v['name']}")
        for aname, a in v["attributes"].items():
            up = aname.upper()
            if up in ("UNITS", "UNIT"):
                check(hdr.get(f"TUNIT{idx}") == a["values"][0], f"{name}: TUNIT{idx} of {v['name']}")
            elif up == "FORMAT" and f"TDISP{idx}" in hdr:
                check(hdr[f"TDISP{idx}"] == a["values"][0], f"{name}: TDISP{idx}")
            elif up == "FILLVAL" and f"TNULL{idx}" in hdr:
                check(same_attr(hdr[f"TNULL{idx}"], a), f"{name}: TNULL{idx}")
            else:
                vals = fits_keyword_values(hdr, f"{v['name']} {aname}", a)
                check(vals is not None and same_attr(vals if len(vals) > 1 else vals[0], a, True),
                      f"{name}: {v['name']} attribute {aname} = {vals}")
    fio.close()
    hdul.close()


# ---------------------------------------------------------------- HDF5

def validate_hdf5(f):
    import h5py, hdf5plugin  # noqa: F401  (hdf5plugin registers zstd)
    path = f["path"]
    name = os.path.basename(path)
    env = dict(os.environ, HDF5_PLUGIN_PATH=hdf5plugin.PLUGIN_PATH)
    r = subprocess.run(["h5dump", "-p", path], capture_output=True, text=True, env=env)
    check(r.returncode == 0 and "h5dump error" not in r.stdout + r.stderr, f"{name}: h5dump: {r.stderr[-500:]}")
    with h5py.File(path, "r") as h:
        g = h[f["group"]]
        for gname, a in f["globals"].items():
            check(gname in g.attrs and same_attr(g.attrs[gname], a), f"{name}: global {gname}")
        for v in f["variables"]:
            d = g[v["name"]]
            exp = expected(v)
            data = d[()]
            if v["type"].startswith("V"):
                data = np.frombuffer(data.tobytes(), dtype="u1").reshape(exp.shape)
            ok, why = same_bits(data, exp)
            check(ok, f"{name}: {v['name']} (h5py): {why}")
            dims = ([v["records"]] if v["record_varying"] else []) + v["shape"]
            if f["chunked"] and dims and int(np.prod(dims)) > 0:
                check(d.chunks is not None, f"{name}: {v['name']} chunked")
                plist = d.id.get_create_plist()
                ids = [plist.get_filter(i)[0] for i in range(plist.get_nfilters())]
                check(ids == f["filters"], f"{name}: {v['name']} filters {ids} != {f['filters']}")
            else:
                check(d.chunks is None, f"{name}: {v['name']} contiguous")
            for aname, a in v["attributes"].items():
                check(aname in d.attrs and same_attr(d.attrs[aname], a), f"{name}: {v['name']} attribute {aname}")
            if "scales" in v:
                got = []
                for dim in d.dims:
                    got.append([os.path.basename(s.name) for s in dim.values()])
                want = [[s] if s else [] for s in v["scales"]]
                check(got == want, f"{name}: {v['name']} dimension scales {got} != {want}")
                for dim, s in zip(d.dims, v["scales"]):
                    if s:
                        check(h5py.h5ds.is_scale(g[s].id), f"{name}: {s} is a dimension scale")
        check("DIMENSION_LIST" in r.stdout or not any("scales" in v for v in f["variables"]), f"{name}: h5dump shows DIMENSION_LIST")


def main():
    manifest = json.load(open(sys.argv[1]))
    for f in manifest["files"]:
        try:
            (validate_fits if f["format"] == "fits" else validate_hdf5)(f)
        except Exception as e:  # a reader that cannot read the file is a failure, not a crash
            import traceback
            traceback.print_exc()
            check(False, f"{os.path.basename(f['path'])}: {type(e).__name__}: {e}")
    print(f"{PASSED[0]} passed, {FAILED[0]} failed")
    sys.exit(1 if FAILED[0] else 0)


if __name__ == "__main__":
    main()
