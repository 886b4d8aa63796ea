// Whole-model validation and the decoder's precomputed view of concrete containers.

/// Validates a freshly built model and computes `ResolvedContainer`s; shared by the XTCE and CSV loaders.
///
/// Checks: type cycles (array element / aggregate member), inheritance cycles, ContainerRefEntry
/// cycles, every parameter placed in a container has a decodable encoding, and every size, count
/// or location read from a parameter reads one decoded earlier in the same packet. Linear in the
/// model size plus one pass over the flattened entries of each concrete container.
struct DefinitionResolver {
    let file: String

    /// Deepest nesting of types (array of aggregate of ...) and of ContainerRefEntry chains
    /// accepted; keeps every recursive walk of the model shallow. Real definitions nest 1-3 deep.
    static let maxNesting = 64

    func resolve(spaceSystems: [String], types: [ParameterType], parameters: [Parameter],
                 containers inputContainers: [SequenceContainer]) throws(DefinitionError) -> DefinitionSet {
        try checkTypeCycles(types)
        try checkInheritanceCycles(inputContainers)
        var containers = inputContainers
        for c in containers {
            if let base = c.base { containers[base.container.index].inheritors.append(c.id) }
        }
        for c in containers {
            for entry in c.entries { try checkEncodable(entry, in: c, types: types, parameters: parameters) }
        }
        var resolved: [ResolvedContainer] = []
        for c in containers where !c.isAbstract {
            resolved.append(try resolveContainer(c.id, containers: containers, types: types, parameters: parameters))
        }
        return DefinitionSet(file: file, spaceSystems: spaceSystems, parameterTypes: types, parameters: parameters,
                             containers: containers, resolvedContainers: resolved)
    }

    // MARK: - Types

