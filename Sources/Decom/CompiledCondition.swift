// Restriction criteria, include conditions and context matches, compiled to value reads and compares.

import PacketDefinitions

/// Supplies values to a condition: the packet being decoded, or a decoded record.
///
/// A generic parameter (specialised, never an existential) of `CompiledCondition.evaluate`.
public protocol ValueReader {
    /// The value of `source`, or `nil` when it cannot be read (field beyond the packet's end).
    mutating func value(_ source: ValueSource) -> ScalarValue?
}

/// How a compared value is seen: as decoded, through a calibrator, or as membership in label ranges.
public enum ComparedValue: Sendable, Hashable {
    case raw(ValueSource)
    /// A calibrated value (default calibrator only).
    case calibrated(ValueSource, CalibrationFunction)
}

/// The right-hand side of a compiled comparison.
public enum ComparedOperand: Sendable, Hashable {
    case number(ScalarValue)
    case value(ComparedValue)
    /// Raw value within one of these ranges (an enumeration label or a boolean string).
    case rawIn([ClosedRange<Int64>])
}

/// A condition ready to evaluate: no names, no lookups, one read and compare per comparison.
///
/// Value type; a small tree. Evaluation cost: one `ValueReader.value` call per comparison.
public indirect enum CompiledCondition: Sendable, Hashable {
    case compare(ComparedValue, ComparisonOperator, ComparedOperand)
    case all([CompiledCondition])
    case any([CompiledCondition])
    case constant(Bool)

    /// Whether the condition holds; `nil` when a value it needs cannot be read.
    public func evaluate<R: ValueReader>(_ reader: inout R) -> Bool? {
        switch self {
        case .constant(let b): return b
        case .all(let members):
            for m in members {
                guard let r = m.evaluate(&reader) else { return nil }
                if !r { return false }
            }
            return true
        case .any(let members):
            for m in members {
                guard let r = m.evaluate(&reader) else { return nil }
                if r { return true }
            }
            return false
        case .compare(let lhs, let op, let rhs):
            guard let left = Self.read(lhs, &reader) else { return nil }
            switch rhs {
            case .number(let n): return Self.compare(left, op, n)
            case .value(let v):
                guard let right = Self.read(v, &reader) else { return nil }
                return Self.compare(left, op, right)
            case .rawIn(let ranges):
                guard left.isInteger else { return op == .notEqual }
                let inside = ranges.contains { $0.contains(left.integer) }
                return op == .equal ? inside : !inside
            }
        }
    }

    static func read<R: ValueReader>(_ v: ComparedValue, _ reader: inout R) -> ScalarValue? {
        switch v {
        case .raw(let s): return reader.value(s)
        case .calibrated(let s, let f):
            guard let raw = reader.value(s) else { return nil }
            return ScalarValue(double: f.apply(raw))
        }
    }

    @inlinable
    static func compare(_ a: ScalarValue, _ op: ComparisonOperator, _ b: ScalarValue) -> Bool {
        if a.isInteger && b.isInteger { return op.holds(a.integer, b.integer) }
        return op.holds(a.double, b.double)
    }

    /// The condition with every comparison of `field` (read raw) replaced by its outcome for
    /// `value`; used to settle dispatch once per APID. Returns `.constant` when nothing else is read.
    func folding(field: NumericField, value: Int64) -> CompiledCondition {
        switch self {
        case .constant: return self
        case .compare(.raw(.field(let f)), let op, .number(let n)) where f == field:
            return .constant(Self.compare(ScalarValue(integer: value), op, n))
        case .compare: return self
        case .all(let members):
            let folded = members.map { $0.folding(field: field, value: value) }
            if folded.contains(.constant(false)) { return .constant(false) }
            let rest = folded.filter { $0 != .constant(true) }
            return rest.isEmpty ? .constant(true) : .all(rest)
        case .any(let members):
            let folded = members.map { $0.folding(field: field, value: value) }
            if folded.contains(.constant(true)) { return .constant(true) }
            let rest = folded.filter { $0 != .constant(false) }
            return rest.isEmpty ? .constant(false) : .any(rest)
        }
    }
}
