// Loading XTCE 1.1 / 1.2 telemetry definitions into the definition model.

/// Loads XTCE documents (`SpaceSystem` in the XTCE 1.1 or 1.2 namespace, prefixed or default,
/// with nested SpaceSystems) into a validated `DefinitionSet`.
///
/// Reads `TelemetryMetaData` (parameter types, parameters, sequence containers); command metadata,
/// alarms, alias-only and descriptive elements that do not affect decoding are skipped. Features
/// that would change decoding but are not implemented are refused with `.unsupported`, never
/// ignored. Cost: one parse into a small tree, then linear passes; the 0.9 MB Ultra file loads in
/// well under a second.
public enum XTCELoader {
    /// Loads the XTCE file at `path`. Errors name the file as `path` was given.
    public static func load(contentsOf path: String) throws(DefinitionError) -> DefinitionSet {
        let bytes = try readDefinitionFile(path)
        return try load(bytes: bytes, file: path)
    }

    /// Loads an XTCE document from memory; `file` names it in errors and source locations.
    public static func load(bytes: [UInt8], file: String) throws(DefinitionError) -> DefinitionSet {
        let root = try XMLParser.parse(bytes, file: file)
        var builder = XTCEBuilder(file: file)
        return try builder.build(root: root)
    }

    /// Loads an XTCE document held in a string.
    public static func load(xml: String, file: String) throws(DefinitionError) -> DefinitionSet {
        try load(bytes: Array(xml.utf8), file: file)
    }
}

/// One load of one XTCE document: collects every declaration first (so references may point
/// forward and across SpaceSystems), then builds types, parameters and containers with all
/// references resolved to IDs, then hands over to `DefinitionResolver`.
struct XTCEBuilder {
    let reader: XTCEReader
    var file: String { reader.file }
    var spaceSystems: [String] = []
    var typeSymbols = XTCESymbolTable(kind: "parameter type")
    var parameterSymbols = XTCESymbolTable(kind: "parameter")
    var containerSymbols = XTCESymbolTable(kind: "container")

    static let parameterTypeElements: Set<String> = [
        "IntegerParameterType", "FloatParameterType", "EnumeratedParameterType", "BooleanParameterType",
        "BinaryParameterType", "StringParameterType", "AbsoluteTimeParameterType", "RelativeTimeParameterType",
        "ArrayParameterType", "AggregateParameterType",
    ]

    init(file: String) { reader = XTCEReader(file: file) }

    mutating func build(root: XMLElement) throws(DefinitionError) -> DefinitionSet {
        guard root.localName == "SpaceSystem" else {
            throw reader.error(root, .notXTCE("root element is <\(root.qualifiedName)>, expected <SpaceSystem>"))
        }
        guard root.isXTCE else {
            throw reader.error(root, .notXTCE("root <SpaceSystem> is in namespace '\(root.namespaceURI ?? "(none)")', "
                + "expected \(XTCENamespace.v1_1) or \(XTCENamespace.v1_2)"))
        }
        try collect(system: root, parent: [])

        var types: [ParameterType] = []
        types.reserveCapacity(typeSymbols.declarations.count)
        for (i, d) in typeSymbols.declarations.enumerated() {
            types.append(try buildType(d, id: ParameterTypeID(i)))
        }
        var parameters: [Parameter] = []
        parameters.reserveCapacity(parameterSymbols.declarations.count)
        for (i, d) in parameterSymbols.declarations.enumerated() {
            parameters.append(try buildParameter(d, id: ParameterID(i), types: types))
        }
        var containers: [SequenceContainer] = []
        for (i, d) in containerSymbols.declarations.enumerated() {
            containers.append(try buildContainer(d, id: ContainerID(i), parameters: parameters, types: types))
        }
        return try DefinitionResolver(file: file).resolve(
            spaceSystems: spaceSystems, types: types, parameters: parameters, containers: containers)
    }

    // MARK: - Declarations

