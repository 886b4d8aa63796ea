// Compiles a resolved container into a DecodePlan.

import Dataset
import PacketDefinitions

/// Options that change what a decode produces.
///
/// Three flags; the plan is compiled the same way for all of them.
public struct DecodeOptions: Sendable, Hashable {
    /// Adds a float64 `NAME.eng` column per calibrated parameter (polynomial, spline, context).
    public var calibrated: Bool
    /// Adds a text `NAME.label` column per enumerated or boolean parameter.
    public var labels: Bool
    /// Adds the primary header columns (`ccsds_*`), `file_offset` and `file_index`.
    public var headerColumns: Bool
    /// Hands the mapped input pages of each decoded chunk back to the kernel (`MADV_DONTNEED`)
    /// once decoded, so resident memory holds the columns rather than the input as well. Pages
    /// read again later are faulted back in from the page cache; values never change.
    public var releaseInputPages: Bool

    public init(calibrated: Bool = false, labels: Bool = false, headerColumns: Bool = true, releaseInputPages: Bool = false) {
        self.calibrated = calibrated
        self.labels = labels
        self.headerColumns = headerColumns
        self.releaseInputPages = releaseInputPages
    }
}

/// Turns one `ResolvedContainer` into a `DecodePlan`. Runs once per container at load; linear
/// in the entries (plus the expanded elements of fixed arrays).
struct PlanCompiler {
    let set: DefinitionSet
    let resolved: ResolvedContainer
    let layout: TypeLayout

    private var columns: [OutputColumn] = []
    private var names: Set<String> = []
    private var numeric: [NumericField] = []
    private var byteFields: [ByteField] = []
    private var dynamic: [DynamicEntry] = []
    private var minimumBits = 0
    private var dynamicStart = 0
    /// Where the latest value of each parameter (by index) is, as decoding proceeds.
    private var latest: [Int: ValueSource] = [:]
    private var referenced: Set<Int> = []
    private var slotCount = 0
    /// The raw scalar column of each parameter, for calibration conditions.
    private var scalarColumn: [Int: Int] = [:]
    /// Tried in the fixed table: expanded elements beyond this go to the interpreter instead.
    static let maxFixedElements = 1 << 16

    init(set: DefinitionSet, resolved: ResolvedContainer, extraReferences: Set<Int> = []) {
        self.set = set
        self.resolved = resolved
        self.layout = TypeLayout(set: set)
        self.referenced = extraReferences
    }

    /// `criteria` compiled against the values this container's entries leave (after `compile`):
    /// fields at fixed positions are re-read from the packet, the others come from interpreter slots.
    func conditionAfterEntries(_ criteria: MatchCriteria, at location: SourceLocation) throws(DecomError) -> CompiledCondition {
        try condition(criteria, at: location)
    }

    mutating func compile() throws(DecomError) -> DecodePlan {
        collectReferences()
        addHeaderColumns()
        var inPrefix = true
        for entry in resolved.entries {
            if inPrefix, try compileFixed(entry) { continue }
            inPrefix = false
            try compileDynamic(entry.entry)
        }
        let calibrations = try compileCalibrations()
        let labels = compileLabels()
        return DecodePlan(containerName: resolved.name, container: resolved.container, apid: resolved.apid,
                          columns: columns, numericFields: numeric, byteFields: byteFields, minimumBits: minimumBits,
                          dynamicStartBit: dynamicStart, dynamicEntries: dynamic, slotCount: slotCount,
                          calibrations: calibrations, labels: labels)
    }

    // MARK: - Columns

    private mutating func addColumn(_ name: String, _ type: ElementType, shape: [Int], role: ColumnRole,
                                    sizing: ColumnSizing = .fixed, valueType: ParameterTypeID? = nil) -> Int {
        var unique = name
        var n = 2
        while names.contains(unique) {
            unique = "\(name)#\(n)"
            n += 1
        }
        names.insert(unique)
        columns.append(OutputColumn(name: unique, elementType: type, shape: shape, role: role, sizing: sizing,
                                    valueType: valueType))
        return columns.count - 1
    }

