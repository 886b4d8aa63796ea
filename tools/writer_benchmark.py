#!/usr/bin/env python3
"""FITS and HDF5 write benchmark: Downlink's writers (via the writer-bench executable) against
astropy and fitsio (FITS binary table; without checksums, and with CHECKSUM/DATASUM against astropy's
checksum=True) and h5py (contiguous, gzip-1 + shuffle, zstd-3 through
hdf5plugin, zstd-3 + shuffle), printed as ratios.

Product: RECORDS records of int64 TT2000 epoch, 4 float32, 2 uint16 and uint8[32] (60 bytes per
record; 10 M records = 600 MB), generated with the formulas of Sources/writer-bench/main.swift.
Every write includes an fsync of the file (Downlink's writers sync before their rename), timed as
wall and CPU seconds; HDF5 chunks are 65536 records for every writer. Downlink's files are checked
against the numpy data (astropy for FITS, h5py for HDF5) once per case.

Each case runs REPEAT times (default 3, `--repeat=N`), writers interleaved; medians are reported,
and the best wall time (on a shared machine the least disturbed run). The ratios also come paired:
each Downlink run against the peer's run right after it (the same moment of a shared machine), as
the median and the range of those per-pair ratios.

Usage: writer_benchmark.py WRITER_BENCH_EXE WORKDIR [RECORDS] [--repeat=N] [--only=fits|hdf5]
"""
import json, os, subprocess, sys, time
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchmark_product import fsync, generate, timed  # noqa: E402

exe, work = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 and not sys.argv[3].startswith('--') else 10_000_000
repeat = next((int(a.split('=')[1]) for a in sys.argv if a.startswith('--repeat=')), 3)
only = next((a.split('=')[1] for a in sys.argv if a.startswith('--only=')), None)
os.makedirs(work, exist_ok=True)
CHUNK = 65536


def astropy_write(data, checksum=False):
    from astropy.io import fits
    def go(path):
        cols = [fits.Column(name='epoch', format='K', unit='ns', array=data['epoch'])]
        cols += [fits.Column(name=f'f{k}', format='E', array=data[f'f{k}']) for k in range(4)]
        cols += [fits.Column(name=f'u{k}', format='I', bzero=32768, array=data[f'u{k}']) for k in range(2)]
        cols += [fits.Column(name='b', format='32B', array=data['b'])]
        fits.BinTableHDU.from_columns(cols, name='DATA').writeto(path, checksum=checksum)
    return go


def fitsio_write(data):
    import fitsio
    def go(path):
        rec = np.empty(n, dtype=[('epoch', 'i8'), ('f0', 'f4'), ('f1', 'f4'), ('f2', 'f4'), ('f3', 'f4'),
                                 ('u0', 'u2'), ('u1', 'u2'), ('b', 'u1', (32,))])
        for k, v in data.items():
            rec[k] = v
        fitsio.write(path, rec, extname='DATA', clobber=True)
    return go


def h5py_write(data, case):
    import h5py, hdf5plugin
    def go(path):
        with h5py.File(path, 'w') as f:
            g = f.create_group('product')
            for k, v in data.items():
                kw = {}
                if case != 'h5':
                    kw['chunks'] = (CHUNK,) + v.shape[1:]
                    kw['shuffle'] = case.endswith('shuffle')
                    if 'gzip' in case:
                        kw.update(compression='gzip', compression_opts=1)
                    else:
                        kw.update(hdf5plugin.Zstd(clevel=3))
                g.create_dataset(k, data=v, **kw)
    return go


def ours(case, path):
    if os.path.exists(path):
        os.remove(path)
    r = subprocess.run([exe, str(n), case, path], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"writer-bench failed: {r.stderr}")
    j = json.loads(r.stdout.strip().splitlines()[-1])
    return j['wall'], j['cpu']


def check_ours(path, data):
    if path.endswith('.fits'):
        from astropy.io import fits
        with fits.open(path) as h:
            t = h['DATA'].data
            for k, v in data.items():
                got = np.asarray(t[k])
                assert got.shape == v.shape and np.array_equal(got, v), f"{path}: {k} differs"
    else:
        import h5py, hdf5plugin  # noqa: F401
        with h5py.File(path, 'r') as f:
            for k, v in data.items():
                got = f['product'][k][()]
                assert got.dtype == v.dtype and got.tobytes() == v.tobytes(), f"{path}: {k} differs"


data = generate(n)
raw_mb = n * 60 / 1e6
print(f"FITS/HDF5 write benchmark: {n} records, {raw_mb:.0f} MB raw, {os.cpu_count()} cores, median of {repeat}")
print(f"{'case':18} {'writer':9} {'wall s':>8} {'min s':>8} {'cpu s':>8} {'MB/s':>8} {'MB/cpu-s':>9} {'file MB':>8}")
cases = []
if only in (None, 'fits'):
    cases += [('fits', 'fits', {'astropy': astropy_write(data), 'fitsio': fitsio_write(data)}),
              ('fits-checksum', 'fits', {'astropy': astropy_write(data, checksum=True)})]
if only in (None, 'hdf5'):
    cases += [(c, 'h5', {'h5py': h5py_write(data, c)}) for c in ('h5', 'h5-gzip1-shuffle', 'h5-zstd3', 'h5-zstd3-shuffle')]
rows = {}
pairs = {}
for case, ext, peers in cases:
    samples = {w: [] for w in ['downlink'] + list(peers)}
    sizes = {}
    for r in range(repeat):
        p = os.path.join(work, f'ours-{case}.{ext}')
        samples['downlink'].append(ours(case, p))
        sizes['downlink'] = os.path.getsize(p)
        if r == 0:
            check_ours(p, data)
        os.remove(p)
        for peer, fn in peers.items():
            p = os.path.join(work, f'{peer}-{case}.{ext}')
            samples[peer].append(timed(fn, p))
            sizes[peer] = os.path.getsize(p)
            os.remove(p)
    for peer in peers:
        pairs[(case, peer)] = [p[0] / o[0] for o, p in zip(samples['downlink'], samples[peer])]
    for writer, s in samples.items():
        w = float(np.median([x[0] for x in s]))
        m = float(np.min([x[0] for x in s]))
        c = float(np.median([x[1] for x in s]))
        rows[(case, writer)] = (w, c, m)
        print(f"{case:18} {writer:9} {w:8.3f} {m:8.3f} {c:8.3f} {raw_mb / w:8.0f} {raw_mb / c:9.0f} {sizes[writer] / 1e6:8.1f}")
    sys.stdout.flush()

print("\nRatios (Downlink / peer; >1 means Downlink is faster):")
for case, _, peers in cases:
    ow, oc, om = rows[(case, 'downlink')]
    for peer in peers:
        pw, pc, pm = rows[(case, peer)]
        paired = pairs[(case, peer)]
        print(f"  {case:18} vs {peer:8}: wall {pw / ow:6.2f}x   best wall {pm / om:6.2f}x   per CPU-second {pc / oc:6.2f}x"
              f"   paired wall {float(np.median(paired)):6.2f}x ({min(paired):.2f}-{max(paired):.2f})")
