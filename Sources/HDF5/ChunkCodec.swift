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
/// Costs: one pass to shuffle into a reused per-thread buffer, one compression straight into the
/// chunk's page-aligned buffer (lent by `ChunkMemory`, at the compressor's bound). A chunk that does
/// not shrink is stored shuffled but uncompressed, with the compressor's bit set in the chunk's filter
/// mask (the filters are optional).
struct ChunkCodec: Sendable {
    let compression: HDF5Compression
    let shuffle: Bool
    let elementSize: Int

    /// Position of the compressor in the pipeline (shuffle first when present).
    var compressorIndex: Int { shuffle ? 1 : 0 }

    /// The stored bytes of a chunk and its filter mask.
    func encode(_ chunk: UnsafeRawBufferPointer) throws(HDF5Error) -> EncodedChunk {
        try CodecWorkspacePool.shared.with { (w) throws(HDF5Error) in try encode(chunk, in: w) }
    }

    private func encode(_ chunk: UnsafeRawBufferPointer, in w: CodecWorkspace) throws(HDF5Error) -> EncodedChunk {
        var input = chunk
        if shuffle && elementSize > 1 {
            let buffer = w.shuffleBuffer(chunk.count)
            Self.shuffle(chunk, elementSize: elementSize, into: buffer)
            input = UnsafeRawBufferPointer(buffer)
        }
        let memory = ChunkMemory.shared.take(max(bound(input.count), input.count))
        let compressed: Int
        do throws(HDF5Error) { compressed = try compress(input, into: memory, w) } catch {
            ChunkMemory.shared.give(memory)
            throw error
        }
        if compressed > 0 && compressed < chunk.count { return EncodedChunk(memory: memory, count: compressed, mask: 0) }
        if input.count > 0 { memory.baseAddress!.copyMemory(from: input.baseAddress!, byteCount: input.count) }
        let mask: UInt32 = compression == .none ? 0 : UInt32(1) << compressorIndex
        return EncodedChunk(memory: memory, count: input.count, mask: mask)
    }

    /// The most bytes the compressor can produce for `n` input bytes.
    private func bound(_ n: Int) -> Int {
        switch compression {
        case .none: 0
        case .deflate(let level): LibDeflate.shared?.bound(n, level: level) ?? Int(compressBound(uLong(n)))
        case .zstd: ZSTD_compressBound(n)
        }
    }

    /// Compresses `input` into `out` (at least `bound` bytes); returns the compressed size (0: no compressor).
    private func compress(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer,
                          _ w: CodecWorkspace) throws(HDF5Error) -> Int {
        switch compression {
        case .none:
            return 0
        case .deflate(let level):
            if let lib = LibDeflate.shared { return try lib.zlibCompress(input, level: level, into: out) }
            var size = uLong(out.count)
            let rc = compress2(out.baseAddress!.assumingMemoryBound(to: Bytef.self), &size,
                               input.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(input.count), Int32(level))
            guard rc == Z_OK else { throw .compression("zlib compress2 returned \(rc)") }
            return Int(size)
        case .zstd(let level):
            let r = ZSTD_compressCCtx(w.zstd, out.baseAddress, out.count, input.baseAddress, input.count, Int32(level))
            guard ZSTD_isError(r) == 0 else { throw .compression("zstd: \(String(cString: ZSTD_getErrorName(r)))") }
            return r
        }
    }

    /// libhdf5's shuffle: byte k of every element goes to plane k (planes in order); bytes past the
    /// last whole element stay at the end as they are.
    static func shuffle(_ input: UnsafeRawBufferPointer, elementSize s: Int, into out: UnsafeMutableRawBufferPointer) {
        let n = input.count / s
        let src = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let dst = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
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
