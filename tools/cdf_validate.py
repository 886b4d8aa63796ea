#!/usr/bin/env python3
"""Re-reads CDF files written by Downlink's tests with independent readers and checks them
against a manifest of expected values (written by the Swift tests).

Readers: the NASA CDF library (spacepy.pycdf, bundled libcdf 3.9), cdflib, pycdfpp, xarray (via
cdflib.xarray), JCDF's CdfDump, astralint and spacepy's ISTP FileChecks (for ISTP-complete files).

Manifest (JSON): {"files": [{"path", "md5", "istp", "globals": {name: attr}, "variables": [var]}]}
  var  = {"name", "cdf_type", "num_elems", "dims", "rec_vary", "records", "compressed", "sparse",
          "data_hex" | "strings", "attrs": {name: attr}}
  attr = {"type", "text": [..]} for CHAR, or {"type", "hex"} for numbers (little-endian bytes).
Exit status 0 when every check passes; one line per failure otherwise.
"""
import json, subprocess, sys, os, hashlib, shutil, tempfile, traceback

import numpy as np

failures = []
checks = 0

DTYPES = {1: '<i1', 2: '<i2', 4: '<i4', 8: '<i8', 11: '<u1', 12: '<u2', 14: '<u4', 21: '<f4', 22: '<f8',
          31: '<f8', 32: '<f8', 33: '<i8', 41: '<i1', 44: '<f4', 45: '<f8'}


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)


def as_bytes(values, cdf_type):
    a = np.asarray(values)
    if a.dtype.fields is not None:           # pycdfpp time types: structured (nseconds / seconds+picoseconds)
        return np.ascontiguousarray(a).tobytes()
    if cdf_type == 32 and np.iscomplexobj(a):   # cdflib returns EPOCH16 as complex
        return np.ascontiguousarray(a.astype('<c16')).tobytes()
    return np.ascontiguousarray(a.astype(DTYPES[cdf_type])).tobytes()


def norm_strings(values):
    out = []
    for s in np.asarray(values, dtype=object).ravel():
        if isinstance(s, (bytes, np.bytes_)):
            s = s.decode('utf-8')
        out.append(str(s).rstrip('\x00 '))
    return out


def norm_text(value):
    def one(x):
        if isinstance(x, (bytes, np.bytes_)):
            x = x.decode('utf-8')
        return str(x).rstrip('\x00')
    if isinstance(value, (list, tuple)):
        return [one(x) for x in value]
    return [one(value)]


def expected_attr_value(a):
    if a['type'] in (51, 52):
        return ('text', a['text'])
    return ('num', bytes.fromhex(a['hex']))


def attr_matches(actual, a, cdf_type_of_actual=None):
    kind, exp = expected_attr_value(a)
    if kind == 'text':
        got = norm_text(actual)
        # one entry that holds several strings may come back joined or split
        return got == exp or got == ['\\N '.join(exp)] or [s.strip() for s in got] == [s.strip() for s in exp]
    arr = np.atleast_1d(np.asarray(actual))
    if arr.dtype.fields is not None:
        arr = arr.view(arr.dtype[0])
    t = a['type']
    if t == 32 and np.iscomplexobj(arr):
        return np.ascontiguousarray(arr.astype('<c16')).tobytes() == exp
    return np.ascontiguousarray(arr.astype(DTYPES[t])).tobytes() == exp