    private mutating func collect(system: XMLElement, parent: [String]) throws(DefinitionError) {
        let name = try reader.required(system, "name")
        let path = parent + [name]
        spaceSystems.append("/" + path.joined(separator: "/"))
        for child in system.xtceElements {
            switch child.localName {
            case "TelemetryMetaData":
                for set in child.xtceElements {
                    switch set.localName {
                    case "ParameterTypeSet":
                        for t in set.xtceElements {
                            guard Self.parameterTypeElements.contains(t.localName) else {
                                throw reader.error(t, .unsupported("parameter type element <\(t.localName)>"))
                            }
                            try typeSymbols.declare(t, name: try reader.required(t, "name"), system: path, reader: reader)
                        }
                    case "ParameterSet":
                        for p in set.xtceChildren("Parameter") {
                            try parameterSymbols.declare(p, name: try reader.required(p, "name"), system: path, reader: reader)
                        }
                    case "ContainerSet":
                        for c in set.xtceElements {
                            guard c.localName == "SequenceContainer" else {
                                throw reader.error(c, .unsupported("container element <\(c.localName)>"))
                            }
                            try containerSymbols.declare(c, name: try reader.required(c, "name"), system: path, reader: reader)
                        }
                    default:
                        continue // StreamSet, AlgorithmSet, MessageSet: not needed to decode packets.
                    }
                }
            case "SpaceSystem":
                try collect(system: child, parent: path)
            default:
                continue // Header, CommandMetaData, ServiceSet, ...
            }
        }
    }

    // MARK: - Reference resolution

    func typeID(_ ref: String, from system: [String], at e: XMLElement, referencedBy: String) throws(DefinitionError) -> ParameterTypeID {
        guard let i = typeSymbols.resolve(ref, from: system) else {
            throw reader.error(e, .unknownParameterType(name: ref, referencedBy: referencedBy))
        }
        return ParameterTypeID(i)
    }

    func parameterID(_ ref: String, from system: [String], at e: XMLElement, referencedBy: String) throws(DefinitionError) -> ParameterID {
        guard let i = parameterSymbols.resolve(ref, from: system) else {
            throw reader.error(e, .unknownParameter(name: ref, referencedBy: referencedBy))
        }
        return ParameterID(i)
    }

    func containerID(_ ref: String, from system: [String], at e: XMLElement, referencedBy: String) throws(DefinitionError) -> ContainerID {
        guard let i = containerSymbols.resolve(ref, from: system) else {
            throw reader.error(e, .unknownContainer(name: ref, referencedBy: referencedBy))
        }
        return ContainerID(i)
    }

    /// `shortDescription` attribute, or the text of a `ShortDescription` element (XTCE 1.0 style, used by IMAP MAG).
    func shortDescription(_ e: XMLElement) -> String? {
        if let a = e.attribute("shortDescription") { return a }
        guard let t = e.xtceChild("ShortDescription")?.trimmedText, !t.isEmpty else { return nil }
        return t
    }

    /// `LongDescription` text, when present and not empty.
    func longDescription(_ e: XMLElement) -> String? {
        guard let t = e.xtceChild("LongDescription")?.trimmedText, !t.isEmpty else { return nil }
        return t
    }

    // MARK: - Parameters

    private func buildParameter(_ d: XTCESymbolTable.Declaration, id: ParameterID, types: [ParameterType]) throws(DefinitionError) -> Parameter {
        let e = d.element
        let typeRef = try reader.required(e, "parameterTypeRef")
        let type = try typeID(typeRef, from: d.system, at: e, referencedBy: "parameter '\(d.name)'")
        var aliases: [Alias] = []
        for a in e.xtceChild("AliasSet")?.xtceChildren("Alias") ?? [] {
            aliases.append(Alias(nameSpace: a.attribute("nameSpace") ?? "", alias: try reader.required(a, "alias")))
        }
        return Parameter(id: id, name: d.name, qualifiedName: d.qualifiedName, type: type,
                         shortDescription: shortDescription(e), longDescription: longDescription(e),
                         units: types[type.index].units, aliases: aliases,
                         dataSource: e.xtceChild("ParameterProperties")?.attribute("dataSource"),
                         source: reader.location(e))
    }

    // MARK: - Containers

