// How raw values are laid out in the packet: XTCE's DataEncoding family.

/// Order of bytes in a multi-byte field (XTCE `byteOrder`). Bits within a byte are always most
/// significant first, which is what every CCSDS mission uses.
public enum ByteOrder: String, Hashable, Sendable {
    /// Big-endian; XTCE's default and the CCSDS convention.
    case mostSignificantByteFirst
    /// Little-endian.
    case leastSignificantByteFirst
}

/// An integer that is either written in the definition or read from another parameter of the
/// same packet (XTCE `IntegerValueType`: `FixedValue` or `DynamicValue`).
///
/// Used for binary and string sizes, array dimension bounds, repeat counts and entry locations.
public enum IntegerValue: Hashable, Sendable {
    case fixed(Int64)
    case dynamic(DynamicValue)

    /// The constant, or `nil` when the value depends on packet contents.
    public var fixedValue: Int64? {
        if case .fixed(let v) = self { return v }
        return nil
    }
}

/// A value computed from another parameter: `slope * value + intercept` (XTCE `DynamicValue` with
/// `ParameterInstanceRef` and optional `LinearAdjustment`).
///
/// IMAP sizes its variable binary fields as `8 * PKT_LEN + intercept` with this.
public struct DynamicValue: Hashable, Sendable {
    /// The parameter whose value is used.
    public var reference: ParameterInstanceRef
    /// `LinearAdjustment/@slope`; 1 when absent.
    public var slope: Double
    /// `LinearAdjustment/@intercept`; 0 when absent.
    public var intercept: Double

    public init(reference: ParameterInstanceRef, slope: Double = 1, intercept: Double = 0) {
        self.reference = reference
        self.slope = slope
        self.intercept = intercept
    }

    /// `slope * value + intercept`, as the decoder applies it to the referenced value.
    public func apply(to value: Double) -> Double { slope * value + intercept }

    /// The same computation in integers when slope and intercept are whole numbers (the
    /// common case, and the one a decode plan wants), otherwise `nil`.
    public var integerLinearAdjustment: (slope: Int64, intercept: Int64)? {
        guard slope.rounded() == slope, intercept.rounded() == intercept,
              abs(slope) < 9e18, abs(intercept) < 9e18 else { return nil }
        return (Int64(slope), Int64(intercept))
    }
}

/// The raw representation of a parameter in the packet. Every telemetered parameter's type has
/// one; the decode-plan compiler turns it into an extractor.
///
/// Value type; a few words plus any calibrators. Compile it once into an extractor, never consult it per packet.
public enum DataEncoding: Hashable, Sendable {
    case integer(IntegerEncoding)
    case float(FloatEncoding)
    case binary(BinaryEncoding)
    case string(StringEncoding)

    /// Size in bits when it does not depend on packet contents; `nil` otherwise.
    public var fixedSizeInBits: Int? {
        switch self {
        case .integer(let e): return e.sizeInBits
        case .float(let e): return e.sizeInBits
        case .binary(let e): return e.sizeInBits.fixedValue.map { Int($0) }
        case .string(let e):
            if case .fixed(let bits) = e.buffer { return bits }
            return nil
        }
    }

    /// Calibrators of integer and float encodings (empty for the others).
    public var defaultCalibrator: Calibrator? {
        switch self {
        case .integer(let e): return e.defaultCalibrator
        case .float(let e): return e.defaultCalibrator
        default: return nil
        }
    }
}

/// How the bits of an integer field are interpreted (XTCE `IntegerDataEncoding/@encoding`).
public enum IntegerScheme: String, Hashable, Sendable {
    case unsigned
    /// XTCE `twosComplement`, also spelled `signed` in IMAP definitions.
    case twosComplement
    case onesComplement
    case signMagnitude
    /// One decimal digit per 4 bits (XTCE `BCD`).
    case bcd
    /// Two decimal digits per byte (XTCE `packedBCD`).
    case packedBCD

    /// Whether decoded values can be negative.
    public var isSigned: Bool {
        switch self {
        case .twosComplement, .onesComplement, .signMagnitude: return true
        case .unsigned, .bcd, .packedBCD: return false
        }
    }
}

