// What a decode produces: one dataset per container, and an account of every packet not decoded.

import Dataset

/// The packets of one concrete container, decoded: one column per parameter (raw values), plus
/// the header columns, and engineering values and labels when asked for.
///
/// Holds the plan it was decoded with (for labels and names) and the dataset (columns shared, not copied).
public struct DecodedContainer: Sendable {
    public var name: String
    public var apid: Int?
    public var plan: DecodePlan
    public var dataset: Dataset
    public var records: Int
}

/// Why packets were not decoded.
public enum UndecodedReason: Sendable, Hashable, CustomStringConvertible {
    /// No container of the definition applies to this APID.
    case unknownAPID
    /// Dispatch reached an abstract container none of whose inheritors' restrictions hold.
    case noMatchingContainer(String)
    /// Two or more inheritors of a container match.
    case ambiguous(String)
    /// A restriction reads beyond the packet's end.
    case restrictionUnreadable(String)
    /// The packet is shorter than the fixed layout of its container.
    case shorterThanContainer(String)

    public var description: String {
        switch self {
        case .unknownAPID: return "no container for this APID"
        case .noMatchingContainer(let c): return "no inheritor of '\(c)' matches"
        case .ambiguous(let c): return "several inheritors of '\(c)' match"
        case .restrictionUnreadable(let c): return "a restriction below '\(c)' reads past the packet's end"
        case .shorterThanContainer(let c): return "shorter than container '\(c)'"
        }
    }
}

/// A count of undecoded packets of one APID for one reason, with the first one's place.
public struct UndecodedPackets: Sendable, Hashable {
    public var apid: UInt16
    public var reason: UndecodedReason
    public var count: Int
    public var firstFile: String
    public var firstOffset: Int
}

/// A problem with one packet: where it is and what is wrong.
public struct DecodeFinding: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var offset: Int
    public var apid: UInt16
    public var container: String
    public var message: String

    public var description: String { "\(file): offset \(offset): APID \(apid): \(container): \(message)" }
}

/// Everything a decode produced.
public struct DecodeResult: Sendable {
    /// Containers with at least one packet, in definition order.
    public var containers: [DecodedContainer]
    public var undecoded: [UndecodedPackets]
    /// Per-packet problems (short packets, fields past the end), in file order, at most
    /// `Decoder.maxFindings` (`findingsOmitted` counts the rest).
    public var findings: [DecodeFinding]
    public var findingsOmitted: Int
    /// Packets that were decoded into some container.
    public var decodedPackets: Int

    public var undecodedPackets: Int { undecoded.reduce(0) { $0 + $1.count } }

    /// The decoded container with this name.
    public func container(named name: String) -> DecodedContainer? { containers.first { $0.name == name } }
}