    private mutating func addHeaderColumns() {
        let types: [HeaderField: ElementType] = [
            .version: .uint8, .type: .uint8, .secondaryHeader: .uint8, .apid: .uint16, .sequenceFlags: .uint8,
            .sequenceCount: .uint16, .dataLength: .uint16,
        ]
        for field in HeaderField.allCases { _ = addColumn(field.rawValue, types[field]!, shape: [], role: .header(field)) }
        _ = addColumn("file_offset", .int64, shape: [], role: .fileOffset)
        _ = addColumn("file_index", .uint16, shape: [], role: .fileIndex)
    }

    /// Columns for a leaf's values; one column per leaf name (elements of arrays share it).
    private mutating func column(for leaf: LeafTemplate, outerShape: [Int], sizing outer: ColumnSizing?,
                                 columnsByName: inout [String: Int]) -> Int {
        if let c = columnsByName[leaf.name] { return c }
        let type: ElementType
        var sizing: ColumnSizing = .fixed
        if let n = TypeLayout.numeric(leaf.encoding) {
            type = TypeLayout.elementType(width: n.width, scheme: n.scheme)
        } else if let bits = leaf.sizeInBits {
            let width = max(1, (bits + 7) / 8)
            if case .string = leaf.encoding { type = .string(width: width) } else { type = .binary(width: width) }
        } else {
            if case .string = leaf.encoding { type = .string(width: 1) } else { type = .binary(width: 1) }
            sizing = .binaryWidthFromLongestPacket
        }
        if let outer, case .countFromLongestPacket(let bits, _) = outer {
            if sizing == .binaryWidthFromLongestPacket {
                // Variable counts of variable-size values: not representable in fixed-width columns.
                sizing = .countFromLongestPacket(instanceBits: bits, innerShape: leaf.innerShape)
            } else {
                sizing = .countFromLongestPacket(instanceBits: bits, innerShape: leaf.innerShape)
            }
        }
        let c = addColumn(leaf.name, type, shape: outerShape + leaf.innerShape, role: .parameter(leaf.parameter), sizing: sizing,
                          valueType: leaf.type)
        columnsByName[leaf.name] = c
        if outerShape.isEmpty && leaf.innerShape.isEmpty && TypeLayout.numeric(leaf.encoding) != nil {
            scalarColumn[leaf.parameter.index] = c
        }
        return c
    }

    // MARK: - Entries

    private func parameterAndType(_ e: ContainerEntry) -> (ParameterID, ParameterTypeID, [ArrayDimension]?)? {
        switch e.kind {
        case .parameter(let p): return (p, set.parameters[p.index].type, nil)
        case .arrayParameter(let p, let dims): return (p, set.parameters[p.index].type, dims.isEmpty ? nil : dims)
        default: return nil
        }
    }

    /// The element type and dimensions when the entry's parameter is an array at the top.
    private func topArray(_ type: ParameterTypeID, override: [ArrayDimension]?) -> (ParameterTypeID, [ArrayDimension])? {
        guard case .array(let info) = set.parameterTypes[type.index].kind else { return nil }
        return (info.elementType, override ?? info.dimensions)
    }

