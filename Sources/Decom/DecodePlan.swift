// A concrete container compiled for decoding: the fixed table, the interpreted rest, the columns.

import PacketDefinitions

/// Everything needed to decode packets of one concrete container, compiled once from its
/// `ResolvedContainer`.
///
/// The fixed-layout part (`numericFields`, `byteFields`: every entry whose position and size do
/// not depend on packet contents, up to the first one that does) runs as a flat table over the
/// mapped bytes with no per-packet or per-field allocation. `dynamicEntries` (variable sizes,
/// include conditions, repeats, variable arrays, strings) are interpreted per packet, positions
/// computed as it goes. Sendable value; compile once, share across tasks.
public struct DecodePlan: Sendable {
    public var containerName: String
    public var container: ContainerID
    /// The APID the container's restrictions fix, if any.
    public var apid: Int?
    public var columns: [OutputColumn]
    public var numericFields: [NumericField]
    public var byteFields: [ByteField]
    /// Bits the fixed table needs: a shorter packet is reported, not decoded.
    public var minimumBits: Int
    /// Where the interpreter starts (the end of the last fixed-table entry).
    public var dynamicStartBit: Int
    public var dynamicEntries: [DynamicEntry]
    /// Values the interpreter keeps per packet for later sizes and conditions.
    public var slotCount: Int
    /// Calibrations per raw column (index into `columns`), for engineering values on request.
    public var calibrations: [ColumnCalibration]
    /// Enumeration and boolean labels per raw column.
    public var labels: [ColumnLabels]

    /// Whether every entry is in the fixed table.
    public var isFixedLayout: Bool { dynamicEntries.isEmpty }
}

/// An integer from the definition or from a value decoded earlier in the packet:
/// `slope * value + intercept`.
public enum IntegerExpression: Sendable, Hashable {
    case constant(Int)
    case linear(ValueSource, slope: Double, intercept: Double)
}

/// Where an interpreted entry starts (XTCE `LocationInContainerInBits`).
public enum EntryStart: Sendable, Hashable {
    /// After the previous entry, plus this many bits (the default is 0).
    case afterPrevious(IntegerExpression)
    case fromContainerStart(IntegerExpression)
    /// This many bits before the packet's end, minus the entry's size.
    case beforeContainerEnd(IntegerExpression)
}

/// The kind of one interpreted leaf value.
public enum LeafKind: Sendable, Hashable {
    case numeric(width: Int, scheme: NumericScheme, littleEndian: Bool)
    /// Binary of a fixed or packet-dependent size (bits); the size column records bits present
    /// when the size varies.
    case binary(size: IntegerExpression, sizeColumn: Int?)
    case string(StringLayout, sizeColumn: Int?)
    /// Bits skipped (a `FixedValueEntry`).
    case skip(bits: Int)
}

/// Where a string's bytes are and where it ends (from `StringEncoding`).
public struct StringLayout: Sendable, Hashable {
    /// Buffer size in bits; `nil` for strings sized by their own terminator or size tag.
    public var buffer: IntegerExpression?
    public var terminator: [UInt8]?
    public var sizeTagBits: Int?
    /// Upper bound in bits for unbuffered strings.
    public var maxBits: Int?
}

/// One leaf of an interpreted entry's instance: its kind and where its value goes.
///
/// For instance `k` of the entry the value is element `k * stride + element` of `column`.
public struct DynamicLeaf: Sendable, Hashable {
    public var kind: LeafKind
    /// -1 for skipped bits.
    public var column: Int
    public var element: Int
    public var stride: Int
    /// Slot that keeps the latest value for later references, if any.
    public var slot: Int?
}

/// One interpreted container entry: where it starts, whether it is present, how many instances
/// of its leaves follow (repeat count times array elements) and with what gap.
///
/// Value type; interpreted by `DynamicInterpreter` once per packet.
public struct DynamicEntry: Sendable, Hashable {
    public var start: EntryStart
    public var include: CompiledCondition?
    /// Repeat count (`nil`: once) and gap in bits between occurrences.
    public var repeatCount: IntegerExpression?
    public var repeatGap: IntegerExpression
    /// Array dimension sizes (each `end - start + 1`); empty for scalars and aggregates.
    public var dimensions: [(start: IntegerExpression, end: IntegerExpression)]
    public var leaves: [DynamicLeaf]
    /// Bits of one instance when constant (needed for container-end locations and capacities).
    public var instanceBits: Int?
    /// Most instances the columns can hold; `nil` means settled at allocation from the longest packet.
    public var capacity: Int?
    public var countColumn: Int?
    public var presentColumn: Int?
    public var source: SourceLocation

    public static func == (a: DynamicEntry, b: DynamicEntry) -> Bool { a.source == b.source && a.leaves == b.leaves }
    public func hash(into h: inout Hasher) { h.combine(source); h.combine(leaves) }
}

/// The calibrators of one raw column: context calibrators first (first match wins), then the default.
public struct ColumnCalibration: Sendable {
    public var column: Int
    public var contexts: [(condition: CompiledCondition, function: CalibrationFunction)]
    public var defaultFunction: CalibrationFunction?
}

/// Labels of one raw column (enumeration ranges or boolean strings).
public struct ColumnLabels: Sendable {
    public var column: Int
    public var entries: [(range: ClosedRange<Int64>, label: String)]

    /// The label of a raw value, `nil` when none applies. Linear in the entries.
    public func label(for raw: Int64) -> String? {
        entries.first { $0.range.contains(raw) }?.label
    }
}
