/// The type of one element of a `Column`: what a decoder fills in and what a writer maps to a file type.
///
/// Costs nothing: a small enum; `byteWidth` is a switch.
public enum ElementType: Sendable, Hashable, CustomStringConvertible {
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case float32, float64
    /// Time: signed 64-bit nanoseconds since J2000 in Terrestrial Time (CDF TIME_TT2000).
    case tt2000
    /// Fixed-width text: `width` bytes of UTF-8 per element, padded with NUL bytes.
    case string(width: Int)
    /// Fixed-width opaque bytes per element.
    case binary(width: Int)

    /// Bytes one element occupies in a column buffer.
    public var byteWidth: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64, .tt2000: 8
        case .string(let w), .binary(let w): w
        }
    }

    /// Alignment of one element (the natural alignment of its Swift type; 1 for text and bytes).
    public var alignment: Int {
        switch self {
        case .string, .binary: 1
        default: byteWidth
        }
    }

    public var isInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .tt2000: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .float32: "float32"
        case .float64: "float64"
        case .tt2000: "tt2000"
        case .string(let w): "string[\(w)]"
        case .binary(let w): "binary[\(w)]"
        }
    }
}

/// A Swift scalar type that maps one-to-one to an `ElementType`; lets typed initialisers and readers
/// work on columns without existentials per element. Costs nothing (static type information).
public protocol ColumnScalar: Sendable, BitwiseCopyable {
    static var elementType: ElementType { get }
}

extension Int8: ColumnScalar { public static var elementType: ElementType { .int8 } }
extension Int16: ColumnScalar { public static var elementType: ElementType { .int16 } }
extension Int32: ColumnScalar { public static var elementType: ElementType { .int32 } }
extension Int64: ColumnScalar { public static var elementType: ElementType { .int64 } }
extension UInt8: ColumnScalar { public static var elementType: ElementType { .uint8 } }
extension UInt16: ColumnScalar { public static var elementType: ElementType { .uint16 } }
extension UInt32: ColumnScalar { public static var elementType: ElementType { .uint32 } }
extension UInt64: ColumnScalar { public static var elementType: ElementType { .uint64 } }
extension Float: ColumnScalar { public static var elementType: ElementType { .float32 } }
extension Double: ColumnScalar { public static var elementType: ElementType { .float64 } }
