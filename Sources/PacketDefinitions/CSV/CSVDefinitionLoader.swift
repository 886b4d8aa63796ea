// Loading CCSDSPy-style CSV packet definitions into the definition model.

/// Where explicit `bit_offset` values count from.
public enum CSVBitOffsetOrigin: Sendable {
    /// From the first bit of the packet, primary header included: CCSDSPy's semantics (its
    /// decoder places fields at `bit_offset` in the packet bytes, after prepending the header
    /// fields at offsets 0-47).
    case packetStart
    /// From the first bit after the 6-byte primary header (how some mission spreadsheets count).
    case afterPrimaryHeader
}

/// Loads a CCSDSPy-style CSV packet definition (one packet layout per file) into a `DefinitionSet`.
///
/// Columns are found by header name, in any order; extra columns are ignored (as CCSDSPy does):
/// - `name`, `data_type`, `bit_length` (required: the basic 3-column layout);
/// - `bit_offset` (optional: the extended 4-column layout; every field is then placed explicitly);
/// - `byte_order` (optional extension: `big` or `little`, CCSDSPy's `PacketField` values).
///
/// `data_type` is `uint`, `int`, `float`, `str` or `fill`, optionally with an array shape:
/// `uint(4)`, `uint(2, 3)`, `uint(expand)` (fills the rest of the packet; at most one), or
/// `uint(OTHER)` (as many elements as the value of the earlier field `OTHER`). Shapes other than
/// fixed ones cannot be combined with `bit_offset`, as in CCSDSPy.
///
/// The result has an abstract `CCSDSPacket` container holding the primary header fields under
/// CCSDSPy's names (`CCSDS_VERSION_NUMBER` ... `CCSDS_PACKET_LENGTH`) and one concrete container
/// extending it with the file's fields, restricted to `apid` when one is given.
///
/// Cost: one pass over the text; the result is a `DefinitionSet` like any other.
public enum CSVDefinitionLoader {
    /// Loads the CSV file at `path`. `containerName` defaults to the file name without extension.
    public static func load(contentsOf path: String, apid: Int? = nil, containerName: String? = nil,
                            bitOffsetOrigin: CSVBitOffsetOrigin = .packetStart) throws(DefinitionError) -> DefinitionSet {
        let bytes = try readDefinitionFile(path)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        let stem = base.hasSuffix(".csv") ? String(base.dropLast(4)) : base
        return try load(text: String(decoding: bytes, as: UTF8.self), file: path, apid: apid,
                        containerName: containerName ?? stem, bitOffsetOrigin: bitOffsetOrigin)
    }

    /// Loads CSV text; `file` names it in errors.
    public static func load(text: String, file: String, apid: Int? = nil, containerName: String = "Packet",
                            bitOffsetOrigin: CSVBitOffsetOrigin = .packetStart) throws(DefinitionError) -> DefinitionSet {
        var builder = CSVBuilder(file: file, system: containerName)
        return try builder.build(records: try parseCSV(text, file: file), apid: apid, containerName: containerName,
                                 bitOffsetOrigin: bitOffsetOrigin)
    }

    /// CCSDSPy's names for the primary header fields, with their widths.
    public static let primaryHeaderFields: [(name: String, bits: Int)] = [
        ("CCSDS_VERSION_NUMBER", 3), ("CCSDS_PACKET_TYPE", 1), ("CCSDS_SECONDARY_FLAG", 1), ("CCSDS_APID", 11),
        ("CCSDS_SEQUENCE_FLAG", 2), ("CCSDS_SEQUENCE_COUNT", 14), ("CCSDS_PACKET_LENGTH", 16),
    ]
}

/// One CSV load: builds types, parameters and the two containers, then resolves.
private struct CSVBuilder {
    let file: String
    let system: String
    var types: [ParameterType] = []
    var parameters: [Parameter] = []
    var parameterLines: [String: Int] = [:]

    init(file: String, system: String) {
        self.file = file
        self.system = system
    }

    func location(_ line: Int) -> SourceLocation { SourceLocation(file: file, line: line) }

    func fail(_ line: Int, _ message: String) -> DefinitionError {
        DefinitionError(file: file, line: line, kind: .invalidCSV(message))
    }

    func qualified(_ name: String) -> String { "/\(system)/\(name)" }

    mutating func addType(_ name: String, kind: ParameterTypeKind, encoding: DataEncoding?, line: Int) -> ParameterTypeID {
        let id = ParameterTypeID(types.count)
        types.append(ParameterType(id: id, name: name, qualifiedName: qualified(name), kind: kind, encoding: encoding,
                                   source: location(line)))
        return id
    }

