// Bit-level reads from packet bytes: the primitive under every extractor.

/// Reads bit fields of 1 to 64 bits at any bit alignment, most significant bit first (CCSDS order).
///
/// `unchecked` is the hot-path read: one unaligned 8-byte load, a byte swap and two shifts (plus one
/// byte when a field of 58 bits or more starts off a byte boundary and so spans 9 bytes). It reads
/// whole words, so the caller must prove that 8 bytes (9 for spanning fields) from the field's
/// first byte lie inside the mapping. `checked` never reads outside the bytes it is given and
/// costs a loop over the field's bytes.
public enum BitReader {
    /// Bytes `unchecked` may touch from the field's first byte.
    @inlinable
    public static func loadSpan(bitOffset: Int, width: Int) -> Int {
        (bitOffset & 7) + width > 64 ? 9 : 8
    }

    /// The `width` (1...64) bits that start `bitOffset` bits after `base`, right-aligned.
    /// Precondition (not checked): `loadSpan` bytes from byte `bitOffset / 8` are readable.
    @inlinable @inline(__always)
    public static func unchecked(_ base: UnsafeRawPointer, bitOffset: Int, width: Int) -> UInt64 {
        let byte = bitOffset &>> 3
        let shift = UInt64(truncatingIfNeeded: bitOffset & 7)
        var word = base.loadUnaligned(fromByteOffset: byte, as: UInt64.self).bigEndian &<< shift
        if Int(shift) &+ width > 64 {
            word |= UInt64(base.load(fromByteOffset: byte &+ 8, as: UInt8.self)) &>> (8 &- shift)
        }
        return word &>> UInt64(truncatingIfNeeded: 64 &- width)
    }

    /// The `width` (1...64) bits at `bitOffset` inside `bytes`, or `nil` when the field does not
    /// end inside `bytes`. Reads only bytes the field covers.
    public static func checked(_ bytes: UnsafeRawBufferPointer, bitOffset: Int, width: Int) -> UInt64? {
        guard width >= 1, width <= 64, bitOffset >= 0 else { return nil }
        let (end, overflow) = bitOffset.addingReportingOverflow(width)
        guard !overflow, end <= bytes.count &* 8 else { return nil }
        var value: UInt64 = 0
        var position = bitOffset
        while position < end {
            let byteIndex = position >> 3
            let byteStart = byteIndex << 3
            let stop = min(end, byteStart + 8)
            let count = stop - position
            let bits = (UInt64(bytes[byteIndex]) >> UInt64(byteStart + 8 - stop)) & ((1 << UInt64(count)) - 1)
            value = (value << UInt64(count)) | bits
            position = stop
        }
        return value
    }
}
