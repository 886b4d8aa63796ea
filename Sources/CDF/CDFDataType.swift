import Dataset

/// The CDF data type codes (CDF 3 internal format) with their element sizes.
///
/// Costs nothing: a raw-value enum.
public enum CDFDataType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case int1 = 1, int2 = 2, int4 = 4, int8 = 8
    case uint1 = 11, uint2 = 12, uint4 = 14
    case real4 = 21, real8 = 22
    case epoch = 31, epoch16 = 32, timeTT2000 = 33
    case byte = 41, float = 44, double = 45
    case char = 51, uchar = 52

    /// Bytes of one element.
    public var size: Int {
        switch self {
        case .int1, .uint1, .byte, .char, .uchar: 1
        case .int2, .uint2: 2
        case .int4, .uint4, .real4, .float: 4
        case .int8, .real8, .epoch, .timeTT2000, .double: 8
        case .epoch16: 16
        }
    }

    /// Time types, which the writer never compresses (SPDF's checker rejects compressed epochs).
    public var isEpoch: Bool { self == .epoch || self == .epoch16 || self == .timeTT2000 }

    public var isText: Bool { self == .char || self == .uchar }

    /// The `ElementType` a reader gives this type's values (EPOCH16 reads as two float64 per value).
    public var elementType: ElementType {
        switch self {
        case .int1, .byte: .int8
        case .int2: .int16
        case .int4: .int32
        case .int8: .int64
        case .uint1: .uint8
        case .uint2: .uint16
        case .uint4: .uint32
        case .real4, .float: .float32
        case .real8, .double, .epoch, .epoch16: .float64
        case .timeTT2000: .tt2000
        case .char, .uchar: .string(width: 1)
        }
    }

    /// The name the NASA library uses (`CDF_INT4`, ...).
    public var description: String {
        switch self {
        case .int1: "CDF_INT1"
        case .int2: "CDF_INT2"
        case .int4: "CDF_INT4"
        case .int8: "CDF_INT8"
        case .uint1: "CDF_UINT1"
        case .uint2: "CDF_UINT2"
        case .uint4: "CDF_UINT4"
        case .real4: "CDF_REAL4"
        case .real8: "CDF_REAL8"
        case .epoch: "CDF_EPOCH"
        case .epoch16: "CDF_EPOCH16"
        case .timeTT2000: "CDF_TIME_TT2000"
        case .byte: "CDF_BYTE"
        case .float: "CDF_FLOAT"
        case .double: "CDF_DOUBLE"
        case .char: "CDF_CHAR"
        case .uchar: "CDF_UCHAR"
        }
    }
}
