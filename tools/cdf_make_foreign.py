#!/usr/bin/env python3
"""Writes CDF files with the NASA CDF library (spacepy.pycdf), cdflib and pycdfpp, including compressed
ones, plus expected.json describing their variables (type code, dims, record count, little-endian
row-major value bytes as hex) for Downlink's reader tests.

Usage: cdf_make_foreign.py OUTDIR
"""
import json, os, sys
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(1234)
expected = {}

vec = rng.integers(-30000, 30000, size=(50, 3), dtype=np.int16)
mat = rng.standard_normal((50, 2, 3)).astype(np.float64)
u4 = rng.integers(0, 2**32 - 1, size=50, dtype=np.uint32)
f4 = (np.arange(50, dtype=np.float32) * np.float32(0.5)).astype(np.float32)   # compresses well
tt = (788961669184000000 + np.arange(50, dtype=np.int64) * 1000000000).astype(np.int64)
labels = ['Bx', 'By', 'Bz']
ramp = (np.arange(20000, dtype=np.int32) // 100).astype(np.int32)


def record(name, var, cdf_type, dims, values, records):
    a = np.ascontiguousarray(values)
    if a.dtype.byteorder == '>':
        a = a.astype(a.dtype.newbyteorder('<'))
    expected.setdefault(name, {})[var] = {
        'type': cdf_type, 'dims': dims, 'records': records, 'hex': a.tobytes().hex()}


def nasa(name, file_compression=False):
    import spacepy.pycdf as pycdf
    from spacepy.pycdf import const
    path = os.path.join(out, name)
    if os.path.exists(path):
        os.remove(path)
    with pycdf.CDF(path, '') as f:
        f.attrs['Project'] = ['NASA library', 'second']
        f.new('vec', data=vec, type=const.CDF_INT2, compress=const.GZIP_COMPRESSION, compress_param=6)
        f.new('mat', data=mat, type=const.CDF_REAL8, compress=const.GZIP_COMPRESSION, compress_param=9)
        f.new('u4', data=u4, type=const.CDF_UINT4)
        f.new('tt', data=tt, type=const.CDF_TIME_TT2000)
        f['tt'].attrs['FILLVAL'] = np.int64(-2**63)
        f.new('lab', data=labels, type=const.CDF_CHAR, recVary=False)
        if file_compression:
            f.new('ramp', data=ramp, type=const.CDF_INT4)
            f.compress(const.GZIP_COMPRESSION, 5)
    for var, t, dims, vals in [('vec', 2, [3], vec), ('mat', 22, [2, 3], mat), ('u4', 14, [], u4), ('tt', 33, [], tt)]:
        record(name, var, t, dims, vals, 50)
    if file_compression:
        record(name, 'ramp', 4, [], ramp, len(ramp))
    expected[name]['lab'] = {'type': 51, 'dims': [3], 'records': 1, 'strings': labels}


def nasa_big_endian_column_major(name):
    """NETWORK (big-endian) encoding, column-major, a gzip-compressed 2-D variable."""
    import spacepy.pycdf as pycdf
    from spacepy.pycdf import const
    path = os.path.join(out, name)
    if os.path.exists(path):
        os.remove(path)
    f = pycdf.CDF(path, '')
    f._call(const.PUT_, const.CDF_ENCODING_, const.NETWORK_ENCODING)
    f._call(const.PUT_, const.CDF_MAJORITY_, const.COLUMN_MAJOR)
    f.new('m', data=mat, type=const.CDF_DOUBLE, compress=const.GZIP_COMPRESSION, compress_param=5)
    f.new('s', data=vec[:, 0], type=const.CDF_INT2)
    f.new('tt', data=tt, type=const.CDF_TIME_TT2000)
    f.attrs['Project'] = 'big-endian column-major'
    f.close()
    for var, t, dims, vals in [('m', 45, [2, 3], mat), ('s', 2, [], vec[:, 0]), ('tt', 33, [], tt)]:
        record(name, var, t, dims, vals, 50)


def nasa_rvariable(name):
    """An rVariable (the pre-zVariable kind) written through the NASA library's internal interface."""
    import ctypes
    import spacepy.pycdf as pycdf
    from spacepy.pycdf import const
    path = os.path.join(out, name)
    if os.path.exists(path):
        os.remove(path)
    f = pycdf.CDF(path, '')
    f._call(const.SELECT_, const.CDF_zMODE_, ctypes.c_long(0))
    num = ctypes.c_long(0)
    f._call(const.CREATE_, const.rVAR_, b'rscal', const.CDF_INT4, ctypes.c_long(1), const.VARY,
            (ctypes.c_long * 1)(-1), ctypes.byref(num))
    values = np.array([-7, -4, -1, 2, 5, 8, 11], dtype=np.int32)
    for r, v in enumerate(values):
        val = ctypes.c_int32(int(v))
        f._call(const.SELECT_, const.rVAR_, num, const.SELECT_, const.rVARs_RECNUMBER_, ctypes.c_long(r),
                const.PUT_, const.rVAR_DATA_, ctypes.byref(val))
    f.close()
    with pycdf.CDF(path, readonly=False) as g:
        g.attrs['Project'] = 'rVariables'
    record(name, 'rscal', 4, [], values, len(values))


def with_cdflib(name, majority):
    import cdflib
    from cdflib.cdfwrite import CDF as W
    path = os.path.join(out, name)
    if os.path.exists(path):
        os.remove(path)
    w = W(path, cdf_spec={'Majority': majority, 'Compressed': 0})
    w.write_globalattrs({'Project': {0: 'cdflib'}})
    def spec(n, t, dims, compress):
        return {'Variable': n, 'Data_Type': t, 'Num_Elements': 1, 'Rec_Vary': True, 'Dim_Sizes': dims,
                'Compress': compress, 'Block_Factor': 7 if compress else 0}
    mat_in = mat if majority == 'row_major' else np.ascontiguousarray(mat)
    w.write_var(spec('vec', 2, [3], 6), var_attrs={'FILLVAL': [np.int16(-32768), 'CDF_INT2']}, var_data=vec)
    w.write_var(spec('mat', 22, [2, 3], 6), var_data=mat_in)
    w.write_var(spec('f4', 21, [], 6), var_data=f4)
    w.write_var(spec('tt', 33, [], 0), var_data=tt)
    w.close()
    logical = mat
    if majority == 'column_major':
        # cdflib stores the array's bytes as given; in a column-major file they are read back
        # first-dimension-fastest. Cross-check that with the NASA library.
        logical = mat.reshape(50, 3, 2).transpose(0, 2, 1)
        import spacepy.pycdf as pycdf
        with pycdf.CDF(path) as f:
            assert np.array_equal(f['mat'][...], logical), 'NASA library disagrees on the column-major layout'
    for var, t, dims, vals in [('vec', 2, [3], vec), ('mat', 22, [2, 3], logical), ('f4', 21, [], f4), ('tt', 33, [], tt)]:
        record(name, var, t, dims, vals, 50)


def with_pycdfpp(name):
    import pycdfpp
    path = os.path.join(out, name)
    c = pycdfpp.CDF()
    c.add_attribute('Project', ['pycdfpp'])
    c.add_variable('vec', values=vec, compression=pycdfpp.CompressionType.gzip_compression)
    c.add_variable('f4', values=f4, compression=pycdfpp.CompressionType.gzip_compression)
    c.add_variable('u4', values=u4)
    with open(path, 'wb') as f:
        f.write(pycdfpp.save(c))
    for var, t, dims, vals in [('vec', 2, [3], vec), ('f4', 44, [], f4), ('u4', 14, [], u4)]:   # pycdfpp: float32 -> CDF_FLOAT
        record(name, var, t, dims, vals, 50)


nasa('nasa_gzip.cdf')
nasa('nasa_file_gzip.cdf', file_compression=True)
nasa_big_endian_column_major('nasa_bigendian_column.cdf')
nasa_rvariable('nasa_rvariable.cdf')
with_cdflib('cdflib_gzip_row.cdf', 'row_major')
with_cdflib('cdflib_gzip_column.cdf', 'column_major')
with_pycdfpp('pycdfpp_gzip.cdf')
json.dump(expected, open(os.path.join(out, 'expected.json'), 'w'))
print('ok', sorted(expected))
