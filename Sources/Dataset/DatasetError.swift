/// Everything that can go wrong when building a `Dataset`; each case names the variable or attribute.
/// Costs nothing until thrown.
public enum DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyName(what: String)
    case duplicateVariable(String)
    case invalidShape(variable: String, shape: [Int], reason: String)
    case elementTypeMismatch(expected: ElementType, actual: ElementType, context: String)
    case dimensionMismatch(variable: String, dimension: String, expected: Int, actual: Int)
    case dimensionCountMismatch(variable: String, names: Int, shapeRank: Int)
    case valueCountMismatch(context: String, expected: Int, actual: Int)
    case stringTooLong(context: String, width: Int, length: Int)
    case outOfMemory(bytes: Int)

    public var description: String {
        switch self {
        case .emptyName(let what):
            "empty name for \(what)"
        case .duplicateVariable(let name):
            "variable '\(name)' is already in the dataset"
        case .invalidShape(let v, let shape, let reason):
            "variable '\(v)': invalid shape \(shape): \(reason)"
        case .elementTypeMismatch(let e, let a, let ctx):
            "\(ctx): element type is \(a), expected \(e)"
        case .dimensionMismatch(let v, let d, let e, let a):
            "variable '\(v)': dimension '\(d)' has size \(e) in the dataset but \(a) in the variable"
        case .dimensionCountMismatch(let v, let n, let r):
            "variable '\(v)': \(n) dimension names for a per-record shape of rank \(r)"
        case .valueCountMismatch(let ctx, let e, let a):
            "\(ctx): \(a) values given, \(e) expected"
        case .stringTooLong(let ctx, let w, let l):
            "\(ctx): string of \(l) bytes does not fit width \(w)"
        case .outOfMemory(let n):
            "cannot allocate a column of \(n) bytes"
        }
    }
}
