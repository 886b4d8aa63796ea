#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system failures shared by the FITS and HDF5 writers; each names the path and the operation.
/// Costs nothing until thrown.
public enum OutputError: Error, Sendable, CustomStringConvertible {
    case io(path: String, operation: String, errno: Int32)
    case invalidPath(String, reason: String)

    public var description: String {
        switch self {
        case .io(let p, let op, let e): "\(op) '\(p)' failed: \(String(cString: strerror(e))) (errno \(e))"
        case .invalidPath(let p, let r): "'\(p)' \(r)"
        }
    }
}
