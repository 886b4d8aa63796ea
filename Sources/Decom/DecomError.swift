// Errors of plan compilation and decoding.

import PacketDefinitions

/// Why a definition cannot be compiled or a decode cannot run. Names the definition element
/// (`file:line`) or the input file, so a user can act on it.
public enum DecomError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The definition uses something the decoder does not support, at `location`.
    case unsupported(String, at: SourceLocation)
    /// The definition is inconsistent for decoding (a reference to a parameter not decoded before).
    case invalidDefinition(String, at: SourceLocation)
    /// A column could not be allocated.
    case allocationFailed(container: String, column: String, reason: String)
    /// The dataset refused a column (a name or shape conflict): never expected, never silent.
    case datasetRejected(container: String, column: String, reason: String)

    public var description: String {
        switch self {
        case .unsupported(let what, let at): return "\(at): unsupported for decoding: \(what)"
        case .invalidDefinition(let what, let at): return "\(at): \(what)"
        case .allocationFailed(let container, let column, let reason):
            return "cannot allocate column '\(column)' of container '\(container)': \(reason)"
        case .datasetRejected(let container, let column, let reason):
            return "column '\(column)' of container '\(container)' not accepted by its dataset: \(reason)"
        }
    }
}
