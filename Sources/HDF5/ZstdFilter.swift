#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CHDF5
import CZstd

/// The HDF5 Zstandard filter (registered id 32015, the one hdf5plugin and h5py use), implemented
/// over libzstd and registered in-process with `H5Zregister`: each chunk is one zstd frame (with its
/// content size), cd_values[0] is the compression level.
///
/// What it is for: libhdf5 calls it when it compresses or decompresses a chunk itself (reads in the
/// tests, and writes that do not go through `H5Dwrite_chunk`). Costs: one zstd frame per chunk; the
/// chunk buffer is replaced with a `malloc`ed one, as libhdf5 expects.
enum ZstdFilter {
    static let id: H5Z_filter_t = 32015

    static func register() throws(HDF5Error) {
        var filterClass = dl_filter_class(id, dl_zstd_filter_name(), zstdFilterFunction)
        try HDF5Library.check(H5Zregister(&filterClass), "H5Zregister(zstd 32015)")
    }
}

private let zstdFilterFunction: H5Z_func_t = { flags, cdCount, cdValues, nbytes, bufSize, buf in
    guard let buf, let bufSize, let input = buf.pointee else { return 0 }
    if flags & UInt32(H5Z_FLAG_REVERSE) != 0 {
        let size = ZSTD_getFrameContentSize(input, nbytes)
        guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN, let out = malloc(max(Int(size), 1)) else { return 0 }
        let n = ZSTD_decompress(out, Int(size), input, nbytes)
        guard ZSTD_isError(n) == 0 else { free(out); return 0 }
        free(input)
        buf.pointee = out
        bufSize.pointee = Int(size)
        return n
    }
    let level = cdCount > 0 ? Int32(bitPattern: cdValues![0]) : 3
    let bound = ZSTD_compressBound(nbytes)
    guard let out = malloc(bound) else { return 0 }
    let n = ZSTD_compress(out, bound, input, nbytes, level)
    guard ZSTD_isError(n) == 0 else { free(out); return 0 }
    free(input)
    buf.pointee = out
    bufSize.pointee = bound
    return n
}
