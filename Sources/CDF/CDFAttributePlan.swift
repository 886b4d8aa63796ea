import Dataset

/// One attribute entry as stored in an AEDR: CDF type, element count, string count and value bytes.
/// Costs its value bytes.
struct AttributeEntry: Sendable {
    let type: CDFDataType
    let numElems: Int
    /// Number of strings in a CHAR entry (NASA's "\N " separator joins several); 0 for numbers.
    let numStrings: Int
    let bytes: [UInt8]
    /// Global entries: the entry number; variable entries: the variable number.
    let number: Int
}

/// One attribute: its scope (1 global, 2 variable) and entries, in file order. Costs its entries.
struct AttributePlan: Sendable {
    let name: String
    let number: Int
    let isGlobal: Bool
    let entries: [AttributeEntry]
}

/// Turns the dataset's global and variable attributes into CDF attributes with typed entries.
///
/// Costs: one small byte array per entry.
enum CDFAttributePlanner {
    static func plan(globals: Attributes, variables: [ResolvedVariable]) throws -> [AttributePlan] {
        var plans: [AttributePlan] = []
        for (name, value) in globals {
            guard !name.isEmpty else { throw CDFError.emptyName(what: "a global attribute") }
            let entries: [AttributeEntry]
            switch value {
            case .text(let strings):
                entries = strings.enumerated().map { i, s in textEntry([s], number: i) }
            default:
                entries = [try numericEntry(value, attribute: name, number: 0)]
            }
            plans.append(AttributePlan(name: name, number: plans.count, isGlobal: true, entries: entries))
        }
        let globalNames = Set(plans.map(\.name))
        var order: [String] = []
        var byName: [String: [AttributeEntry]] = [:]
        for rv in variables {
            for (name, value) in rv.variable.attributes {
                guard !name.isEmpty else { throw CDFError.emptyName(what: "an attribute of variable '\(rv.name)'") }
                guard !globalNames.contains(name) else { throw CDFError.attributeScopeConflict(name) }
                let entry: AttributeEntry
                if typedLikeVariable.contains(name) {
                    let bytes = try CDFTypeMapping.typedBytes(value, variable: rv.variable, type: rv.type, numElems: rv.numElems, attribute: name)
                    let n = rv.type.isText ? bytes.count : bytes.count / rv.type.size
                    guard n > 0 else {
                        throw CDFError.attributeTypeMismatch(variable: rv.name, attribute: name, expected: "at least one value", actual: "none")
                    }
                    entry = AttributeEntry(type: rv.type, numElems: n, numStrings: rv.type.isText ? 1 : 0, bytes: bytes, number: rv.number)
                } else if case .text(let strings) = value {
                    entry = textEntry(strings, number: rv.number)
                } else {
                    entry = try numericEntry(value, attribute: "\(name) of variable '\(rv.name)'", number: rv.number)
                }
                if byName[name] == nil { order.append(name) }
                byName[name, default: []].append(entry)
            }
        }
        for name in order {
            plans.append(AttributePlan(name: name, number: plans.count, isGlobal: false, entries: byName[name]!))
        }
        for p in plans where p.name.utf8.count > 256 {
            throw CDFError.unmappableAttribute(attribute: p.name, reason: "name longer than 256 bytes")
        }
        return plans
    }

    /// CHAR entry; several strings are joined with NASA's "\N " separator. An empty text is stored as
    /// one space (CDF entries have at least one element).
    static func textEntry(_ strings: [String], number: Int) -> AttributeEntry {
        var bytes = Array(strings.joined(separator: "\\N ").utf8)
        if bytes.isEmpty { bytes = [0x20] }
        return AttributeEntry(type: .char, numElems: bytes.count, numStrings: max(strings.count, 1), bytes: bytes, number: number)
    }

    static func numericEntry(_ value: AttributeValue, attribute: String, number: Int) throws -> AttributeEntry {
        let type: CDFDataType
        switch value {
        case .text: fatalError("text handled by textEntry")
        case .int8: type = .int1
        case .int16: type = .int2
        case .int32: type = .int4
        case .int64: type = .int8
        case .uint8: type = .uint1
        case .uint16: type = .uint2
        case .uint32: type = .uint4
        case .uint64:
            throw CDFError.unmappableAttribute(attribute: attribute, reason: "CDF has no unsigned 64-bit type; give it as int64")
        case .float32: type = .real4
        case .float64: type = .real8
        case .tt2000: type = .timeTT2000
        }
        guard value.count > 0 else { throw CDFError.unmappableAttribute(attribute: attribute, reason: "no values") }
        return AttributeEntry(type: type, numElems: value.count, numStrings: 0, bytes: value.littleEndianBytes, number: number)
    }
}
