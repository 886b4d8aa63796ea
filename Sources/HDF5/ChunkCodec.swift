import CZlib
import CZstd
import Dataset

/// The compression an HDF5 dataset gets: none, deflate (zlib, filter 1) or Zstandard (filter 32015),
/// each optionally after the byte shuffle (filter 2).
public enum HDF5Compression: Sendable, Equatable {
    case none
    case deflate(level: Int)
    case zstd(level: Int)
}

/// Shuffles and compresses one chunk exactly as libhdf5's filter pipeline would, so that chunks
/// compressed in parallel in Swift can be stored with `H5Dwrite_chunk`.
///
/// Costs: one pass to shuffle into a scratch buffer, one compression into a buffer of the
/// compressor's bound (trimmed). A chunk that does not shrink is stored shuffled but uncompressed,
/// with the compressor's bit set in the chunk's filter mask (the filters are optional).
struct ChunkCodec: Sendable {
    let compression: HDF5Compression
    let shuffle: Bool
    let elementSize: Int

    /// Position of the compressor in the pipeline (shuffle first when present).
    var compressorIndex: Int { shuffle ? 1 : 0 }

    /// The stored bytes of a chunk and its filter mask.
    func encode(_ chunk: UnsafeRawBufferPointer) throws(HDF5Error) -> (bytes: [UInt8], mask: UInt32) {
        var shuffled: [UInt8]? = nil
        if shuffle && elementSize > 1 {
            shuffled = Self.shuffle(chunk, elementSize: elementSize)
        }
        let result: [UInt8]? = if let s = shuffled {
            try s.withUnsafeBytes { raw in Result { () throws(HDF5Error) in try compress(raw) } }.get()
        } else {
            try compress(chunk)
        }
        if let result, result.count < chunk.count { return (result, 0) }
        return (shuffled ?? Array(chunk), UInt32(1) << compressorIndex)
    }

    private func compress(_ input: UnsafeRawBufferPointer) throws(HDF5Error) -> [UInt8]? {
        switch compression {
        case .none:
            return nil
        case .deflate(let level):
            if let lib = LibDeflate.shared { return try lib.zlibCompress(input, level: level) }
            var bound = compressBound(uLong(input.count))
            let out = try [UInt8](unsafeUninitializedCapacity: Int(bound)) { (buf, n) throws(HDF5Error) in
                let rc = compress2(buf.baseAddress, &bound, input.baseAddress?.assumingMemoryBound(to: Bytef.self),
                                   uLong(input.count), Int32(level))
                guard rc == Z_OK else { n = 0; throw .compression("zlib compress2 returned \(rc)") }
                n = Int(bound)
            }
            return out
        case .zstd(let level):
            let bound = ZSTD_compressBound(input.count)
            return try [UInt8](unsafeUninitializedCapacity: bound) { (buf, n) throws(HDF5Error) in
                let r = ZSTD_compress(buf.baseAddress, bound, input.baseAddress, input.count, Int32(level))
                guard ZSTD_isError(r) == 0 else {
                    n = 0
                    throw .compression("zstd: \(String(cString: ZSTD_getErrorName(r)))")
                }
                n = r
            }
        }
    }

    /// libhdf5's shuffle: byte k of every element goes to plane k (planes in order); bytes past the
    /// last whole element stay at the end as they are.
    static func shuffle(_ input: UnsafeRawBufferPointer, elementSize s: Int) -> [UInt8] {
        let n = input.count / s
        return [UInt8](unsafeUninitializedCapacity: input.count) { out, initialized in
            let src = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let dst = out.baseAddress!
            switch s {
            case 2: planes(src, dst, n, UInt16.self)
            case 4: planes(src, dst, n, UInt32.self)
            case 8: planes(src, dst, n, UInt64.self)
            default:
                for i in 0..<n {
                    for k in 0..<s { dst[k * n + i] = src[i * s + k] }
                }
            }
            let tail = input.count - n * s
            if tail > 0 { (dst + n * s).update(from: src + n * s, count: tail) }
            initialized = input.count
        }
    }

    @inline(__always)
    private static func planes<T: FixedWidthInteger & UnsignedInteger>(
        _ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, _ n: Int, _: T.Type
    ) {
        let raw = UnsafeRawPointer(src)
        let s = MemoryLayout<T>.size
        for i in 0..<n {
            let v = raw.loadUnaligned(fromByteOffset: i * s, as: T.self).littleEndian
            for k in 0..<s { dst[k * n + i] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
        }
    }
}