    /// Adds the entry to the fixed table when its position, size and presence are constant.
    private mutating func compileFixed(_ r: ResolvedEntry) throws(DecomError) -> Bool {
        let e = r.entry
        guard let start = r.fixedBitOffset, let size = r.fixedSizeInBits, e.includeCondition == nil else { return false }
        if case .fixedValue = e.kind {
            minimumBits = max(minimumBits, start + size)
            dynamicStart = start + size
            return true
        }
        guard let (parameter, type, override) = parameterAndType(e) else { return false }
        let name = set.parameters[parameter.index].name
        var elementType = type
        var outerShape: [Int] = []
        if let (inner, dims) = topArray(type, override: override) {
            for d in dims {
                guard let n = d.fixedCount else { return false }
                outerShape.append(n)
            }
            elementType = inner
        }
        var repeatCount = 1
        var gap = 0
        if let rep = e.repeatEntry {
            guard let n = rep.count.fixedValue, let g = rep.offsetInBits.fixedValue, n >= 0 else { return false }
            repeatCount = Int(n)
            gap = Int(g)
            outerShape.insert(repeatCount, at: 0)
        }
        let leaves = try layout.leaves(of: elementType, name: name, parameter: parameter, at: e.source)
        guard let instanceBits = leaves.last.flatMap({ l in l.offsetInInstance.flatMap { o in l.sizeInBits.map { o + $0 } } }),
              leaves.allSatisfy({ $0.offsetInInstance != nil && $0.sizeInBits != nil })
        else { return false }
        let arrayCount = outerShape.dropFirst(e.repeatEntry == nil ? 0 : 1).reduce(1, *)
        let instances = repeatCount * arrayCount
        guard instances * leaves.count <= Self.maxFixedElements else { return false }

        var byName: [String: Int] = [:]
        for occurrence in 0..<repeatCount {
            let occurrenceStart = start + occurrence * (arrayCount * instanceBits + gap)
            for a in 0..<arrayCount {
                let k = occurrence * arrayCount + a
                let instanceStart = occurrenceStart + a * instanceBits
                for leaf in leaves {
                    let c = column(for: leaf, outerShape: outerShape, sizing: nil, columnsByName: &byName)
                    let element = k * leaf.innerShape.reduce(1, *) + leaf.innerElement
                    let bit = instanceStart + leaf.offsetInInstance!
                    if let n = TypeLayout.numeric(leaf.encoding) {
                        let field = NumericField(bitOffset: bit, width: n.width, scheme: n.scheme, littleEndian: n.littleEndian,
                                                 column: c, element: element)
                        numeric.append(field)
                        latest[leaf.parameter.index] = .field(NumericField(
                            bitOffset: bit, width: n.width, scheme: n.scheme, littleEndian: n.littleEndian, column: -1))
                    } else {
                        var terminator: [UInt8]? = nil
                        if case .string(let s) = leaf.encoding, case .terminated(let t) = s.content { terminator = t }
                        byteFields.append(ByteField(bitOffset: bit, bitCount: leaf.sizeInBits!, column: c, element: element,
                                                    terminator: terminator))
                    }
                }
            }
        }
        minimumBits = max(minimumBits, start + size)
        dynamicStart = start + size
        return true
    }

