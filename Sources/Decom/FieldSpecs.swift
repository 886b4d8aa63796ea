// The units a decode plan is made of: extractors, output columns, values read by conditions.

import Dataset
import PacketDefinitions

/// One numeric extractor of the fixed-layout table: `width` bits at `bitOffset` from the packet's
/// first byte, interpreted by `scheme`, stored as element `element` of record `r` in `column`.
///
/// 48 bytes, plain data: the fixed-layout loop runs over a contiguous array of these.
public struct NumericField: Sendable, Hashable {
    public var bitOffset: Int
    /// 1...64 (32 or 64 for floats).
    public var width: Int
    public var scheme: NumericScheme
    /// Little-endian fields (width a multiple of 8) are byte-swapped after the read.
    public var littleEndian: Bool
    public var column: Int
    /// Element within the record (0 for scalars).
    public var element: Int

    public init(bitOffset: Int, width: Int, scheme: NumericScheme, littleEndian: Bool = false, column: Int, element: Int = 0) {
        self.bitOffset = bitOffset
        self.width = width
        self.scheme = scheme
        self.littleEndian = littleEndian
        self.column = column
        self.element = element
    }
}

/// A fixed-size run of bits copied into a binary or string column (left-aligned, zero-padded).
///
/// Plain data; costs a byte loop per packet.
public struct ByteField: Sendable, Hashable {
    public var bitOffset: Int
    public var bitCount: Int
    public var column: Int
    public var element: Int
    /// Strings ending at a terminator: the bytes from the terminator on are not copied.
    public var terminator: [UInt8]?
}

/// Which packet header value a header column holds.
public enum HeaderField: String, Sendable, Hashable, CaseIterable {
    case version = "ccsds_version"
    case type = "ccsds_type"
    case secondaryHeader = "ccsds_secondary_header"
    case apid = "ccsds_apid"
    case sequenceFlags = "ccsds_sequence_flags"
    case sequenceCount = "ccsds_sequence_count"
    case dataLength = "ccsds_data_length"
}

/// What a column of a decoded container holds.
public enum ColumnRole: Sendable, Hashable {
    /// Raw values of a parameter (or of one member of an aggregate parameter).
    case parameter(ParameterID)
    /// A primary header field of each packet.
    case header(HeaderField)
    /// The packet's byte offset in its file.
    case fileOffset
    /// Position of the packet's file in the decoded file list.
    case fileIndex
    /// Bits actually present in a variable-size binary or string column (`column` index).
    case sizeInBits(column: Int)
    /// Elements actually present in a variable-count array or repeat (first column of the entry).
    case elementCount(column: Int)
    /// 1 when a conditionally included entry was present in the packet, else 0.
    case present(column: Int)
}

/// How a column's per-record size is settled: from the definition, or from the longest packet
/// of the container once the packets are dispatched (variable-size binary fields, variable counts).
public enum ColumnSizing: Sendable, Hashable {
    case fixed
    /// Width in bytes = the longest packet of the container (a field never exceeds its packet).
    case binaryWidthFromLongestPacket
    /// Leading dimension = longest packet bits / `instanceBits`, then `innerShape`.
    case countFromLongestPacket(instanceBits: Int, innerShape: [Int])
}

/// One output column of a container.
///
/// A name, a type, a per-record shape and a role; shapes sized by packets are settled at allocation.
public struct OutputColumn: Sendable, Hashable {
    public var name: String
    public var elementType: ElementType
    public var shape: [Int]
    public var role: ColumnRole
    public var sizing: ColumnSizing
    /// For parameter columns: the type of the values themselves (the element type of an array,
    /// the member type of an aggregate), whose calibrators and labels apply.
    public var valueType: ParameterTypeID?

    public var parameter: ParameterID? {
        if case .parameter(let p) = role { return p }
        return nil
    }
}

/// A number read for a condition, a size or a count: an exact integer when it is one.
///
/// Two words and a flag.
public struct ScalarValue: Sendable, Hashable {
    public var integer: Int64
    public var double: Double
    /// Whether `integer` holds the value exactly (false for floats and unsigned values above Int64.max).
    public var isInteger: Bool

    @inlinable public init(integer: Int64) {
        self.integer = integer
        self.double = Double(integer)
        self.isInteger = true
    }

    @inlinable public init(double: Double) {
        self.integer = 0
        self.double = double
        self.isInteger = false
    }

    @inlinable public init(unsigned: UInt64) {
        if unsigned <= UInt64(Int64.max) { self.init(integer: Int64(unsigned)) } else { self.init(double: Double(unsigned)) }
    }

    /// Bits of a numeric field as a value under `scheme`.
    @inlinable public init(bits: UInt64, width: Int, scheme: NumericScheme) {
        switch scheme {
        case .unsigned: self.init(unsigned: bits)
        case .bcd: self.init(unsigned: NumericDecoding.bcd(bits, width: width))
        case .float:
            self.init(double: width == 32 ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))) : Double(bitPattern: bits))
        default: self.init(integer: NumericDecoding.signed(bits, width: width, scheme: scheme))
        }
    }
}

/// Where the value of a referenced parameter comes from while a packet is decoded.
public enum ValueSource: Sendable, Hashable {
    /// Re-read from the packet: the parameter sits at a fixed position.
    case field(NumericField)
    /// The latest value the interpreter decoded for it in this packet.
    case slot(Int)
    /// Record `r` of a decoded raw column (calibration runs after decoding).
    case column(Int)
}
