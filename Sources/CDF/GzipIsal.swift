import CIsal

/// A gzip (RFC 1952) encoder built on Intel ISA-L's igzip, reused across the blocks one worker
/// compresses: the fastest of the writer's three backends at low levels (igzip uses SIMD hashing and
/// a PCLMUL CRC32), with the same output format as zlib and libdeflate.
///
/// Each call writes one complete gzip member (10-byte header, deflate stream, CRC32, ISIZE;
/// `gzip_flag = IGZIP_GZIP`) with `isal_deflate_stateless`, whole block in, whole member out.
///
/// igzip has levels 0-3, not 1-9. CDF levels map as 1 -> 1, 2...5 -> 2, 6...9 -> 3 (`igzipLevel`):
/// CDF's CPR records the level the user asked for, and readers only inflate, so the encoder's own
/// level is ours to choose. igzip 0 (one pass, static Huffman codes) is not used: CDF's gzip levels
/// start at 1, and igzip 1 is already ~3x faster than libdeflate 1. The writer uses this encoder
/// for level 1 only by default (see `Gzip.backend(forLevel:)`); `DOWNLINK_GZIP=isal` forces it for
/// every level.
///
/// The level buffer is given at igzip 1 too, where stateless compression may go without one:
/// measured on the benchmark product (4 M records, one worker, 10 interleaved runs) it is ~8% less
/// CPU for a file 1.4% larger.
///
/// Costs: one `isal_zstream` (~82 KB: history buffer and level-0 hash) plus a level buffer of
/// ISA-L's suggested `ISAL_DEF_LVLx_DEFAULT` size (0.28 MB at igzip 1, 0.34 MB at igzip 3),
/// allocated once in `init` and freed in `deinit`; per call only the stream's small state is reset,
/// and the output goes to the caller's buffer or one new array. Not Sendable: one per worker.
final class IsalGzip {
    /// The CDF level (1-9) this encoder was made for, and the igzip level (1-3) it compresses at.
    let level: Int
    let igzipLevel: UInt32
    private let stream: UnsafeMutablePointer<isal_zstream>
    private let levelBuffer: UnsafeMutableRawBufferPointer

    /// igzip level for a CDF gzip level: 1 -> 1, 2...5 -> 2, 6...9 -> 3.
    static func igzipLevel(forCDFLevel level: Int) -> UInt32 {
        switch level {
        case ...1: return 1
        case 2...5: return 2
        default: return UInt32(ISAL_DEF_MAX_LEVEL)
        }
    }

    /// Largest member `compress(_:into:)` can write for `count` input bytes: igzip falls back to
    /// stored blocks when deflate would expand, so this is the input plus the stored-block headers
    /// (5 bytes per block; counted per 16 KiB, more than igzip needs), the gzip header and trailer
    /// (18 bytes) and slack for the encoder's wide writes.
    static func bound(_ count: Int) -> Int { count + 5 * (count / 16_384 + 1) + 18 + 256 }

    init(level: Int) {
        self.level = level
        igzipLevel = Self.igzipLevel(forCDFLevel: level)
        stream = .allocate(capacity: 1)
        let size = MemoryLayout<isal_zstream>.size
        UnsafeMutableRawPointer(stream).initializeMemory(as: UInt8.self, repeating: 0, count: size)
        levelBuffer = .allocate(byteCount: max(Int(cisal_default_level_buf_size(igzipLevel)), 1), alignment: 64)
    }

    deinit {
        stream.deallocate()
        levelBuffer.deallocate()
    }

    /// Compresses `input` into one gzip member at the start of `output`; returns its length, or
    /// nil when `output` is too small (`bound(input.count)` always suffices).
    func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int? {
        guard input.count <= Int(UInt32.max) else {
            throw CDFError.compression("a block of \(input.count) bytes is too large for igzip")
        }
        // An empty input still needs a readable, non-null pointer: igzip reads nothing from it.
        var empty: UInt8 = 0
        return try withUnsafeMutablePointer(to: &empty) { emptyPointer in
            isal_deflate_stateless_init(stream)
            stream.pointee.level = igzipLevel
            stream.pointee.level_buf = levelBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.pointee.level_buf_size = UInt32(levelBuffer.count)
            stream.pointee.gzip_flag = UInt16(IGZIP_GZIP)
            stream.pointee.flush = UInt16(NO_FLUSH)
            stream.pointee.end_of_stream = 1
            stream.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) } ?? emptyPointer
            stream.pointee.avail_in = UInt32(input.count)
            stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyPointer
            stream.pointee.avail_out = UInt32(clamping: output.count)
            let rc = isal_deflate_stateless(stream)
            if rc == STATELESS_OVERFLOW { return nil }
            guard rc == COMP_OK, stream.pointee.avail_in == 0 else {
                throw CDFError.compression("igzip level \(igzipLevel) failed on \(input.count) bytes (\(rc))")
            }
            return Int(stream.pointee.total_out)
        }
    }

    /// Compresses `input` into a new array holding one gzip member.
    func compress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        let capacity = Self.bound(input.count)
        var failure: (any Error)?
        let out = [UInt8](unsafeUninitializedCapacity: capacity) { buf, initialized in
            do {
                guard let n = try compress(input, into: UnsafeMutableRawBufferPointer(buf)) else {
                    failure = CDFError.compression("igzip output of \(input.count) bytes exceeded its bound \(capacity)")
                    initialized = 0
                    return
                }
                initialized = n
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return out
    }
}