/// An integer field of 1 to 64 bits at any bit alignment (XTCE `IntegerDataEncoding`).
///
/// Value type of a few words (plus calibrators, usually none).
public struct IntegerEncoding: Hashable, Sendable {
    /// Width in bits, 1...64 (a multiple of 4 for BCD, of 8 for packed BCD).
    public var sizeInBits: Int
    public var scheme: IntegerScheme
    public var byteOrder: ByteOrder
    /// Calibration applied when no context calibrator matches.
    public var defaultCalibrator: Calibrator?
    /// Calibrators chosen by the values of other parameters, first match wins.
    public var contextCalibrators: [ContextCalibrator]

    public init(sizeInBits: Int, scheme: IntegerScheme, byteOrder: ByteOrder = .mostSignificantByteFirst,
                defaultCalibrator: Calibrator? = nil, contextCalibrators: [ContextCalibrator] = []) {
        self.sizeInBits = sizeInBits
        self.scheme = scheme
        self.byteOrder = byteOrder
        self.defaultCalibrator = defaultCalibrator
        self.contextCalibrators = contextCalibrators
    }
}

/// An IEEE 754 binary32 or binary64 field (XTCE `FloatDataEncoding` with `IEEE754_1985`, also
/// spelled `IEEE-754`). MIL-STD-1750A is rejected by the loader.
///
/// Value type of a few words.
public struct FloatEncoding: Hashable, Sendable {
    /// 32 or 64.
    public var sizeInBits: Int
    public var byteOrder: ByteOrder
    public var defaultCalibrator: Calibrator?
    public var contextCalibrators: [ContextCalibrator]

    public init(sizeInBits: Int, byteOrder: ByteOrder = .mostSignificantByteFirst,
                defaultCalibrator: Calibrator? = nil, contextCalibrators: [ContextCalibrator] = []) {
        self.sizeInBits = sizeInBits
        self.byteOrder = byteOrder
        self.defaultCalibrator = defaultCalibrator
        self.contextCalibrators = contextCalibrators
    }
}

/// An opaque run of bits (XTCE `BinaryDataEncoding`), fixed or sized by another parameter.
///
/// Value type of a few words.
public struct BinaryEncoding: Hashable, Sendable {
    /// Size in bits: constant, or `slope * parameter + intercept`.
    public var sizeInBits: IntegerValue
    public init(sizeInBits: IntegerValue) { self.sizeInBits = sizeInBits }
}

/// The space a string occupies in the packet (XTCE 1.2 `StringDataEncoding`, Yamcs' model).
public enum StringBuffer: Hashable, Sendable {
    /// A buffer of this many bits.
    case fixed(Int)
    /// A buffer whose size in bits comes from another parameter.
    case dynamic(DynamicValue)
    /// No separate buffer: the string's own terminator or size tag ends it.
    case variable
}

/// Where the string ends inside its buffer.
public enum StringContent: Hashable, Sendable {
    /// The string fills the whole buffer.
    case wholeBuffer
    /// The string ends at the first occurrence of these bytes (usually a single 0), or at the
    /// end of the buffer when the buffer is full.
    case terminated(terminator: [UInt8])
    /// The string's length in bytes precedes it as an unsigned integer of this many bits.
    case leadingSize(sizeTagBits: Int)
}

/// A character string field (XTCE `StringDataEncoding`).
///
/// Value type: a charset string and two small enums.
public struct StringEncoding: Hashable, Sendable {
    /// Character set as written, e.g. `UTF-8` (the default) or `US-ASCII`.
    public var charset: String
    public var buffer: StringBuffer
    public var content: StringContent
    /// Upper bound on the size in bits for `.variable` buffers (XTCE `maxSizeInBits`).
    public var maxSizeInBits: Int?

    public init(charset: String = "UTF-8", buffer: StringBuffer, content: StringContent, maxSizeInBits: Int? = nil) {
        self.charset = charset
        self.buffer = buffer
        self.content = content
        self.maxSizeInBits = maxSizeInBits
    }
}