def nasa(entry):
    import spacepy.pycdf as pycdf
    path = entry['path']
    with pycdf.CDF(path) as f:        # opening verifies the MD5 when the file has one
        check(f.checksum() == entry.get('md5', False), f"{path}: NASA checksum flag {f.checksum()}")
        for name, a in entry['globals'].items():
            check(name in f.attrs, f"{path}: NASA: global {name} missing")
            if name not in f.attrs:
                continue
            ga = f.attrs[name]
            ga._raw = True           # no datetime conversion of time entries
            if a['type'] in (51, 52):
                got = norm_text([ga[i] for i in range(len(ga))])
                check(got == a['text'], f"{path}: NASA: global {name} = {got}, expected {a['text']}")
            else:
                check(ga.type(0) == a['type'], f"{path}: NASA: global {name} type {ga.type(0)} != {a['type']}")
                check(attr_matches(ga[0], a),
                      f"{path}: NASA: global {name} value {ga[0]}")
        for v in entry['variables']:
            name = v['name']
            check(name in f, f"{path}: NASA: variable {name} missing")
            if name not in f:
                continue
            var = f.raw_var(name)
            check(var.type() == v['cdf_type'], f"{path}: NASA: {name} type {var.type()} != {v['cdf_type']}")
            check(var.rv() == v['rec_vary'], f"{path}: NASA: {name} rec_vary {var.rv()}")
            check(list(var.shape[1:] if var.rv() else var.shape) == v['dims'],
                  f"{path}: NASA: {name} shape {var.shape} dims {v['dims']}")
            if v['rec_vary']:
                check(len(var) == v['records'], f"{path}: NASA: {name} {len(var)} records != {v['records']}")
            check(var.compress()[0].value == (5 if v['compressed'] else 0),
                  f"{path}: NASA: {name} compression {var.compress()}")
            check(var.nelems() == v['num_elems'], f"{path}: NASA: {name} nelems {var.nelems()}")
            if v['records'] > 0:
                data = var[...]
                if 'strings' in v:
                    check(norm_strings(data) == v['strings'], f"{path}: NASA: {name} strings {norm_strings(data)[:4]} != {v['strings'][:4]}")
                else:
                    got = as_bytes(data, v['cdf_type'])
                    check(got == bytes.fromhex(v['data_hex']), f"{path}: NASA: {name} values differ ({len(got)} bytes vs {len(v['data_hex'])//2})")
            for an, a in v['attrs'].items():
                check(an in var.attrs, f"{path}: NASA: {name}.{an} missing")
                if an not in var.attrs:
                    continue
                check(var.attrs.type(an) == a['type'], f"{path}: NASA: {name}.{an} type {var.attrs.type(an)} != {a['type']}")
                check(attr_matches(var.attrs[an], a), f"{path}: NASA: {name}.{an} = {var.attrs[an]!r}")


def cdflib_check(entry):
    import cdflib
    path = entry['path']
    f = cdflib.CDF(path)
    info = f.cdf_info()
    check(info.Checksum == entry.get('md5', False), f"{path}: cdflib: checksum {info.Checksum}")
    ga = f.globalattsget()
    for name, a in entry['globals'].items():
        check(name in ga, f"{path}: cdflib: global {name} missing")
        if name in ga and a['type'] in (51, 52):
            check(norm_text(ga[name]) == a['text'], f"{path}: cdflib: global {name} = {ga[name]}")
        elif name in ga:
            check(attr_matches(ga[name], a), f"{path}: cdflib: global {name} = {ga[name]}")
    for v in entry['variables']:
        name = v['name']
        inq = f.varinq(name)
        check(inq.Data_Type == v['cdf_type'], f"{path}: cdflib: {name} type {inq.Data_Type}")
        check(list(inq.Dim_Sizes) == v['dims'], f"{path}: cdflib: {name} dims {inq.Dim_Sizes}")
        check(inq.Last_Rec == v['records'] - 1, f"{path}: cdflib: {name} last rec {inq.Last_Rec} != {v['records'] - 1}")
        check(inq.Rec_Vary == v['rec_vary'], f"{path}: cdflib: {name} rec_vary")
        check(inq.Num_Elements == v['num_elems'], f"{path}: cdflib: {name} num elems {inq.Num_Elements}")
        check((inq.Compress != 0) == v['compressed'], f"{path}: cdflib: {name} compress {inq.Compress}")
        if v['records'] > 0:
            data = f.varget(name)
            if 'strings' in v:
                check(norm_strings(data) == v['strings'], f"{path}: cdflib: {name} strings {norm_strings(data)[:4]}")
            elif v['sparse'] == 1 and 'stored_records' in v:
                # cdflib 1.3 fills only the first element of a pad-sparse virtual record with the pad
                # value (the NASA library and pycdfpp fill all of them): compare the stored records
                # exactly and the first element of each virtual record.
                got = as_bytes(data, v['cdf_type'])
                exp = bytes.fromhex(v['data_hex'])
                rb = len(exp) // v['records']
                es = rb // max(1, int(np.prod(v['dims'])) if v['dims'] else 1)
                ok = len(got) == len(exp)
                for r in range(v['records']):
                    lo = r * rb
                    n = rb if r in v['stored_records'] else es
                    ok = ok and got[lo:lo + n] == exp[lo:lo + n]
                check(ok, f"{path}: cdflib: {name} values differ (pad-sparse)")
            else:
                got = as_bytes(data, v['cdf_type'])
                check(got == bytes.fromhex(v['data_hex']), f"{path}: cdflib: {name} values differ")
        atts = f.varattsget(name)
        for an, a in v['attrs'].items():
            check(an in atts, f"{path}: cdflib: {name}.{an} missing")
            if an in atts:
                check(attr_matches(atts[an], a), f"{path}: cdflib: {name}.{an} = {atts[an]!r}")


