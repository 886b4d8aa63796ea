import Dataset
import ProductOutput

/// Everything that can go wrong writing an HDF5 file; libhdf5 failures carry the failing call and
/// the library's error stack (H5Ewalk2: function and description of each entry, API call first).
/// Costs nothing until thrown.
public enum HDF5Error: Error, Sendable, CustomStringConvertible {
    case library(call: String, stack: [String])
    /// libhdf5 could not be loaded (it is opened on first use): not installed, or another version.
    case libraryUnavailable(String)
    case unsupportedElementType(variable: String, ElementType, reason: String)
    /// A group, variable, dimension or attribute name HDF5 (or its dimension-scale convention) cannot hold.
    case invalidName(String, reason: String)
    case invalidOption(String)
    case compression(String)
    case output(OutputError)

    public var description: String {
        switch self {
        case .library(let call, let stack):
            "HDF5: \(call) failed" + (stack.isEmpty ? "" : ": " + stack.joined(separator: " <- "))
        case .libraryUnavailable(let why): "HDF5: cannot write HDF5 products: \(why)"
        case .unsupportedElementType(let v, let t, let r): "HDF5: variable '\(v)' of type \(t): \(r)"
        case .invalidName(let n, let r): "HDF5: name '\(n)' cannot be stored: \(r)"
        case .invalidOption(let r): "HDF5: invalid option: \(r)"
        case .compression(let r): "HDF5: compression: \(r)"
        case .output(let e): "HDF5: \(e)"
        }
    }
}
