import CZlib

/// Gzip (RFC 1952) streams via the system zlib, as CDF's CVVR blocks hold them (method 5).
///
/// Costs: compress allocates one output buffer of `deflateBound` bytes per call; decompress grows
/// its output to the expected size. Each call owns its own z_stream, so calls run in parallel safely.
enum Gzip {
    enum Backend: Sendable { case libdeflate, zlib }

    /// The backend `compress` uses by default: libdeflate when the system has it, zlib otherwise.
    static var defaultBackend: Backend { LibDeflate.shared != nil ? .libdeflate : .zlib }

    /// Compresses `input` into a single gzip member at `level` (1-9).
    static func compress(_ input: UnsafeRawBufferPointer, level: Int, backend: Backend = defaultBackend) throws -> [UInt8] {
        if backend == .libdeflate, let lib = LibDeflate.shared { return try lib.compress(input, level: level) }
        return try zlibCompress(input, level: level)
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