    /// Adds the entry to the interpreted part.
    private mutating func compileDynamic(_ e: ContainerEntry) throws(DecomError) {
        var start: EntryStart = .afterPrevious(.constant(0))
        if let loc = e.location {
            let offset = try expression(loc.offsetInBits, at: e.source)
            switch loc.reference {
            case .previousEntry: start = .afterPrevious(offset)
            case .containerStart: start = .fromContainerStart(offset)
            case .containerEnd: start = .beforeContainerEnd(offset)
            case .nextEntry: throw .unsupported("LocationInContainerInBits relative to the next entry", at: e.source)
            }
        }
        let include = try e.includeCondition.map { c throws(DecomError) in try condition(c, at: e.source) }
        if case .fixedValue(let name, let bits, _) = e.kind {
            dynamic.append(DynamicEntry(start: start, include: include, repeatCount: nil, repeatGap: .constant(0),
                                        dimensions: [], leaves: [DynamicLeaf(kind: .skip(bits: bits), column: -1, element: 0,
                                                                             stride: 0, slot: nil)],
                                        instanceBits: bits, capacity: 1, countColumn: nil, presentColumn: nil, source: e.source))
            _ = name
            return
        }
        guard let (parameter, type, override) = parameterAndType(e) else {
            throw .unsupported("container entry kind", at: e.source)
        }
        let name = set.parameters[parameter.index].name
        var elementType = type
        var dimensions: [(start: IntegerExpression, end: IntegerExpression)] = []
        var fixedDims: [Int]? = []
        if let (inner, dims) = topArray(type, override: override) {
            guard !dims.isEmpty else { throw .unsupported("array '\(name)' without dimensions", at: e.source) }
            for d in dims {
                dimensions.append((try expression(d.startingIndex, at: e.source), try expression(d.endingIndex, at: e.source)))
                if let n = d.fixedCount { fixedDims?.append(n) } else { fixedDims = nil }
            }
            elementType = inner
        }
        var repeatCount: IntegerExpression? = nil
        var repeatGap: IntegerExpression = .constant(0)
        var fixedRepeat: Int? = 1
        if let rep = e.repeatEntry {
            repeatCount = try expression(rep.count, at: e.source)
            repeatGap = try expression(rep.offsetInBits, at: e.source)
            fixedRepeat = rep.count.fixedValue.map { Int(max(0, $0)) }
        }
        let leaves = try layout.leaves(of: elementType, name: name, parameter: parameter, at: e.source)
        let instanceBits: Int? = leaves.allSatisfy { $0.sizeInBits != nil } ? leaves.reduce(0) { $0 + $1.sizeInBits! } : nil
        var capacity: Int? = nil
        var outerShape: [Int] = []
        if let r = fixedRepeat, let dims = fixedDims {
            capacity = r * dims.reduce(1, *)
            if e.repeatEntry != nil { outerShape.append(r) }
            outerShape += dims
        }
        var outerSizing: ColumnSizing? = nil
        if capacity == nil {
            guard let bits = instanceBits, bits > 0 else {
                throw .unsupported("'\(name)': a packet-dependent count of values whose size is not constant", at: e.source)
            }
            outerSizing = .countFromLongestPacket(instanceBits: bits, innerShape: [])
            outerShape = [1]
        }
        var byName: [String: Int] = [:]
        var dynamicLeaves: [DynamicLeaf] = []
        let isScalar = capacity == 1 && outerShape.isEmpty
        for leaf in leaves {
            let c = column(for: leaf, outerShape: outerShape, sizing: outerSizing, columnsByName: &byName)
            var slot: Int? = nil
            if isScalar, leaf.innerShape.isEmpty, leaves.count == 1, referenced.contains(parameter.index),
               TypeLayout.numeric(leaf.encoding) != nil {
                slot = slotCount
                slotCount += 1
            }
            let kind = try leafKind(leaf, at: e.source)
            dynamicLeaves.append(DynamicLeaf(kind: kind, column: c, element: leaf.innerElement,
                                             stride: leaf.innerShape.reduce(1, *), slot: slot))
            if case .binary(let size, _) = kind, case .linear = size {
                let sizeColumn = addColumn(leaf.name + ".bits", .uint32, shape: outerShape + leaf.innerShape,
                                           role: .sizeInBits(column: c), sizing: outerSizing.map { _ in
                                               .countFromLongestPacket(instanceBits: instanceBits ?? 1, innerShape: leaf.innerShape) } ?? .fixed)
                dynamicLeaves[dynamicLeaves.count - 1].kind = .binary(size: size, sizeColumn: sizeColumn)
            }
            if case .string(let layout, _) = kind {
                let sizeColumn = addColumn(leaf.name + ".bits", .uint32, shape: outerShape + leaf.innerShape,
                                           role: .sizeInBits(column: c), sizing: outerSizing.map { _ in
                                               .countFromLongestPacket(instanceBits: instanceBits ?? 1, innerShape: leaf.innerShape) } ?? .fixed)
                dynamicLeaves[dynamicLeaves.count - 1].kind = .string(layout, sizeColumn: sizeColumn)
            }
            if let slot {
                latest[parameter.index] = .slot(slot)
            }
        }
        if dynamicLeaves.first?.slot == nil { latest[parameter.index] = nil }
        let firstColumn = dynamicLeaves.first?.column ?? -1
        let countColumn = capacity == nil
            ? addColumn(name + ".count", .uint32, shape: [], role: .elementCount(column: firstColumn)) : nil
        let presentColumn = include != nil
            ? addColumn(name + ".present", .uint8, shape: [], role: .present(column: firstColumn)) : nil
        if case .beforeContainerEnd = start, instanceBits == nil || capacity == nil {
            throw .unsupported("'\(name)' located from the container end with a packet-dependent size", at: e.source)
        }
        dynamic.append(DynamicEntry(start: start, include: include, repeatCount: repeatCount, repeatGap: repeatGap,
                                    dimensions: dimensions, leaves: dynamicLeaves, instanceBits: instanceBits,
                                    capacity: capacity, countColumn: countColumn, presentColumn: presentColumn,
                                    source: e.source))
    }

