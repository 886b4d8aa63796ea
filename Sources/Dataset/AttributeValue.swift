/// A typed attribute value: text (one or several entries) or a scalar/array of one numeric type.
///
/// What it is for: global and variable metadata (ISTP and friends) that writers store in the file's own
/// types, e.g. a FILLVAL in the variable's type. Costs one array.
public enum AttributeValue: Sendable, Equatable, CustomStringConvertible {
    /// One entry per string (a CDF global attribute with several entries, or one text value).
    case text([String])
    case int8([Int8]), int16([Int16]), int32([Int32]), int64([Int64])
    case uint8([UInt8]), uint16([UInt16]), uint32([UInt32]), uint64([UInt64])
    case float32([Float]), float64([Double])
    /// Times as TT2000 nanoseconds.
    case tt2000([Int64])

    /// A single text value.
    public static func string(_ s: String) -> AttributeValue { .text([s]) }

    /// The element type of a numeric value; nil for text.
    public var elementType: ElementType? {
        switch self {
        case .text: nil
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .int64: .int64
        case .uint8: .uint8
        case .uint16: .uint16
        case .uint32: .uint32
        case .uint64: .uint64
        case .float32: .float32
        case .float64: .float64
        case .tt2000: .tt2000
        }
    }

    /// Number of values (strings for text).
    public var count: Int {
        switch self {
        case .text(let v): v.count
        case .int8(let v): v.count
        case .int16(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .uint8(let v): v.count
        case .uint16(let v): v.count
        case .uint32(let v): v.count
        case .uint64(let v): v.count
        case .float32(let v): v.count
        case .float64(let v): v.count
        case .tt2000(let v): v.count
        }
    }

    /// The value's numbers as little-endian bytes (empty for text); what binary writers store.
    public var littleEndianBytes: [UInt8] {
        func bytes<T: FixedWidthInteger>(_ v: [T]) -> [UInt8] {
            v.flatMap { x in withUnsafeBytes(of: x.littleEndian) { Array($0) } }
        }
        switch self {
        case .text: return []
        case .int8(let v): return bytes(v)
        case .int16(let v): return bytes(v)
        case .int32(let v): return bytes(v)
        case .int64(let v), .tt2000(let v): return bytes(v)
        case .uint8(let v): return v
        case .uint16(let v): return bytes(v)
        case .uint32(let v): return bytes(v)
        case .uint64(let v): return bytes(v)
        case .float32(let v): return bytes(v.map(\.bitPattern))
        case .float64(let v): return bytes(v.map(\.bitPattern))
        }
    }

    public var description: String {
        switch self {
        case .text(let v): v.count == 1 ? "\"\(v[0])\"" : v.map { "\"\($0)\"" }.joined(separator: ", ")
        case .int8(let v): v.map(String.init).joined(separator: ", ")
        case .int16(let v): v.map(String.init).joined(separator: ", ")
        case .int32(let v): v.map(String.init).joined(separator: ", ")
        case .int64(let v), .tt2000(let v): v.map(String.init).joined(separator: ", ")
        case .uint8(let v): v.map(String.init).joined(separator: ", ")
        case .uint16(let v): v.map(String.init).joined(separator: ", ")
        case .uint32(let v): v.map(String.init).joined(separator: ", ")
        case .uint64(let v): v.map(String.init).joined(separator: ", ")
        case .float32(let v): v.map { "\($0)" }.joined(separator: ", ")
        case .float64(let v): v.map { "\($0)" }.joined(separator: ", ")
        }
    }
}
