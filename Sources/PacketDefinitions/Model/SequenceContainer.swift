// Sequence containers: the layout of packets as ordered entries, with inheritance.

/// A packet layout or a part of one (XTCE `SequenceContainer`).
///
/// A container lists entries and may extend a base container under restriction criteria: a
/// packet is of this container when it matches the base and the criteria hold. The full,
/// base-first layout of every concrete container is precomputed in `DefinitionSet.resolvedContainers`.
///
/// Value type; its entries array is the bulk.
public struct SequenceContainer: Hashable, Sendable {
    public var id: ContainerID
    public var name: String
    /// `/Root/Child/name`: unique in the definition set.
    public var qualifiedName: String
    public var shortDescription: String?
    public var longDescription: String?
    /// Abstract containers are only bases or parts of other containers, never a packet's final type.
    public var isAbstract: Bool
    /// The container this one extends, with the condition under which it does.
    public var base: BaseContainer?
    /// This container's own entries (not its base's), in order.
    public var entries: [ContainerEntry]
    /// Containers whose `base` is this one, in declaration order.
    public var inheritors: [ContainerID]
    public var source: SourceLocation

    public init(id: ContainerID, name: String, qualifiedName: String, shortDescription: String? = nil,
                longDescription: String? = nil, isAbstract: Bool = false, base: BaseContainer? = nil,
                entries: [ContainerEntry], inheritors: [ContainerID] = [], source: SourceLocation) {
        self.id = id
        self.name = name
        self.qualifiedName = qualifiedName
        self.shortDescription = shortDescription
        self.longDescription = longDescription
        self.isAbstract = isAbstract
        self.base = base
        self.entries = entries
        self.inheritors = inheritors
        self.source = source
    }
}

/// XTCE `BaseContainer` with its `RestrictionCriteria`.
///
/// Value type: an ID and an optional condition.
public struct BaseContainer: Hashable, Sendable {
    public var container: ContainerID
    /// `nil` when the base is extended unconditionally.
    public var restriction: MatchCriteria?
    public init(container: ContainerID, restriction: MatchCriteria?) {
        self.container = container
        self.restriction = restriction
    }
}

/// Where an entry starts: XTCE `LocationInContainerInBits`.
public enum ReferenceLocation: String, Hashable, Sendable {
    /// Offset from the start of the container (for a resolved container: the start of the packet).
    case containerStart
    /// Offset from the end of the previous entry (the default, with offset 0).
    case previousEntry
    /// Offset back from the end of the container (the packet's end for a resolved container).
    case containerEnd
    /// Offset back from the start of the next entry.
    case nextEntry
}

/// An entry's explicit location.
///
/// Value type of a few words.
public struct EntryLocation: Hashable, Sendable {
    public var reference: ReferenceLocation
    public var offsetInBits: IntegerValue
    public init(reference: ReferenceLocation, offsetInBits: IntegerValue) {
        self.reference = reference
        self.offsetInBits = offsetInBits
    }
}

/// XTCE `RepeatEntry`: the entry occurs `count` times with `offsetInBits` bits between consecutive
/// occurrences (none after the last), so it spans `count * size + (count - 1) * offsetInBits` bits.
///
/// Value type of a few words.
public struct RepeatEntry: Hashable, Sendable {
    public var count: IntegerValue
    public var offsetInBits: IntegerValue
    public init(count: IntegerValue, offsetInBits: IntegerValue = .fixed(0)) {
        self.count = count
        self.offsetInBits = offsetInBits
    }
}

/// One entry of a container's entry list.
///
/// Value type of a few words; conditions are small trees.
public struct ContainerEntry: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// `ParameterRefEntry`.
        case parameter(ParameterID)
        /// `ArrayParameterRefEntry`; `dimensions` override or complete the array type's (XTCE 1.1
        /// puts them here), empty when the type has them.
        case arrayParameter(ParameterID, dimensions: [ArrayDimension])
        /// `ContainerRefEntry`: the referenced container's own entries are decoded here.
        case container(ContainerID)
        /// `FixedValueEntry`: constant bits (sync words, padding), `sizeInBits` long.
        case fixedValue(name: String, sizeInBits: Int, binaryValue: [UInt8])
    }

    public var kind: Kind
    /// `LocationInContainerInBits`; `nil` means right after the previous entry.
    public var location: EntryLocation?
    public var repeatEntry: RepeatEntry?
    /// `IncludeCondition`: the entry is present only when this holds.
    public var includeCondition: MatchCriteria?
    public var source: SourceLocation

    public init(kind: Kind, location: EntryLocation? = nil, repeatEntry: RepeatEntry? = nil,
                includeCondition: MatchCriteria? = nil, source: SourceLocation) {
        self.kind = kind
        self.location = location
        self.repeatEntry = repeatEntry
        self.includeCondition = includeCondition
        self.source = source
    }

    /// The parameter this entry decodes, for parameter and array entries.
    public var parameter: ParameterID? {
        switch kind {
        case .parameter(let p), .arrayParameter(let p, _): return p
        default: return nil
        }
    }

    /// Whether the entry starts right after the previous one, every time, exactly once.
    public var isPlainSequential: Bool {
        includeCondition == nil && repeatEntry == nil
            && (location == nil || (location!.reference == .previousEntry && location!.offsetInBits == .fixed(0)))
    }
}
