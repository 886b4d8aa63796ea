// Parameter types: what a value means (engineering type) and how it is encoded (raw encoding).

/// A parameter type (XTCE `*ParameterType`): the engineering kind of value plus its raw encoding.
///
/// Types are shared by many parameters (IMAP defines `UINT8` once and uses it hundreds of times).
/// The raw encoding is independent of the engineering kind: IMAP's IDEX declares
/// `FloatParameterType`s with an `IntegerDataEncoding`, which the model keeps as it is.
/// Costs a few strings and the encoding; arrays and aggregates refer to other types by ID.
public struct ParameterType: Hashable, Sendable {
    public var id: ParameterTypeID
    /// Name as declared in its SpaceSystem.
    public var name: String
    /// `/Root/Child/name`: unique in the definition set.
    public var qualifiedName: String
    public var shortDescription: String?
    public var longDescription: String?
    /// Units from the type's `UnitSet`, in order.
    public var units: [String]
    public var kind: ParameterTypeKind
    /// The raw encoding; `nil` for arrays and aggregates (their members have one) and for types
    /// declared without one (not telemetered: using such a type in a container is an error).
    public var encoding: DataEncoding?
    public var source: SourceLocation

    public init(id: ParameterTypeID, name: String, qualifiedName: String, shortDescription: String? = nil,
                longDescription: String? = nil, units: [String] = [], kind: ParameterTypeKind,
                encoding: DataEncoding?, source: SourceLocation) {
        self.id = id
        self.name = name
        self.qualifiedName = qualifiedName
        self.shortDescription = shortDescription
        self.longDescription = longDescription
        self.units = units
        self.kind = kind
        self.encoding = encoding
        self.source = source
    }
}

/// The engineering kind of a parameter type.
///
/// Value type; enumerations and aggregates carry their (short) lists.
public enum ParameterTypeKind: Hashable, Sendable {
    /// `IntegerParameterType`: engineering `signed` and `sizeInBits` (default true and 32).
    case integer(signed: Bool, sizeInBits: Int)
    /// `FloatParameterType`: engineering width 32 or 64 (default 32).
    case float(sizeInBits: Int)
    /// `EnumeratedParameterType`: raw value (ranges) to label.
    case enumerated([EnumerationEntry])
    /// `BooleanParameterType`: raw 0 is `zeroStringValue`, anything else `oneStringValue`.
    case boolean(oneStringValue: String, zeroStringValue: String)
    /// `BinaryParameterType`.
    case binary
    /// `StringParameterType`.
    case string
    /// `AbsoluteTimeParameterType`.
    case absoluteTime(TimeTypeInfo)
    /// `RelativeTimeParameterType`.
    case relativeTime(TimeTypeInfo)
    /// `ArrayParameterType`.
    case array(ArrayTypeInfo)
    /// `AggregateParameterType`: members in packet order.
    case aggregate([AggregateMember])

    /// Short name of the kind for messages (`integer`, `array`, ...).
    public var name: String {
        switch self {
        case .integer: return "integer"
        case .float: return "float"
        case .enumerated: return "enumerated"
        case .boolean: return "boolean"
        case .binary: return "binary"
        case .string: return "string"
        case .absoluteTime: return "absolute time"
        case .relativeTime: return "relative time"
        case .array: return "array"
        case .aggregate: return "aggregate"
        }
    }
}

/// One label of an enumeration: raw values `value...maxValue` map to `label`.
///
/// Value type: two integers and a label.
public struct EnumerationEntry: Hashable, Sendable {
    public var value: Int64
    /// Upper end of the range (XTCE `maxValue`); equal to `value` for a single value.
    public var maxValue: Int64
    public var label: String
    public var shortDescription: String?

    public init(value: Int64, maxValue: Int64? = nil, label: String, shortDescription: String? = nil) {
        self.value = value
        self.maxValue = maxValue ?? value
        self.label = label
        self.shortDescription = shortDescription
    }
}

extension Array where Element == EnumerationEntry {
    /// The label for a raw value, first match wins. Costs a linear scan; a decode plan should
    /// build its own table.
    public func label(for raw: Int64) -> String? {
        first(where: { $0.value <= raw && raw <= $0.maxValue })?.label
    }
}

