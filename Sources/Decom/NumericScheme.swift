// How the raw bits of a numeric field become a number.

/// The interpretation of a numeric field's bits: an integer scheme or an IEEE float.
///
/// One byte; every conversion is a handful of integer operations.
public enum NumericScheme: UInt8, Sendable, Hashable {
    case unsigned
    case twosComplement
    case onesComplement
    case signMagnitude
    /// One decimal digit per 4 bits (BCD and packed BCD read the same way).
    case bcd
    /// IEEE 754 binary32 (width 32) or binary64 (width 64).
    case float

    /// Whether values are stored in a signed column.
    public var isSigned: Bool {
        switch self {
        case .twosComplement, .onesComplement, .signMagnitude: return true
        default: return false
        }
    }
}

/// Conversions from right-aligned raw bits to values. All are branch-light and allocation-free.
public enum NumericDecoding {
    /// Reverses the byte order of a field whose width is a multiple of 8 (little-endian fields).
    @inlinable @inline(__always)
    public static func swapBytes(_ bits: UInt64, width: Int) -> UInt64 {
        bits.byteSwapped &>> UInt64(truncatingIfNeeded: 64 &- width)
    }

    /// The signed value of `bits` under a signed scheme (`width` 1...64).
    @inlinable @inline(__always)
    public static func signed(_ bits: UInt64, width: Int, scheme: NumericScheme) -> Int64 {
        let unused = UInt64(truncatingIfNeeded: 64 &- width)
        switch scheme {
        case .twosComplement:
            return Int64(bitPattern: bits &<< unused) &>> Int64(truncatingIfNeeded: unused)
        case .onesComplement:
            let negative = (bits &>> UInt64(truncatingIfNeeded: width &- 1)) & 1 == 1
            if !negative { return Int64(bitPattern: bits) }
            let mask: UInt64 = width == 64 ? ~0 : (1 &<< UInt64(width)) &- 1
            return -Int64(bitPattern: ~bits & mask)
        case .signMagnitude:
            let negative = (bits &>> UInt64(truncatingIfNeeded: width &- 1)) & 1 == 1
            let mask: UInt64 = width == 1 ? 0 : UInt64.max &>> UInt64(truncatingIfNeeded: 65 &- width)
            let magnitude = Int64(bitPattern: bits & mask)
            return negative ? -magnitude : magnitude
        default:
            return Int64(bitPattern: bits)
        }
    }

    /// The value of BCD digits (4 bits each, most significant first). Nibbles above 9 are taken
    /// at face value (a digit of weight 10-15), as the bits say; `width` 4...64.
    @inlinable
    public static func bcd(_ bits: UInt64, width: Int) -> UInt64 {
        var value: UInt64 = 0
        var weight: UInt64 = 1
        var rest = bits
        var digits = width / 4
        while digits > 0 {
            value = value &+ (rest & 0xF) &* weight
            weight = weight &* 10
            rest = rest &>> 4
            digits -= 1
        }
        return value
    }
}
