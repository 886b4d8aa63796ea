// The decoder's view of a concrete container: inheritance flattened, criteria collected.

/// A concrete (non-abstract) container with its inheritance chain resolved, ready to compile
/// into a decode plan.
///
/// `entries` is the base-first concatenation of the entry lists of every container in the chain,
/// with `ContainerRefEntry`s replaced by the referenced container's entries (recursively).
/// `levels` says where each container's entries start and which restriction gates it: a packet
/// is of this container when, decoding entries in order, the criteria of each level hold when
/// that level is reached. Built once at load; costs one copy of the entries per concrete container.
public struct ResolvedContainer: Hashable, Sendable {
    public var container: ContainerID
    public var name: String
    /// Base-most first, this container last.
    public var chain: [ContainerID]
    public var levels: [ResolvedLevel]
    public var entries: [ResolvedEntry]
    /// Every restriction of the chain, base-most first (their conjunction identifies the container).
    public var restrictions: [MatchCriteria]
    /// The APID this container applies to, when the restrictions fix the 11-bit field at bit 5
    /// of the packet (the CCSDS APID, `PKT_APID` in IMAP definitions) with `==`.
    public var apid: Int?
    /// Total size in bits when every entry has a constant size and position; `nil` otherwise.
    public var fixedSizeInBits: Int?

    /// The conjunction of `restrictions` as one condition (`nil` when there are none).
    public var criteria: MatchCriteria? {
        switch restrictions.count {
        case 0: return nil
        case 1: return restrictions[0]
        default: return .all(restrictions)
        }
    }
}

/// One container of a resolved chain.
///
/// Value type of a few words.
public struct ResolvedLevel: Hashable, Sendable {
    public var container: ContainerID
    /// The restriction under which this container extends the previous level (`nil` for the root
    /// or an unconditional extension). Evaluate it after decoding `entries[..<entryRange.lowerBound]`.
    public var restriction: MatchCriteria?
    /// This level's entries in `ResolvedContainer.entries`.
    public var entryRange: Range<Int>
}

/// An entry of a resolved container, with where it came from.
///
/// Value type: a copy of the entry plus four words.
public struct ResolvedEntry: Hashable, Sendable {
    /// The entry. For entries pulled in through a `ContainerRefEntry`, the reference's include
    /// condition is ANDed in and its location applies to the first pulled-in entry.
    public var entry: ContainerEntry
    /// Index in `ResolvedContainer.levels` of the container whose entry list holds this entry
    /// (or holds the `ContainerRefEntry` that pulled it in).
    public var level: Int
    /// The container that declares the entry itself.
    public var declaredIn: ContainerID
    /// Bit offset from the packet start when constant (all earlier positions and sizes fixed).
    public var fixedBitOffset: Int?
    /// Size in bits when constant.
    public var fixedSizeInBits: Int?
}