def pycdfpp_check(entry):
    import pycdfpp
    path = entry['path']
    f = pycdfpp.load(path)
    check(f is not None, f"{path}: pycdfpp could not load it")
    if f is None:
        return
    for name, a in entry['globals'].items():
        check(name in f.attributes, f"{path}: pycdfpp: global {name} missing")
        if name in f.attributes and a['type'] in (51, 52):
            got = [str(f.attributes[name][i]) for i in range(len(f.attributes[name]))]
            check(got == a['text'], f"{path}: pycdfpp: global {name} = {got}")
    for v in entry['variables']:
        name = v['name']
        var = f[name]
        check(int(var.type.value) == v['cdf_type'], f"{path}: pycdfpp: {name} type {var.type}")
        if v['records'] > 0 and 'strings' not in v:
            vals = var.values
            exp = bytes.fromhex(v['data_hex'])
            got = as_bytes(vals, v['cdf_type'])
            check(got == exp, f"{path}: pycdfpp: {name} values differ ({len(got)} vs {len(exp)} bytes)")
        elif v['records'] > 0:
            check(norm_strings(var.values) == v['strings'], f"{path}: pycdfpp: {name} strings {norm_strings(var.values)[:4]}")
        for an, a in v['attrs'].items():
            check(an in var.attributes, f"{path}: pycdfpp: {name}.{an} missing")


def xarray_check(entry):
    from cdflib.xarray import cdf_to_xarray
    path = entry['path']
    ds = cdf_to_xarray(path, to_datetime=False, fillval_to_nan=False)
    for v in entry['variables']:
        name = v['name']
        if 'strings' in v:
            continue                      # label text variables become coordinates or are dropped
        check(name in ds.variables, f"{path}: xarray: {name} missing")
        if name in ds.variables and 'strings' not in v and v['records'] > 0:
            got = as_bytes(ds[name].values, v['cdf_type'])
            check(got == bytes.fromhex(v['data_hex']), f"{path}: xarray: {name} values differ")


def jcdf(entry):
    path = entry['path']
    r = subprocess.run(['java', '-cp', '/usr/share/java/jcdf.jar', 'uk.ac.bristol.star.cdf.util.CdfDump', '-fields', path],
                       capture_output=True, text=True)
    check(r.returncode == 0 and 'Exception' not in r.stderr, f"{path}: JCDF CdfDump failed: {r.stderr[-400:]}")


def md5_check(entry):
    import spacepy.pycdf as pycdf
    path = entry['path']
    data = open(path, 'rb').read()
    check(hashlib.md5(data[:-16]).digest() == data[-16:], f"{path}: trailing MD5 does not match the file")
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, 'bad.cdf')
        b = bytearray(data)
        b[-1] ^= 0xFF
        open(bad, 'wb').write(bytes(b))
        try:
            pycdf.CDF(bad).close()
            check(False, f"{path}: NASA library accepted a file whose MD5 was altered")
        except pycdf.CDFError as e:
            check('CHECKSUM' in str(e), f"{path}: NASA library: unexpected error {e}")


def istp(entry):
    import spacepy.pycdf as pycdf
    import spacepy.pycdf.istp as istp_mod
    path = entry['path']
    with pycdf.CDF(path) as f:
        errs = istp_mod.FileChecks.all(f, catch=True)
    check(errs == [], f"{path}: spacepy ISTP FileChecks: {errs}")
    exe = os.path.join(os.path.dirname(sys.executable), 'astralint')
    r = subprocess.run([exe, 'lint', path], capture_output=True, text=True)
    out = r.stdout + r.stderr
    check(r.returncode == 0 and 'WARNING' not in out and 'ERROR' not in out,
          f"{path}: astralint exit {r.returncode}: {out[-1500:]}")


def main():
    manifest = json.load(open(sys.argv[1]))
    for entry in manifest['files']:
        readers = [nasa, cdflib_check, pycdfpp_check, jcdf]
        if entry.get('xarray'):
            readers.append(xarray_check)
        if entry.get('md5'):
            readers.append(md5_check)
        if entry.get('istp'):
            readers.append(istp)
        for reader in readers:
            try:
                reader(entry)
            except Exception as e:
                failures.append(f"{entry['path']}: {reader.__name__} raised {type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")
    for f in failures:
        print("FAIL", f)
    print(f"cdf_validate: {checks - len(failures)} checks passed, {len(failures)} failed, {len(manifest['files'])} files")
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