    mutating func addParameter(_ name: String, type: ParameterTypeID, line: Int) throws(DefinitionError) -> ParameterID {
        if let first = parameterLines[name] {
            throw DefinitionError(file: file, line: line, kind: .duplicateName(kind: "field", name: name, firstLine: first))
        }
        parameterLines[name] = line
        let id = ParameterID(parameters.count)
        parameters.append(Parameter(id: id, name: name, qualifiedName: qualified(name), type: type, source: location(line)))
        return id
    }

    /// The scalar type for one field or array element.
    mutating func scalarType(_ name: String, dataType: String, bits: Int, byteOrder: ByteOrder, line: Int) throws(DefinitionError)
        -> ParameterTypeID {
        switch dataType {
        case "uint", "int":
            guard (1...64).contains(bits) else {
                throw DefinitionError(file: file, line: line, kind: .invalidSize(
                    "field '\(name)' has bit_length \(bits) (\(dataType) must be 1 to 64 bits)"))
            }
            let signed = dataType == "int"
            return addType(name, kind: .integer(signed: signed, sizeInBits: bits <= 8 ? 8 : bits <= 16 ? 16 : bits <= 32 ? 32 : 64),
                           encoding: .integer(IntegerEncoding(sizeInBits: bits, scheme: signed ? .twosComplement : .unsigned,
                                                              byteOrder: byteOrder)), line: line)
        case "float":
            guard bits == 32 || bits == 64 else {
                throw DefinitionError(file: file, line: line, kind: .invalidSize(
                    "field '\(name)' has bit_length \(bits) (float must be 32 or 64 bits)"))
            }
            return addType(name, kind: .float(sizeInBits: bits),
                           encoding: .float(FloatEncoding(sizeInBits: bits, byteOrder: byteOrder)), line: line)
        case "str":
            guard bits > 0, bits % 8 == 0 else {
                throw DefinitionError(file: file, line: line, kind: .invalidSize(
                    "field '\(name)' has bit_length \(bits) (str must be a positive multiple of 8 bits)"))
            }
            return addType(name, kind: .string, encoding: .string(StringEncoding(buffer: .fixed(bits), content: .wholeBuffer)),
                           line: line)
        case "fill":
            guard bits > 0 else {
                throw DefinitionError(file: file, line: line, kind: .invalidSize("field '\(name)' has bit_length \(bits)"))
            }
            return addType(name, kind: .binary, encoding: .binary(BinaryEncoding(sizeInBits: .fixed(Int64(bits)))), line: line)
        default:
            throw fail(line, "field '\(name)' has unknown data_type '\(dataType)' (expected uint, int, float, str or fill)")
        }
    }

