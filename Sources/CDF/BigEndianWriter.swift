/// Builds a CDF internal record (big-endian header fields) in a byte array.
///
/// Costs one growing array per record; records are small (tens to hundreds of bytes).
struct BigEndianWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func int32(_ v: Int32) { append(UInt32(bitPattern: v).bigEndian) }
    mutating func int32(_ v: Int) { int32(Int32(truncatingIfNeeded: v)) }
    mutating func int64(_ v: Int64) { append(UInt64(bitPattern: v).bigEndian) }
    mutating func int64(_ v: Int) { int64(Int64(v)) }
    mutating func raw(_ b: [UInt8]) { bytes += b }

    /// A fixed-size, NUL-padded text field (names: 256 bytes; the copyright: 256 bytes).
    mutating func fixedText(_ s: String, size: Int) {
        var b = Array(s.utf8.prefix(size))
        b += [UInt8](repeating: 0, count: size - b.count)
        bytes += b
    }

    private mutating func append<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v) { bytes += $0 }
    }
}

/// Reads big-endian header fields of a CDF internal record from a byte buffer, with bounds checks.
///
/// Costs nothing beyond the reads.
struct BigEndianReader {
    let data: UnsafeRawBufferPointer
    let path: String
    var offset: Int

    mutating func int32() throws -> Int32 {
        try need(4)
        defer { offset += 4 }
        return Int32(bitPattern: UInt32(bigEndian: data.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }

    mutating func int64() throws -> Int64 {
        try need(8)
        defer { offset += 8 }
        return Int64(bitPattern: UInt64(bigEndian: data.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
    }

    mutating func offset64() throws -> Int {
        let at = offset
        let v = try int64()
        guard v >= 0, v <= data.count else { throw CDFError.corrupt(path: path, offset: at, reason: "offset \(v) outside the file") }
        return Int(v)
    }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        try need(n)
        defer { offset += n }
        return Array(data[offset..<(offset + n)])
    }

    mutating func text(_ n: Int) throws -> String {
        var b = try bytes(n)
        if let z = b.firstIndex(of: 0) { b.removeSubrange(z...) }
        return String(decoding: b, as: UTF8.self)
    }

    func need(_ n: Int) throws {
        guard n >= 0, offset >= 0, offset + n <= data.count else {
            throw CDFError.corrupt(path: path, offset: offset, reason: "record runs past the end of the file (\(data.count) bytes)")
        }
    }
}
