import Dataset

/// One attribute entry as read from a file: its CDF type and its value. Costs one small array.
public struct CDFAttributeEntry: Sendable, Equatable {
    public let type: CDFDataType
    public let value: AttributeValue
}

/// A CDF attribute as read: name, scope and entries (global attributes: entry number -> value).
/// Costs its entries.
public struct CDFAttributeInfo: Sendable {
    public let name: String
    public let number: Int
    public let isGlobal: Bool
    /// Global entries by entry number, in order.
    public let entries: [(number: Int, entry: CDFAttributeEntry)]
}

/// A variable's description as read from its VDR (no data). Costs its attributes and pad bytes.
public struct CDFVariableInfo: Sendable {
    public let name: String
    public let number: Int
    public let isZVariable: Bool
    public let type: CDFDataType
    /// Elements per value (the string length for CHAR/UCHAR).
    public let numElems: Int
    public let dims: [Int]
    public let dimVarys: [Bool]
    public let recordVarying: Bool
    /// Last record number, -1 when the variable has no records.
    public let maxRec: Int
    public let sparse: CDFSparseRecords
    /// gzip level (or other method's parameter) when compressed.
    public let compression: (method: Int32, level: Int32)?
    public let blockingFactor: Int
    /// The pad value bytes (file encoding), nil when the VDR has none.
    public let pad: [UInt8]?
    /// Variable attributes, in attribute order.
    public internal(set) var attributes: [(name: String, entry: CDFAttributeEntry)]
    let vxrHead: Int

    /// Records a reader returns: maxRec + 1 (1 for a non-record-varying variable with data).
    public var records: Int { recordVarying ? maxRec + 1 : (maxRec >= 0 ? 1 : 0) }

    /// Bytes of one record.
    public var recordBytes: Int { type.size * numElems * dims.reduce(1, *) }

    public func attribute(_ name: String) -> CDFAttributeEntry? { attributes.first { $0.name == name }?.entry }
}
