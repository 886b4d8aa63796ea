/// The FITS checksum (FITS 4.0 appendix J): the 32-bit ones' complement sum of the data unit read as
/// big-endian 32-bit words. Sums of separate pieces combine by ones' complement addition, so blocks
/// of rows are summed in parallel as they are packed, and cfitsio only has to sum the header
/// (`ffupck`) instead of reading the whole HDU back (`ffpcks`).
///
/// Costs one pass over the bytes (8 bytes per step), done while they are still in cache.
struct FITSChecksum: Sendable, Equatable {
    /// Unfolded sum of 32-bit words (carries accumulate above bit 31 and are folded at the end).
    private var wide: UInt64 = 0

    init() {}

    /// The 32-bit ones' complement value.
    var value: UInt32 {
        var s = wide
        while s >> 32 != 0 { s = (s & 0xFFFF_FFFF) + (s >> 32) }
        return UInt32(s)
    }

    /// Adds `bytes` that start at byte `offset` of the data unit (any alignment).
    mutating func add(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        var i = 0
        var phase = offset & 3
        let n = bytes.count
        // Leading bytes up to a word boundary.
        while phase != 0 && i < n {
            addByte(bytes[i], phase: phase)
            i += 1
            phase = (phase + 1) & 3
        }
        // Whole 8-byte steps: two big-endian words each.
        var acc: UInt64 = 0
        var steps = 0
        let base = bytes.baseAddress
        while i + 8 <= n {
            let v = base!.loadUnaligned(fromByteOffset: i, as: UInt64.self).bigEndian
            acc &+= (v >> 32) &+ (v & 0xFFFF_FFFF)
            i += 8
            steps += 1
            if steps == 1 << 30 { fold(&acc); steps = 0 }
        }
        fold(&acc)
        // A remaining whole word, then trailing bytes.
        if i + 4 <= n {
            add(UInt64(base!.loadUnaligned(fromByteOffset: i, as: UInt32.self).bigEndian))
            i += 4
        }
        var p = 0
        while i < n { addByte(bytes[i], phase: p); i += 1; p += 1 }
    }

    /// Adds another sum (ones' complement addition).
    mutating func add(_ other: FITSChecksum) { add(UInt64(other.value)) }

    private mutating func addByte(_ b: UInt8, phase: Int) {
        add(UInt64(b) << (8 * (3 - phase)))
    }

    private mutating func add(_ v: UInt64) {
        wide &+= v
        if wide >> 62 != 0 { wide = (wide & 0xFFFF_FFFF) + (wide >> 32) }
    }

    private mutating func fold(_ acc: inout UInt64) {
        add(acc & 0xFFFF_FFFF)
        add(acc >> 32)
        acc = 0
    }
}
