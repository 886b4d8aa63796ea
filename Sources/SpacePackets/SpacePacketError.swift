/// Errors of the packet layer: the file or argument at fault is always named.
public enum SpacePacketError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notARegularFile(path: String)
    case cannotMap(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case invalidTimeCode(spec: String, reason: String)
    case invalidSynthesisPlan(reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "\(path): cannot open: \(reason)"
        case let .notARegularFile(path): "\(path): not a regular file"
        case let .cannotMap(path, reason): "\(path): cannot map into memory: \(reason)"
        case let .cannotWrite(path, reason): "\(path): cannot write: \(reason)"
        case let .invalidTimeCode(spec, reason): "time code '\(spec)': \(reason)"
        case let .invalidSynthesisPlan(reason): "synthesis plan: \(reason)"
        }
    }
}
