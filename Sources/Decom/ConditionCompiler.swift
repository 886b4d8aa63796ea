// MatchCriteria (restrictions, include conditions, context matches) to CompiledCondition.

import PacketDefinitions

/// Compiles a `MatchCriteria` tree: each referenced parameter becomes a `ComparedValue` through
/// a caller-supplied resolver (packet fields, interpreter slots or decoded columns); literals are
/// parsed once; enumeration labels become raw-value ranges. Runs at plan compilation only.
struct ConditionCompiler {
    let set: DefinitionSet

    typealias Resolver = (ParameterInstanceRef, SourceLocation) throws(DecomError) -> ComparedValue

    func compile(_ c: MatchCriteria, at location: SourceLocation, resolve: Resolver) throws(DecomError) -> CompiledCondition {
        switch c {
        case .all(let members):
            var out: [CompiledCondition] = []
            for m in members { out.append(try compile(m, at: location, resolve: resolve)) }
            return .all(out)
        case .any(let members):
            var out: [CompiledCondition] = []
            for m in members { out.append(try compile(m, at: location, resolve: resolve)) }
            return .any(out)
        case .comparison(let comparison):
            let lhs = try resolve(comparison.parameter, location)
            switch comparison.operand {
            case .parameter(let ref):
                return .compare(lhs, comparison.comparisonOperator, .value(try resolve(ref, location)))
            case .value(let text):
                return .compare(lhs, comparison.comparisonOperator,
                                try literal(text, for: comparison, at: location))
            }
        }
    }

    /// A literal compared with a parameter: a label of an enumeration or boolean (calibrated
    /// comparisons), else a number.
    private func literal(_ text: String, for c: Comparison, at location: SourceLocation) throws(DecomError) -> ComparedOperand {
        let type = set.type(of: c.parameter.parameter)
        let trimmed = text.trimmedASCII()
        if c.parameter.useCalibratedValue {
            switch type.kind {
            case .enumerated(let entries):
                let matching = entries.filter { $0.label == trimmed }
                if !matching.isEmpty {
                    guard c.comparisonOperator == .equal || c.comparisonOperator == .notEqual else {
                        throw .unsupported("ordering comparison '\(c.comparisonOperator.rawValue)' on label '\(trimmed)' of '\(c.parameter.name)'", at: location)
                    }
                    return .rawIn(matching.map { $0.value...max($0.value, $0.maxValue) })
                }
            case .boolean(let one, let zero):
                if trimmed == one || trimmed.lowercased() == "true" {
                    return .rawIn([Int64.min...(-1), 1...Int64.max])
                }
                if trimmed == zero || trimmed.lowercased() == "false" { return .rawIn([0...0]) }
            default:
                break
            }
        }
        if let n = Self.integer(trimmed) { return .number(ScalarValue(integer: n)) }
        if let d = Double(trimmed) { return .number(ScalarValue(double: d)) }
        throw .invalidDefinition("comparison of '\(c.parameter.name)' with '\(text)', which is neither a number nor one of its labels",
                                 at: location)
    }

    /// Decimal or `0x` hexadecimal integer literal, optionally signed.
    static func integer(_ t: String) -> Int64? {
        if let v = Int64(t) { return v }
        if t.hasPrefix("+"), let v = Int64(t.dropFirst()) { return v }
        if t.hasPrefix("0x") || t.hasPrefix("0X") { return Int64(t.dropFirst(2), radix: 16) }
        if t.hasPrefix("-0x") || t.hasPrefix("-0X") { return Int64(t.dropFirst(3), radix: 16).map { -$0 } }
        return nil
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimmedASCII() -> String {
        let set = " \t\r\n"
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