    private func leafKind(_ leaf: LeafTemplate, at source: SourceLocation) throws(DecomError) -> LeafKind {
        if let n = TypeLayout.numeric(leaf.encoding) {
            return .numeric(width: n.width, scheme: n.scheme, littleEndian: n.littleEndian)
        }
        switch leaf.encoding {
        case .binary(let b):
            return .binary(size: try expression(b.sizeInBits, at: source), sizeColumn: nil)
        case .string(let s):
            var layout = StringLayout(buffer: nil, terminator: nil, sizeTagBits: nil, maxBits: s.maxSizeInBits)
            switch s.buffer {
            case .fixed(let bits): layout.buffer = .constant(bits)
            case .dynamic(let d): layout.buffer = try expression(.dynamic(d), at: source)
            case .variable: layout.buffer = nil
            }
            switch s.content {
            case .wholeBuffer: break
            case .terminated(let t): layout.terminator = t
            case .leadingSize(let bits): layout.sizeTagBits = bits
            }
            if layout.buffer == nil && layout.terminator == nil && layout.sizeTagBits == nil {
                throw .unsupported("string '\(leaf.name)' with neither a buffer size, a terminator nor a size tag", at: source)
            }
            return .string(layout, sizeColumn: nil)
        default:
            throw .unsupported("encoding of '\(leaf.name)'", at: source)
        }
    }

    // MARK: - Values, expressions, conditions

    /// Parameters whose values sizes, counts, locations and include conditions read.
    private mutating func collectReferences() {
        func add(_ v: IntegerValue) { if case .dynamic(let d) = v { referenced.insert(d.reference.parameter.index) } }
        for r in resolved.entries {
            let e = r.entry
            if let loc = e.location { add(loc.offsetInBits) }
            if let rep = e.repeatEntry { add(rep.count); add(rep.offsetInBits) }
            if let c = e.includeCondition { for ref in c.referencedParameters { referenced.insert(ref.parameter.index) } }
            if case .arrayParameter(_, let dims) = e.kind { for d in dims { add(d.startingIndex); add(d.endingIndex) } }
            guard let p = e.parameter else { continue }
            var pending = [set.parameters[p.index].type]
            var seen = Set<Int>()
            while let t = pending.popLast() {
                guard seen.insert(t.index).inserted else { continue }
                let type = set.parameterTypes[t.index]
                switch type.kind {
                case .array(let info):
                    pending.append(info.elementType)
                    for d in info.dimensions { add(d.startingIndex); add(d.endingIndex) }
                case .aggregate(let members): pending.append(contentsOf: members.map(\.type))
                default: break
                }
                switch type.encoding {
                case .binary(let b)?: add(b.sizeInBits)
                case .string(let s)?: if case .dynamic(let d) = s.buffer { referenced.insert(d.reference.parameter.index) }
                default: break
                }
            }
        }
    }

    private func source(_ ref: ParameterInstanceRef, at location: SourceLocation) throws(DecomError) -> ValueSource {
        guard ref.instance == 0 else {
            throw .unsupported("reference to instance \(ref.instance) of '\(ref.name)' (only the latest value, instance 0)", at: location)
        }
        guard let s = latest[ref.parameter.index] else {
            throw .invalidDefinition("'\(ref.name)' is read before a single numeric value of it is decoded in container '\(resolved.name)'",
                                     at: location)
        }
        return s
    }