    /// Refuses cyclic types and types nested deeper than `maxNesting`; iterative, linear.
    private func checkTypeCycles(_ types: [ParameterType]) throws(DefinitionError) {
        // 0 = unvisited, 1 = on the current path, 2 = done.
        var state = [UInt8](repeating: 0, count: types.count)
        var depth = [Int](repeating: 0, count: types.count)
        func children(_ t: ParameterType) -> [ParameterTypeID] {
            switch t.kind {
            case .array(let info): return [info.elementType]
            case .aggregate(let members): return members.map(\.type)
            default: return []
            }
        }
        for start in types.indices where state[start] == 0 {
            // Iterative DFS keeping the path for the message.
            var path: [(type: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = path.last {
                let kids = children(types[top.type])
                if top.next < kids.count {
                    path[path.count - 1].next += 1
                    let k = kids[top.next].index
                    if state[k] == 1 {
                        let names = path.map { types[$0.type].name }
                        let from = names.firstIndex(of: types[k].name) ?? 0
                        throw DefinitionError(.circularTypeReference(Array(names[from...]) + [types[k].name]),
                                              at: types[k].source)
                    }
                    if state[k] == 0 {
                        state[k] = 1
                        path.append((k, 0))
                    }
                } else {
                    state[top.type] = 2
                    depth[top.type] = 1 + (kids.map { depth[$0.index] }.max() ?? 0)
                    if depth[top.type] > Self.maxNesting {
                        throw DefinitionError(.invalidDefinition(
                            "parameter types nested deeper than \(Self.maxNesting) levels (array elements / aggregate members)"),
                                              at: types[top.type].source)
                    }
                    path.removeLast()
                }
            }
        }
    }

    private func checkInheritanceCycles(_ containers: [SequenceContainer]) throws(DefinitionError) {
        var acyclic = Set<Int>()
        for c in containers {
            var path: [Int] = []
            var cursor: Int? = c.id.index
            while let i = cursor, !acyclic.contains(i) {
                if let from = path.firstIndex(of: i) {
                    let names = path[from...].map { containers[$0].name } + [containers[i].name]
                    throw DefinitionError(.circularInheritance(names), at: containers[i].source)
                }
                path.append(i)
                cursor = containers[i].base?.container.index
            }
            acyclic.formUnion(path)
        }
    }

    /// A parameter placed in a container must have an encoding (through array elements and
    /// aggregate members).
    private func checkEncodable(_ entry: ContainerEntry, in c: SequenceContainer, types: [ParameterType],
                                parameters: [Parameter]) throws(DefinitionError) {
        guard let pid = entry.parameter else { return }
        let p = parameters[pid.index]
        var pending = [p.type]
        var seen = Set<Int>()
        while let t = pending.popLast() {
            guard seen.insert(t.index).inserted else { continue }
            let type = types[t.index]
            switch type.kind {
            case .array(let info):
                pending.append(info.elementType)
                if info.dimensions.isEmpty && !info.expandsToFillPacket {
                    if case .arrayParameter(_, let dims) = entry.kind, !dims.isEmpty, t == p.type { continue }
                    if t == p.type {
                        throw DefinitionError(.invalidDefinition(
                            "array parameter '\(p.name)' in container '\(c.name)' has no dimensions "
                                + "(give them in its type or in an ArrayParameterRefEntry DimensionList)"), at: entry.source)
                    }
                }
            case .aggregate(let members):
                pending.append(contentsOf: members.map(\.type))
            default:
                if type.encoding == nil {
                    throw DefinitionError(.invalidDefinition(
                        "parameter '\(p.name)' in container '\(c.name)' has type '\(type.name)' with no data encoding"),
                                          at: entry.source)
                }
            }
        }
    }

    // MARK: - Containers

    private func resolveContainer(_ id: ContainerID, containers: [SequenceContainer], types: [ParameterType],
                                  parameters: [Parameter]) throws(DefinitionError) -> ResolvedContainer {
        // Chain, base-most first, with cycle detection.
        var chain: [ContainerID] = [id]
        var onChain: Set<Int> = [id.index]
        var cursor = containers[id.index]
        while let base = cursor.base {
            guard onChain.insert(base.container.index).inserted else {
                let from = chain.firstIndex(of: base.container) ?? 0
                let names = chain[from...].map { containers[$0.index].name } + [containers[base.container.index].name]
                throw DefinitionError(.circularInheritance(names), at: containers[base.container.index].source)
            }
            chain.append(base.container)
            cursor = containers[base.container.index]
        }
        chain.reverse()

        var levels: [ResolvedLevel] = []
        var entries: [ResolvedEntry] = []
        var restrictions: [MatchCriteria] = []
        for (levelIndex, cid) in chain.enumerated() {
            let c = containers[cid.index]
            let restriction = levelIndex == 0 ? nil : c.base?.restriction
            if let restriction { restrictions.append(restriction) }
            let start = entries.count
            try flatten(cid, level: levelIndex, stack: [cid], into: &entries, containers: containers)
            levels.append(ResolvedLevel(container: cid, restriction: restriction, entryRange: start..<entries.count))
        }

        // Positions and sizes, and the "read before use" check for dynamic values.
        var position: Int? = 0
        var end: Int? = 0
        var decoded = Set<Int>()
        var fixedField: [Int: (offset: Int, size: Int)] = [:]
        let target = containers[id.index]
        for i in entries.indices {
            let e = entries[i].entry
            for ref in dynamicReferences(of: e, types: types, parameters: parameters) where !decoded.contains(ref.parameter.index) {
                throw DefinitionError(.invalidDefinition(
                    "size or position in container '\(target.name)' depends on parameter '\(ref.name)', "
                        + "which is not decoded before it"), at: e.source)
            }
            let size = try fixedSize(of: e, types: types, parameters: parameters)
            var start: Int?
            if let loc = e.location {
                switch (loc.reference, loc.offsetInBits) {
                case (.previousEntry, .fixed(let k)):
                    if let p = position { start = try checked(p, plus: Int(k), at: e.source) } else { start = nil }
                case (.containerStart, .fixed(let k)): start = Int(k)
                default: start = nil
                }
            } else {
                start = position
            }
            if let start, start < 0 {
                throw DefinitionError(.invalidSize("entry in container '\(target.name)' starts \(-start) bits before the packet"),
                                      at: e.source)
            }
            entries[i].fixedBitOffset = start
            entries[i].fixedSizeInBits = size
            if let start, let size, let pid = e.parameter, e.includeCondition == nil, fixedField[pid.index] == nil {
                fixedField[pid.index] = (start, size)
            }
            if e.includeCondition != nil {
                position = nil
                end = nil
            } else if let start, let size {
                let stop = try checked(start, plus: size, at: e.source)
                position = stop
                if let cur = end { end = max(cur, stop) }
            } else {
                position = nil
                end = nil
            }
            if let pid = e.parameter { decoded.insert(pid.index) }
        }

        var apid: Int?
        for r in restrictions {
            for c in r.conjunctiveComparisons where c.comparisonOperator == .equal {
                let rawValue = !c.parameter.useCalibratedValue
                    || isPlainInteger(c.parameter.parameter, types: types, parameters: parameters)
                if rawValue, let field = fixedField[c.parameter.parameter.index], field.offset == 5, field.size == 11,
                   let v = c.operand.integerValue {
                    apid = Int(v)
                }
            }
        }
        return ResolvedContainer(container: id, name: target.name, chain: chain, levels: levels, entries: entries,
                                 restrictions: restrictions, apid: apid, fixedSizeInBits: end)
    }

    /// Whether a parameter's calibrated value equals its raw value (uncalibrated integer), so a
    /// calibrated comparison on it still fixes the raw field.
    private func isPlainInteger(_ p: ParameterID, types: [ParameterType], parameters: [Parameter]) -> Bool {
        let t = types[parameters[p.index].type.index]
        guard case .integer = t.kind, case .integer(let enc) = t.encoding else { return false }
        return enc.defaultCalibrator == nil && enc.contextCalibrators.isEmpty
    }

    /// Appends the entries of `cid`, expanding ContainerRefEntry recursively.
    private func flatten(_ cid: ContainerID, level: Int, stack: [ContainerID], into out: inout [ResolvedEntry],
                         containers: [SequenceContainer]) throws(DefinitionError) {
        for entry in containers[cid.index].entries {
            guard case .container(let ref) = entry.kind else {
                out.append(ResolvedEntry(entry: entry, level: level, declaredIn: cid, fixedBitOffset: nil, fixedSizeInBits: nil))
                continue
            }
            if let loop = stack.firstIndex(of: ref) {
                throw DefinitionError(.circularContainerReference(stack[loop...].map { containers[$0.index].name }
                                                                  + [containers[ref.index].name]), at: entry.source)
            }
            if stack.count >= Self.maxNesting {
                throw DefinitionError(.invalidDefinition(
                    "ContainerRefEntry nested deeper than \(Self.maxNesting) levels"), at: entry.source)
            }
            if entry.repeatEntry != nil {
                throw DefinitionError(.unsupported("RepeatEntry on a ContainerRefEntry"), at: entry.source)
            }
            var inner: [ResolvedEntry] = []
            try flatten(ref, level: level, stack: stack + [ref], into: &inner, containers: containers)
            for k in inner.indices {
                if let loc = inner[k].entry.location, loc.reference == .containerStart || loc.reference == .containerEnd {
                    throw DefinitionError(.unsupported(
                        "\(loc.reference.rawValue) location inside container '\(containers[ref.index].name)', "
                            + "which is included by a ContainerRefEntry"), at: inner[k].entry.source)
                }
                if let condition = entry.includeCondition {
                    inner[k].entry.includeCondition = inner[k].entry.includeCondition.map { .all([condition, $0]) } ?? condition
                }
            }
            if let loc = entry.location, !inner.isEmpty {
                if inner[0].entry.location != nil {
                    throw DefinitionError(.unsupported(
                        "a located ContainerRefEntry whose first entry has its own location"), at: entry.source)
                }
                inner[0].entry.location = loc
            }
            out.append(contentsOf: inner)
        }
    }

    /// Size of one occurrence of an entry's content times its fixed repeat count, when constant.
    /// Sizes that overflow 64-bit arithmetic are an error, never a wrapped value.
    private func fixedSize(of e: ContainerEntry, types: [ParameterType], parameters: [Parameter]) throws(DefinitionError) -> Int? {
        var one: Int?
        switch e.kind {
        case .fixedValue(_, let bits, _):
            one = bits
        case .parameter(let p):
            one = try typeSize(parameters[p.index].type, types: types, dims: nil, at: e.source)
        case .arrayParameter(let p, let dims):
            one = try typeSize(parameters[p.index].type, types: types, dims: dims.isEmpty ? nil : dims, at: e.source)
        case .container:
            one = nil
        }
        guard let r = e.repeatEntry else { return one }
        guard let one, let n = r.count.fixedValue, let gap = r.offsetInBits.fixedValue else { return nil }
        let body = try checked(Int(n), times: one, at: e.source)
        let gaps = try checked(max(Int(n) - 1, 0), times: Int(gap), at: e.source)
        return try checked(body, plus: gaps, at: e.source)
    }

    private func typeSize(_ t: ParameterTypeID, types: [ParameterType], dims: [ArrayDimension]?,
                          at source: SourceLocation) throws(DefinitionError) -> Int? {
        let type = types[t.index]
        switch type.kind {
        case .array(let info):
            guard !info.expandsToFillPacket,
                  let element = try typeSize(info.elementType, types: types, dims: nil, at: source) else { return nil }
            let ds = dims ?? info.dimensions
            guard !ds.isEmpty else { return nil }
            var total = element
            for d in ds {
                guard let n = d.fixedCount else { return nil }
                total = try checked(total, times: n, at: source)
            }
            return total
        case .aggregate(let members):
            var total = 0
            for m in members {
                guard let s = try typeSize(m.type, types: types, dims: nil, at: source) else { return nil }
                total = try checked(total, plus: s, at: source)
            }
            return total
        default:
            return type.encoding?.fixedSizeInBits
        }
    }

    private func checked(_ a: Int, times b: Int, at source: SourceLocation) throws(DefinitionError) -> Int {
        let (r, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw DefinitionError(.invalidSize("entry size overflows 64-bit arithmetic"), at: source) }
        return r
    }

    private func checked(_ a: Int, plus b: Int, at source: SourceLocation) throws(DefinitionError) -> Int {
        let (r, overflow) = a.addingReportingOverflow(b)
        if overflow { throw DefinitionError(.invalidSize("entry size overflows 64-bit arithmetic"), at: source) }
        return r
    }

    /// Parameters whose values an entry's size, count or location depends on.
    private func dynamicReferences(of e: ContainerEntry, types: [ParameterType], parameters: [Parameter]) -> [ParameterInstanceRef] {
        var refs: [ParameterInstanceRef] = []
        func add(_ v: IntegerValue) { if case .dynamic(let d) = v { refs.append(d.reference) } }
        if let loc = e.location { add(loc.offsetInBits) }
        if let r = e.repeatEntry { add(r.count); add(r.offsetInBits) }
        var pending: [ParameterTypeID] = []
        switch e.kind {
        case .parameter(let p): pending = [parameters[p.index].type]
        case .arrayParameter(let p, let dims):
            pending = [parameters[p.index].type]
            for d in dims { add(d.startingIndex); add(d.endingIndex) }
        default: break
        }
        var seen = Set<Int>()
        while let t = pending.popLast() {
            guard seen.insert(t.index).inserted else { continue }
            let type = types[t.index]
            switch type.kind {
            case .array(let info):
                pending.append(info.elementType)
                for d in info.dimensions { add(d.startingIndex); add(d.endingIndex) }
            case .aggregate(let members):
                pending.append(contentsOf: members.map(\.type))
            default:
                break
            }
            switch type.encoding {
            case .binary(let b)?: add(b.sizeInBits)
            case .string(let s)?: if case .dynamic(let d) = s.buffer { refs.append(d.reference) }
            default: break
            }
        }
        return refs
    }
}