    private func buildContainer(_ d: XTCESymbolTable.Declaration, id: ContainerID, parameters: [Parameter],
                                types: [ParameterType]) throws(DefinitionError) -> SequenceContainer {
        let e = d.element
        let context = "container '\(d.name)'"
        var entries: [ContainerEntry] = []
        if let list = e.xtceChild("EntryList") {
            for entry in list.xtceElements {
                entries.append(try buildEntry(entry, system: d.system, context: context, parameters: parameters, types: types))
            }
        }
        var base: BaseContainer?
        if let b = e.xtceChild("BaseContainer") {
            let ref = try reader.required(b, "containerRef")
            let baseID = try containerID(ref, from: d.system, at: b, referencedBy: context)
            var restriction: MatchCriteria?
            if let rc = b.xtceChild("RestrictionCriteria") {
                restriction = try matchCriteria(in: rc, system: d.system, context: "restriction criteria of \(context)")
            }
            base = BaseContainer(container: baseID, restriction: restriction)
        }
        return SequenceContainer(id: id, name: d.name, qualifiedName: d.qualifiedName,
                                 shortDescription: shortDescription(e), longDescription: longDescription(e),
                                 isAbstract: try reader.bool(e, "abstract", default: false), base: base,
                                 entries: entries, source: reader.location(e))
    }

    private func buildEntry(_ e: XMLElement, system: [String], context: String, parameters: [Parameter],
                            types: [ParameterType]) throws(DefinitionError) -> ContainerEntry {
        let kind: ContainerEntry.Kind
        switch e.localName {
        case "ParameterRefEntry":
            let ref = try reader.required(e, "parameterRef")
            kind = .parameter(try parameterID(ref, from: system, at: e, referencedBy: context))
        case "ArrayParameterRefEntry":
            let ref = try reader.required(e, "parameterRef")
            let p = try parameterID(ref, from: system, at: e, referencedBy: context)
            let type = types[parameters[p.index].type.index]
            guard case .array = type.kind else {
                throw reader.invalid(e, "ArrayParameterRefEntry in \(context) refers to parameter '\(ref)' "
                    + "whose type '\(type.name)' is not an array type")
            }
            var dims: [ArrayDimension] = []
            if let list = e.xtceChild("DimensionList") {
                dims = try dimensions(list, system: system, context: context)
            }
            kind = .arrayParameter(p, dimensions: dims)
        case "ContainerRefEntry":
            let ref = try reader.required(e, "containerRef")
            kind = .container(try containerID(ref, from: system, at: e, referencedBy: context))
        case "FixedValueEntry":
            let bits = try reader.int(e, "sizeInBits")
            guard bits > 0 else { throw reader.error(e, .invalidSize("FixedValueEntry in \(context) has sizeInBits=\(bits)")) }
            let value = try reader.hexBytes(e, try reader.required(e, "binaryValue"), what: "FixedValueEntry binaryValue")
            kind = .fixedValue(name: e.attribute("name") ?? "", sizeInBits: bits, binaryValue: value)
        default:
            throw reader.error(e, .unsupported("entry <\(e.localName)> in \(context)"))
        }
        var location: EntryLocation?
        if let loc = e.xtceChild("LocationInContainerInBits") {
            let refText = loc.attribute("referenceLocation") ?? "previousEntry"
            guard let reference = ReferenceLocation(rawValue: refText) else {
                throw reader.invalid(loc, "unknown referenceLocation '\(refText)' in \(context)")
            }
            location = EntryLocation(reference: reference, offsetInBits: try integerValue(loc, system: system, context: context))
        }
        var repeatEntry: RepeatEntry?
        if let r = e.xtceChild("RepeatEntry") {
            let count = try integerValue(try reader.requiredChild(r, "Count", context: context), system: system, context: context)
            if case .fixed(let n) = count, n < 0 {
                throw reader.error(r, .invalidSize("RepeatEntry count \(n) in \(context) is negative"))
            }
            var offset = IntegerValue.fixed(0)
            if let o = r.xtceChild("Offset") { offset = try integerValue(o, system: system, context: context) }
            repeatEntry = RepeatEntry(count: count, offsetInBits: offset)
        }
        var include: MatchCriteria?
        if let ic = e.xtceChild("IncludeCondition") {
            include = try matchCriteria(in: ic, system: system, context: "include condition in \(context)")
        }
        return ContainerEntry(kind: kind, location: location, repeatEntry: repeatEntry, includeCondition: include,
                              source: reader.location(e))
    }
}