    private func expression(_ v: IntegerValue, at location: SourceLocation) throws(DecomError) -> IntegerExpression {
        switch v {
        case .fixed(let n):
            guard let i = Int(exactly: n) else { throw .unsupported("integer \(n)", at: location) }
            return .constant(i)
        case .dynamic(let d):
            let value = try compared(d.reference, at: location, source: source)
            guard case .raw(let s) = value else {
                throw .unsupported("size, count or location from the calibrated value of '\(d.reference.name)'", at: location)
            }
            return .linear(s, slope: d.slope, intercept: d.intercept)
        }
    }

    /// The compared view of a referenced parameter: raw, or through its default calibrator.
    private func compared(_ ref: ParameterInstanceRef, at location: SourceLocation,
                          source: (ParameterInstanceRef, SourceLocation) throws(DecomError) -> ValueSource) throws(DecomError) -> ComparedValue {
        let s = try source(ref, location)
        let type = set.type(of: ref.parameter)
        guard ref.useCalibratedValue, let encoding = type.encoding else { return .raw(s) }
        switch type.kind {
        case .enumerated, .boolean: return .raw(s)
        default: break
        }
        var contexts = false
        if case .integer(let i) = encoding { contexts = !i.contextCalibrators.isEmpty }
        if case .float(let f) = encoding { contexts = !f.contextCalibrators.isEmpty }
        if contexts {
            throw .unsupported("condition or size on the calibrated value of '\(ref.name)', which has context calibrators", at: location)
        }
        guard let calibrator = encoding.defaultCalibrator else { return .raw(s) }
        return .calibrated(s, CalibrationFunction(calibrator))
    }

    private func condition(_ c: MatchCriteria, at location: SourceLocation) throws(DecomError) -> CompiledCondition {
        try ConditionCompiler(set: set).compile(c, at: location) { ref, loc throws(DecomError) in
            try compared(ref, at: loc, source: source)
        }
    }

    // MARK: - Calibration and labels

    private func compileCalibrations() throws(DecomError) -> [ColumnCalibration] {
        var out: [ColumnCalibration] = []
        for (index, column) in columns.enumerated() {
            guard let p = column.parameter, let valueType = column.valueType else { continue }
            let param = set.parameters[p.index]
            let type = set.parameterTypes[valueType.index]
            var contexts: [ContextCalibrator] = []
            var defaultCalibrator: Calibrator?
            switch type.encoding {
            case .integer(let i)?: contexts = i.contextCalibrators; defaultCalibrator = i.defaultCalibrator
            case .float(let f)?: contexts = f.contextCalibrators; defaultCalibrator = f.defaultCalibrator
            default: continue
            }
            if case .enumerated = type.kind { continue }
            if contexts.isEmpty && defaultCalibrator == nil { continue }
            var compiled: [(condition: CompiledCondition, function: CalibrationFunction)] = []
            for ctx in contexts {
                let condition = try ConditionCompiler(set: set).compile(ctx.match, at: param.source) { ref, loc throws(DecomError) in
                    guard let c = scalarColumn[ref.parameter.index] else {
                        throw .unsupported("context calibrator of '\(param.name)' reads '\(ref.name)', which is not a scalar of container '\(resolved.name)'", at: loc)
                    }
                    return .raw(.column(c))
                }
                compiled.append((condition, CalibrationFunction(ctx.calibrator)))
            }
            out.append(ColumnCalibration(column: index, contexts: compiled, defaultFunction: defaultCalibrator.map(CalibrationFunction.init)))
        }
        return out
    }

    private func compileLabels() -> [ColumnLabels] {
        var out: [ColumnLabels] = []
        for (index, column) in columns.enumerated() {
            guard column.parameter != nil, column.elementType.isInteger, let valueType = column.valueType else { continue }
            switch set.parameterTypes[valueType.index].kind {
            case .enumerated(let entries):
                out.append(ColumnLabels(column: index, entries: entries.map { ($0.value...max($0.value, $0.maxValue), $0.label) }))
            case .boolean(let one, let zero):
                out.append(ColumnLabels(column: index, entries: [(0...0, zero), (Int64.min...(-1), one), (1...Int64.max, one)]))
            default:
                continue
            }
        }
        return out
    }
}
