// Boolean conditions on parameter values: restriction criteria, include conditions, context matches.

/// A comparison operator, in any of XTCE's spellings (`==`, `eq`, `&lt;` decoded to `<`, ...).
public enum ComparisonOperator: String, Hashable, Sendable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// Parses `==`, `=`, `!=`, `<`, `<=`, `>`, `>=` and the word forms `eq`, `neq`, `lt`, `leq`,
    /// `gt`, `geq` (XTCE `ComparisonOperatorsType`). Entities such as `&gt;` are decoded by the XML parser.
    public init?(xtce text: String) {
        switch text.trimmingASCIIWhitespace() {
        case "==", "=", "eq": self = .equal
        case "!=", "neq": self = .notEqual
        case "<", "lt": self = .less
        case "<=", "leq": self = .lessOrEqual
        case ">", "gt": self = .greater
        case ">=", "geq": self = .greaterOrEqual
        default: return nil
        }
    }

    /// Whether `lhs op rhs` holds for ordered values.
    public func holds<T: Comparable>(_ lhs: T, _ rhs: T) -> Bool {
        switch self {
        case .equal: return lhs == rhs
        case .notEqual: return lhs != rhs
        case .less: return lhs < rhs
        case .lessOrEqual: return lhs <= rhs
        case .greater: return lhs > rhs
        case .greaterOrEqual: return lhs >= rhs
        }
    }
}

/// The right-hand side of a comparison: a literal written in the definition, or another parameter
/// (XTCE `Condition` allows both).
public enum ComparisonOperand: Hashable, Sendable {
    /// The literal as written; compare numerically when the parameter is numeric, by label for
    /// enumerations compared on calibrated values, as text for strings.
    case value(String)
    case parameter(ParameterInstanceRef)

    /// The literal as a signed integer, when it is one (decimal, or hex with `0x`).
    public var integerValue: Int64? {
        guard case .value(let text) = self else { return nil }
        return parseXTCEInteger(text)
    }
}

/// `parameter op operand` (XTCE `Comparison`, or a `Condition` of a `BooleanExpression`).
///
/// Value type of a few words.
public struct Comparison: Hashable, Sendable {
    public var parameter: ParameterInstanceRef
    public var comparisonOperator: ComparisonOperator
    public var operand: ComparisonOperand

    public init(parameter: ParameterInstanceRef, comparisonOperator: ComparisonOperator, operand: ComparisonOperand) {
        self.parameter = parameter
        self.comparisonOperator = comparisonOperator
        self.operand = operand
    }
}

/// A boolean condition tree (XTCE `MatchCriteriaType`): a single `Comparison`, a `ComparisonList`
/// (all must hold), or a `BooleanExpression` of `ANDedConditions` / `ORedConditions`.
///
/// Value type (boxed tree); evaluating it costs one parameter lookup and compare per comparison.
public indirect enum MatchCriteria: Hashable, Sendable {
    case comparison(Comparison)
    /// Every member holds (`ComparisonList`, `ANDedConditions`). An empty list holds.
    case all([MatchCriteria])
    /// At least one member holds (`ORedConditions`). An empty list does not hold.
    case any([MatchCriteria])

    /// The comparisons that must all hold for the whole to hold: the top-level conjunction,
    /// flattened through nested `.all`. A comparison under `.any` is not included.
    public var conjunctiveComparisons: [Comparison] {
        switch self {
        case .comparison(let c): return [c]
        case .all(let members): return members.flatMap(\.conjunctiveComparisons)
        case .any(let members): return members.count == 1 ? members[0].conjunctiveComparisons : []
        }
    }

    /// Every parameter the condition reads, in order of appearance.
    public var referencedParameters: [ParameterInstanceRef] {
        switch self {
        case .comparison(let c):
            if case .parameter(let rhs) = c.operand { return [c.parameter, rhs] }
            return [c.parameter]
        case .all(let members), .any(let members): return members.flatMap(\.referencedParameters)
        }
    }
}

/// Parses an XTCE integer literal: optional sign, decimal digits, or `0x`/`0X` hexadecimal.
func parseXTCEInteger(_ text: String) -> Int64? {
    let t = text.trimmingASCIIWhitespace()
    if t.hasPrefix("0x") || t.hasPrefix("0X") { return Int64(t.dropFirst(2), radix: 16) }
    if t.hasPrefix("-0x") || t.hasPrefix("-0X") { return Int64(t.dropFirst(3), radix: 16).map { -$0 } }
    if let v = Int64(t) { return v }
    if t.hasPrefix("+") { return Int64(t.dropFirst()) }
    return nil
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs, CR and LF. No Foundation needed.
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
