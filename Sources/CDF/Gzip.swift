import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gzip (RFC 1952) streams, as CDF's CVVR blocks hold them (method 5): three encoders (ISA-L's igzip,
/// libdeflate, zlib) that all write the same format, and zlib's inflate for reading.
///
/// Costs: compress allocates one output buffer (about the input's size) per call; decompress grows
/// its output to the expected size. Each call owns its own encoder state, so calls run in parallel
/// safely (workers that compress many blocks reuse a `GzipCompressor` instead).
enum Gzip {
    enum Backend: Sendable, CaseIterable { case isal, libdeflate, zlib }

    /// A backend forced for every level by `DOWNLINK_GZIP=isal|libdeflate|zlib` (for measurements
    /// and for bisecting a reader problem), nil when unset. `zlib` also keeps libdeflate unloaded.
    static let forcedBackend: Backend? = {
        guard let v = getenv("DOWNLINK_GZIP") else { return nil }
        switch String(cString: v) {
        case "isal": return .isal
        case "libdeflate": return LibDeflate.shared != nil ? .libdeflate : .zlib
        case "zlib": return .zlib
        default: return nil
        }
    }()

    /// The backend the writer uses at CDF `level`, chosen by measurement on the benchmark product
    /// (cdf-bench, 2 M records = 120 MB raw of which 16 MB epoch stored raw, one worker; CPU seconds
    /// of the write and file MB):
    ///
    ///     level  igzip (1/2/3)   libdeflate 1.14   zlib
    ///     1      0.29 s  73.4    0.85 s  71.0      1.19 s  59.5
    ///     2      0.24 s  72.4    0.83 s  60.9      1.24 s  59.3
    ///     6      0.36 s  73.5    1.13 s  60.2      3.35 s  60.8
    ///     9      0.43 s  73.5    1.64 s  60.3      3.85 s  60.8
    ///
    /// - level 1: igzip 1, ~3x faster than libdeflate 1 for a file 3% larger (level 1 asks for speed);
    /// - levels 2-9: libdeflate at the same level when the system has it, else zlib: igzip's higher
    ///   levels write files ~20% larger than either, which is not what a user asking for 6 wants.
    static func backend(forLevel level: Int) -> Backend {
        if let forcedBackend { return forcedBackend }
        if level <= isalMaxLevel { return .isal }
        return LibDeflate.shared != nil ? .libdeflate : .zlib
    }

    /// Highest CDF level that igzip serves by default (see `backend(forLevel:)`).
    static let isalMaxLevel = 1

    /// Compresses `input` into a single gzip member at `level` (1-9).
    static func compress(_ input: UnsafeRawBufferPointer, level: Int, backend: Backend? = nil) throws -> [UInt8] {
        switch backend ?? Self.backend(forLevel: level) {
        case .isal: return try IsalGzip(level: level).compress(input)
        case .libdeflate:
            if let lib = LibDeflate.shared { return try lib.compress(input, level: level) }
            return try zlibCompress(input, level: level)
        case .zlib: return try zlibCompress(input, level: level)
        }
    }

    static func zlibCompress(_ input: UnsafeRawBufferPointer, level: Int) throws -> [UInt8] {
        guard input.count <= Int(UInt32.max) else { throw CDFError.compression("a block of \(input.count) bytes is too large for zlib") }
        var stream = z_stream()
        // windowBits 15 + 16 selects the gzip wrapper; memLevel 8 is zlib's default.
        var rc = deflateInit2_(&stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw CDFError.compression("deflateInit2 failed (\(rc))") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 32
        var out = [UInt8](repeating: 0, count: bound)
        let produced: Int = try out.withUnsafeMutableBytes { o in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = o.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(o.count)
            rc = deflate(&stream, Z_FINISH)
            guard rc == Z_STREAM_END else { throw CDFError.compression("deflate did not finish (\(rc))") }
            return Int(stream.total_out)
        }
        out.removeSubrange(produced...)
        return out
    }

    /// Decompresses a gzip stream whose output is `expected` bytes (a CDF block's raw size).
    static func decompress(_ input: UnsafeRawBufferPointer, expected: Int) throws -> [UInt8] {
        guard input.count <= Int(UInt32.max), expected <= Int(UInt32.max) else {
            throw CDFError.compression("a block of \(input.count) -> \(expected) bytes is too large for zlib")
        }
        var stream = z_stream()
        // 15 + 32: accept a gzip or zlib header automatically.
        var rc = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw CDFError.compression("inflateInit2 failed (\(rc))") }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: max(expected, 1))
        let produced: Int = try out.withUnsafeMutableBytes { o in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = o.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(o.count)
            rc = inflate(&stream, Z_FINISH)
            guard rc == Z_STREAM_END else {
                throw CDFError.compression("inflate of a \(input.count)-byte block for \(expected) bytes failed (\(rc))")
            }
            return Int(stream.total_out)
        }
        guard produced == expected else {
            throw CDFError.compression("block inflated to \(produced) bytes, expected \(expected)")
        }
        out.removeSubrange(produced...)
        return out
    }
}
