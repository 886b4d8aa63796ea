import Dataset

/// Everything that can go wrong writing or reading a CDF; each case carries the variable, attribute,
/// file or byte offset involved, and reads as one line in a terminal. Costs nothing until thrown.
public enum CDFError: Error, Sendable, CustomStringConvertible {
    case emptyName(what: String)
    case duplicateName(String)
    case unsupportedElementType(variable: String, ElementType, hint: String)
    case invalidTypeMapping(variable: String, from: ElementType, to: CDFDataType)
    case attributeTypeMismatch(variable: String, attribute: String, expected: String, actual: String)
    case attributeScopeConflict(String)
    case unmappableAttribute(attribute: String, reason: String)
    case invalidOption(variable: String, reason: String)
    case valueOutOfRange(variable: String, record: Int, reason: String)
    case istp([ISTPIssue])
    case io(path: String, operation: String, errno: Int32)
    case compression(String)
    case notACDF(path: String, reason: String)
    case unsupported(path: String, feature: String)
    case corrupt(path: String, offset: Int, reason: String)
    case noSuchVariable(String)
    case leapSecondKernel(line: Int, reason: String)
    case timeOutOfRange(String)

    public var description: String {
        switch self {
        case .emptyName(let what): "CDF: empty name for \(what)"
        case .duplicateName(let n): "CDF: name '\(n)' is used twice"
        case .unsupportedElementType(let v, let t, let hint): "CDF: variable '\(v)' has element type \(t), which CDF cannot store as is: \(hint)"
        case .invalidTypeMapping(let v, let f, let t): "CDF: variable '\(v)': a \(f) column cannot be written as \(t)"
        case .attributeTypeMismatch(let v, let a, let e, let x): "CDF: attribute \(a) of variable '\(v)' is \(x); it must be \(e)"
        case .attributeScopeConflict(let n): "CDF: attribute '\(n)' is used both as a global and as a variable attribute"
        case .unmappableAttribute(let a, let r): "CDF: attribute '\(a)': \(r)"
        case .invalidOption(let v, let r): "CDF: variable '\(v)': \(r)"
        case .valueOutOfRange(let v, let rec, let r): "CDF: variable '\(v)', element \(rec): \(r)"
        case .istp(let issues): "CDF: ISTP check failed:\n" + issues.map { "  \($0)" }.joined(separator: "\n")
        case .io(let p, let op, let e): "CDF: \(op) '\(p)' failed: \(String(cString: strerror(e))) (errno \(e))"
        case .compression(let r): "CDF: compression: \(r)"
        case .notACDF(let p, let r): "CDF: '\(p)' is not a CDF 3 file: \(r)"
        case .unsupported(let p, let f): "CDF: '\(p)' uses \(f), which this reader does not support"
        case .corrupt(let p, let o, let r): "CDF: '\(p)' is corrupt at byte \(o): \(r)"
        case .noSuchVariable(let n): "CDF: no variable named '\(n)'"
        case .leapSecondKernel(let l, let r): "CDF: leap-second kernel line \(l): \(r)"
        case .timeOutOfRange(let r): "CDF: time out of range: \(r)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