    mutating func build(records: [CSVRecord], apid: Int?, containerName: String,
                        bitOffsetOrigin: CSVBitOffsetOrigin) throws(DefinitionError) -> DefinitionSet {
        guard let header = records.first else {
            throw DefinitionError(file: file, line: 1, kind: .invalidCSV("empty CSV definition"))
        }
        let columns = header.fields.map { $0.trimmingASCIIWhitespace() }
        func column(_ name: String) -> Int? { columns.firstIndex(of: name) }
        guard let nameCol = column("name"), let typeCol = column("data_type"), let lengthCol = column("bit_length") else {
            throw fail(header.line, "missing required columns: need name, data_type and bit_length, found \(columns.joined(separator: ", "))")
        }
        let offsetCol = column("bit_offset")
        let orderCol = column("byte_order")

        // Primary header, as CCSDSPy prepends it.
        var headerEntries: [ContainerEntry] = []
        for (name, bits) in CSVDefinitionLoader.primaryHeaderFields {
            let t = try scalarType(name, dataType: "uint", bits: bits, byteOrder: .mostSignificantByteFirst, line: header.line)
            let p = try addParameter(name, type: t, line: header.line)
            headerEntries.append(ContainerEntry(kind: .parameter(p), source: location(header.line)))
        }

        var entries: [ContainerEntry] = []
        var expandLine: Int?
        for record in records.dropFirst() {
            let line = record.line
            func cell(_ i: Int) -> String { i < record.fields.count ? record.fields[i].trimmingASCIIWhitespace() : "" }
            let name = cell(nameCol)
            guard !name.isEmpty else { throw fail(line, "field with an empty name") }
            let typeText = cell(typeCol)
            guard let bits = Int(cell(lengthCol)) else {
                throw fail(line, "field '\(name)' has bit_length '\(cell(lengthCol))', not an integer")
            }
            var byteOrder = ByteOrder.mostSignificantByteFirst
            if let orderCol {
                switch cell(orderCol) {
                case "", "big": break
                case "little": byteOrder = .leastSignificantByteFirst
                case let other:
                    throw DefinitionError(file: file, line: line, kind: .unsupported(
                        "byte_order '\(other)' of field '\(name)' (only big and little are supported)"))
                }
            }
            var location: EntryLocation?
            if let offsetCol {
                guard let offset = Int(cell(offsetCol)), offset >= 0 else {
                    throw fail(line, "field '\(name)' has bit_offset '\(cell(offsetCol))', not a non-negative integer")
                }
                let absolute = bitOffsetOrigin == .packetStart ? offset : offset + 48
                location = EntryLocation(reference: .containerStart, offsetInBits: .fixed(Int64(absolute)))
            }

            let kind: ContainerEntry.Kind
            if let open = typeText.firstIndex(of: "(") {
                guard typeText.last == ")", typeText.filter({ $0 == "(" }).count == 1 else {
                    throw fail(line, "field '\(name)' has malformed data_type '\(typeText)'")
                }
                let base = String(typeText[..<open]).trimmingASCIIWhitespace()
                let shape = String(typeText[typeText.index(after: open)..<typeText.index(before: typeText.endIndex)])
                    .trimmingASCIIWhitespace()
                let element = try scalarType("\(name)_element", dataType: base, bits: bits, byteOrder: byteOrder, line: line)
                var info: ArrayTypeInfo
                if shape == "expand" {
                    if let first = expandLine {
                        throw fail(line, "field '\(name)' is a second expand array (the first is on line \(first)); "
                            + "the layout would be ambiguous")
                    }
                    expandLine = line
                    info = ArrayTypeInfo(elementType: element, numberOfDimensions: 1, dimensions: [], expandsToFillPacket: true)
                } else if shape.first.map({ $0.isNumber }) == true {
                    var dims: [ArrayDimension] = []
                    for part in shape.split(separator: ",") {
                        guard let n = Int64(part.trimmingASCIIWhitespace()), n > 0 else {
                            throw fail(line, "field '\(name)' has array shape '\(shape)': dimensions must be positive integers")
                        }
                        dims.append(ArrayDimension(count: n))
                    }
                    info = ArrayTypeInfo(elementType: element, numberOfDimensions: dims.count, dimensions: dims)
                } else {
                    guard let ref = parameters.first(where: { $0.name == shape }),
                          CSVDefinitionLoader.primaryHeaderFields.allSatisfy({ $0.name != shape }) else {
                        throw DefinitionError(file: file, line: line, kind: .unknownParameter(
                            name: shape, referencedBy: "the array shape of field '\(name)' (it must be an earlier field)"))
                    }
                    let count = DynamicValue(reference: ParameterInstanceRef(parameter: ref.id, name: shape, useCalibratedValue: false),
                                             slope: 1, intercept: -1)
                    info = ArrayTypeInfo(elementType: element, numberOfDimensions: 1,
                                         dimensions: [ArrayDimension(startingIndex: .fixed(0), endingIndex: .dynamic(count))])
                }
                if location != nil && (info.expandsToFillPacket || info.dimensions.contains { $0.fixedCount == nil }) {
                    throw fail(line, "field '\(name)' has a variable array shape and a bit_offset; CCSDSPy computes the "
                        + "offsets of variable-length packets itself, so bit_offset must be left out")
                }
                let arrayType = addType(name, kind: .array(info), encoding: nil, line: line)
                kind = .parameter(try addParameter(name, type: arrayType, line: line))
            } else {
                let t = try scalarType(name, dataType: typeText, bits: bits, byteOrder: byteOrder, line: line)
                kind = .parameter(try addParameter(name, type: t, line: line))
            }
            entries.append(ContainerEntry(kind: kind, location: location, source: self.location(line)))
        }
        if entries.isEmpty { throw fail(header.line, "no fields after the header row") }

        let root = SequenceContainer(id: ContainerID(0), name: "CCSDSPacket", qualifiedName: qualified("CCSDSPacket"),
                                     isAbstract: true, entries: headerEntries, source: location(header.line))
        var restriction: MatchCriteria?
        if let apid {
            guard (0...2047).contains(apid) else {
                throw DefinitionError(file: file, line: nil, kind: .invalidDefinition("APID \(apid) is outside 0...2047"))
            }
            restriction = .comparison(Comparison(
                parameter: ParameterInstanceRef(parameter: ParameterID(3), name: "CCSDS_APID", useCalibratedValue: false),
                comparisonOperator: .equal, operand: .value(String(apid))))
        }
        let packet = SequenceContainer(id: ContainerID(1), name: containerName, qualifiedName: qualified(containerName),
                                       base: BaseContainer(container: root.id, restriction: restriction),
                                       entries: entries, source: location(header.line))
        return try DefinitionResolver(file: file).resolve(spaceSystems: ["/\(system)"], types: types,
                                                          parameters: parameters, containers: [root, packet])
    }
}
