// The loaded, validated, fully resolved set of packet definitions of one file.

/// Everything one definition file (XTCE or CSV) declares, resolved and validated.
///
/// Items live in flat arrays addressed by `ParameterTypeID`, `ParameterID` and `ContainerID`;
/// every reference inside the model is such an ID. Name lookups exist for users and tests; they
/// cost a dictionary probe. `resolvedContainers` holds the precomputed decoder view of every
/// concrete container. Immutable after loading and `Sendable`: share one instance across tasks.
public struct DefinitionSet: Sendable {
    /// The file name as given to the loader.
    public let file: String
    /// Qualified names of the SpaceSystems, root first (`/ROOT`, `/ROOT/CHILD`, ...); CSV sets have one.
    public let spaceSystems: [String]
    public let parameterTypes: [ParameterType]
    public let parameters: [Parameter]
    public let containers: [SequenceContainer]
    /// One per non-abstract container, in declaration order.
    public let resolvedContainers: [ResolvedContainer]

    private let typesByName: [String: [Int]]
    private let parametersByName: [String: [Int]]
    private let containersByName: [String: [Int]]
    private let resolvedIndexByContainer: [Int: Int]

    init(file: String, spaceSystems: [String], parameterTypes: [ParameterType], parameters: [Parameter],
         containers: [SequenceContainer], resolvedContainers: [ResolvedContainer]) {
        self.file = file
        self.spaceSystems = spaceSystems
        self.parameterTypes = parameterTypes
        self.parameters = parameters
        self.containers = containers
        self.resolvedContainers = resolvedContainers
        func index(_ names: [(String, String)]) -> [String: [Int]] {
            var d: [String: [Int]] = [:]
            for (i, (name, qualified)) in names.enumerated() {
                d[name, default: []].append(i)
                if qualified != name { d[qualified, default: []].append(i) }
            }
            return d
        }
        typesByName = index(parameterTypes.map { ($0.name, $0.qualifiedName) })
        parametersByName = index(parameters.map { ($0.name, $0.qualifiedName) })
        containersByName = index(containers.map { ($0.name, $0.qualifiedName) })
        var r: [Int: Int] = [:]
        for (i, rc) in resolvedContainers.enumerated() { r[rc.container.index] = i }
        resolvedIndexByContainer = r
    }

    public subscript(id: ParameterTypeID) -> ParameterType { parameterTypes[id.index] }
    public subscript(id: ParameterID) -> Parameter { parameters[id.index] }
    public subscript(id: ContainerID) -> SequenceContainer { containers[id.index] }

    /// The type with this qualified name, or this unqualified name (first declared if several
    /// SpaceSystems use it).
    public func parameterType(named name: String) -> ParameterType? {
        typesByName[name]?.first.map { parameterTypes[$0] }
    }

    /// The parameter with this qualified or unqualified name (first declared if ambiguous).
    public func parameter(named name: String) -> Parameter? {
        parametersByName[name]?.first.map { parameters[$0] }
    }

    /// The container with this qualified or unqualified name (first declared if ambiguous).
    public func container(named name: String) -> SequenceContainer? {
        containersByName[name]?.first.map { containers[$0] }
    }

    /// The resolved view of a concrete container; `nil` for abstract ones.
    public func resolved(_ id: ContainerID) -> ResolvedContainer? {
        resolvedIndexByContainer[id.index].map { resolvedContainers[$0] }
    }

    /// The resolved view of the concrete container with this name.
    public func resolvedContainer(named name: String) -> ResolvedContainer? {
        container(named: name).flatMap { resolved($0.id) }
    }

    /// Concrete containers whose restrictions fix this APID, in declaration order.
    public func resolvedContainers(forAPID apid: Int) -> [ResolvedContainer] {
        resolvedContainers.filter { $0.apid == apid }
    }

    /// Every APID some concrete container is restricted to, ascending.
    public var apids: [Int] { Array(Set(resolvedContainers.compactMap(\.apid))).sorted() }

    /// The type of a parameter.
    public func type(of parameter: ParameterID) -> ParameterType { parameterTypes[parameters[parameter.index].type.index] }

    /// Size in bits of a value of this type when it does not depend on packet contents: the
    /// encoding's size, element size times element count for arrays with constant dimensions,
    /// the sum of members for aggregates. `nil` otherwise (or if it does not fit in an `Int`).
    public func fixedSizeInBits(of type: ParameterTypeID) -> Int? {
        var visiting = Set<Int>()
        return fixedSize(type, &visiting)
    }

    private func fixedSize(_ type: ParameterTypeID, _ visiting: inout Set<Int>) -> Int? {
        guard visiting.insert(type.index).inserted else { return nil }
        defer { visiting.remove(type.index) }
        let t = parameterTypes[type.index]
        switch t.kind {
        case .array(let info):
            guard !info.expandsToFillPacket, !info.dimensions.isEmpty,
                  let element = fixedSize(info.elementType, &visiting) else { return nil }
            var total = element
            for d in info.dimensions {
                guard let n = d.fixedCount else { return nil }
                let (r, overflow) = total.multipliedReportingOverflow(by: n)
                if overflow { return nil }
                total = r
            }
            return total
        case .aggregate(let members):
            var total = 0
            for m in members {
                guard let s = fixedSize(m.type, &visiting) else { return nil }
                let (r, overflow) = total.addingReportingOverflow(s)
                if overflow { return nil }
                total = r
            }
            return total
        default:
            return t.encoding?.fixedSizeInBits
        }
    }
}
