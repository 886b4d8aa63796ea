/// MAG science vectors as the MAG L0 `VECTORS` field packs them, unpacked the way NASA IMAP's
/// imap_processing (mag/l1a/mag_l1a_data.py) does: uncompressed (50-bit vectors: three 16-bit
/// two's-complement axes and a 2-bit range, primary sensor first) and compressed (an 8-bit header of
/// width and range-section flag, a first uncompressed vector per sensor, Fibonacci + zig-zag coded
/// differences, a fall-back to uncompressed vectors after a difference longer than 60 bits, and an
/// optional 2-bit range section).
///
/// Costs: one pass over the packet's bits; the vectors are returned as one `[Int32]` per sensor of
/// (x, y, z, range) quadruples.
enum MAGVectors {
    struct Failure: Error { let message: String }

    /// (primary, secondary) vectors, 4 Int32 each (x, y, z, range).
    static func unpack(_ bytes: [UInt8], primary: Int, secondary: Int, compressed: Bool) throws(Failure) -> ([Int32], [Int32]) {
        compressed ? try unpackCompressed(bytes, primary: primary, secondary: secondary)
                   : try unpackUncompressed(bytes, primary: primary, secondary: secondary)
    }

    static func unpackUncompressed(_ bytes: [UInt8], primary: Int, secondary: Int) throws(Failure) -> ([Int32], [Int32]) {
        let total = primary + secondary
        guard total * 50 <= bytes.count * 8 else {
            throw Failure(message: "VECTORS holds \(bytes.count) bytes; \(total) uncompressed vectors need \((total * 50 + 7) / 8)")
        }
        var p: [Int32] = [], s: [Int32] = []
        p.reserveCapacity(primary * 4); s.reserveCapacity(secondary * 4)
        for i in 0..<total {
            // Vector i starts at bit 50*i: three 16-bit axes, then the 2-bit range.
            let start = 50 * i
            let x = Int32(Int16(bitPattern: UInt16(bits(bytes, start, 16))))
            let y = Int32(Int16(bitPattern: UInt16(bits(bytes, start + 16, 16))))
            let z = Int32(Int16(bitPattern: UInt16(bits(bytes, start + 32, 16))))
            let range = Int32(bits(bytes, start + 48, 2))
            if i < primary { p += [x, y, z, range] } else { s += [x, y, z, range] }
        }
        return (p, s)
    }

    /// `count` bits (at most 64) from bit `start`, most significant first.
    static func bits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> UInt64 {
        var v: UInt64 = 0
        for b in start..<(start + count) { v = v << 1 | UInt64(bytes[b >> 3] >> (7 - UInt8(b & 7)) & 1) }
        return v
    }
}
