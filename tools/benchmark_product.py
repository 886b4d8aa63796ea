"""The product the CDF, FITS and HDF5 benchmarks write, in numpy, and how they time a write.

The same values as Sources/BenchmarkProduct (the Swift writers' side): a TT2000 epoch, four float32,
two uint16 and a uint8[32] per record (60 bytes). Imported by cdf_benchmark.py and writer_benchmark.py.
"""
import os
import time

import numpy as np


def generate(n):
    i = np.arange(n, dtype=np.int64)
    h = i.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    d = {'epoch': np.int64(788961669184000000) + i * np.int64(1_000_000)}
    for k in range(4):
        a = (((i * (k + 1)) % 65536) - 32768).astype(np.float32) * np.float32(0.25)
        b = ((h >> np.uint64(40 + k * 4)) & np.uint64(0xF)).astype(np.float32) * np.float32(0.0625)
        d[f'f{k}'] = (a + b).astype(np.float32)
    d['u0'] = (i >> 3).astype(np.uint16)
    d['u1'] = ((h >> np.uint64(48)) & np.uint64(0x0FFF)).astype(np.uint16)
    b = np.empty((n, 32), dtype=np.uint8)
    for j in range(32):
        b[:, j] = ((i >> 2) + j).astype(np.uint8) if j < 16 else (h >> np.uint64((j - 16) * 3)).astype(np.uint8)
    d['b'] = b
    return d


def fsync(path):
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)


def timed(fn, path):
    if os.path.exists(path):
        os.remove(path)
    c0, t0 = time.process_time(), time.perf_counter()
    fn(path)
    fsync(path)
    return time.perf_counter() - t0, time.process_time() - c0