/// The reference point of an absolute time (XTCE `ReferenceTime/Epoch`).
public enum Epoch: Hashable, Sendable {
    /// 1958-01-01T00:00:00 TAI.
    case tai
    /// 2000-01-01T11:58:55.816 UTC (J2000.0 in TT).
    case j2000
    /// 1970-01-01T00:00:00 UTC (XTCE `UNIX` and `POSIX`).
    case unix
    /// 1980-01-06T00:00:00 UTC.
    case gps
    /// An explicit date or date-time as written (`xs:date` or `xs:dateTime`).
    case date(String)

    /// The epoch as an ISO 8601 string.
    public var isoDate: String {
        switch self {
        case .tai: return "1958-01-01T00:00:00"
        case .j2000: return "2000-01-01T11:58:55.816"
        case .unix: return "1970-01-01T00:00:00"
        case .gps: return "1980-01-06T00:00:00"
        case .date(let s): return s
        }
    }
}

/// Scale and reference of a time type (XTCE `Encoding` of time types and `ReferenceTime`):
/// time = `raw * scale + offset` in `units`, counted from `epoch` or from the value of `offsetFrom`.
///
/// Value type of a few words.
public struct TimeTypeInfo: Hashable, Sendable {
    /// XTCE `Encoding/@units`: `seconds` (default) or a multiple thereof as written.
    public var units: String
    /// XTCE `Encoding/@scale`, default 1.
    public var scale: Double
    /// XTCE `Encoding/@offset`, default 0.
    public var offset: Double
    /// `ReferenceTime/Epoch`, absolute times only.
    public var epoch: Epoch?
    /// `ReferenceTime/OffsetFrom`: the time is relative to this parameter's value.
    public var offsetFrom: ParameterInstanceRef?

    public init(units: String = "seconds", scale: Double = 1, offset: Double = 0, epoch: Epoch? = nil,
                offsetFrom: ParameterInstanceRef? = nil) {
        self.units = units
        self.scale = scale
        self.offset = offset
        self.epoch = epoch
        self.offsetFrom = offsetFrom
    }
}

/// One dimension of an array: indices `startingIndex...endingIndex` (XTCE `Dimension`).
public struct ArrayDimension: Hashable, Sendable {
    public var startingIndex: IntegerValue
    public var endingIndex: IntegerValue

    public init(startingIndex: IntegerValue, endingIndex: IntegerValue) {
        self.startingIndex = startingIndex
        self.endingIndex = endingIndex
    }

    /// A dimension of `count` elements starting at 0.
    public init(count: Int64) {
        self.init(startingIndex: .fixed(0), endingIndex: .fixed(count - 1))
    }

    /// Number of elements when both bounds are constants.
    public var fixedCount: Int? {
        guard let s = startingIndex.fixedValue, let e = endingIndex.fixedValue else { return nil }
        let (span, overflow) = e.subtractingReportingOverflow(s)
        guard !overflow, span < Int64.max else { return nil }
        return Int(span + 1)
    }
}

/// What an array is made of (XTCE `ArrayParameterType`).
///
/// Value type; dimensions are a short array.
public struct ArrayTypeInfo: Hashable, Sendable {
    /// The element type.
    public var elementType: ParameterTypeID
    /// Number of dimensions (XTCE 1.1 `numberOfDimensions`, or the length of `dimensions`).
    public var numberOfDimensions: Int
    /// The dimensions, slowest-varying first; empty when the type leaves them to the
    /// `ArrayParameterRefEntry` (XTCE 1.1 style).
    public var dimensions: [ArrayDimension]
    /// Non-standard: the array fills the rest of the packet (CCSDSPy's `expand` arrays). The
    /// decoder computes the element count from what the entries after it leave.
    public var expandsToFillPacket: Bool

    public init(elementType: ParameterTypeID, numberOfDimensions: Int, dimensions: [ArrayDimension],
                expandsToFillPacket: Bool = false) {
        self.elementType = elementType
        self.numberOfDimensions = numberOfDimensions
        self.dimensions = dimensions
        self.expandsToFillPacket = expandsToFillPacket
    }
}

/// A named member of an aggregate (XTCE `Member`).
///
/// Value type: a name and an ID.
public struct AggregateMember: Hashable, Sendable {
    public var name: String
    public var type: ParameterTypeID
    public var shortDescription: String?

    public init(name: String, type: ParameterTypeID, shortDescription: String? = nil) {
        self.name = name
        self.type = type
        self.shortDescription = shortDescription
    }
}
