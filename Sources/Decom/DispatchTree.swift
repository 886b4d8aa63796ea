// Which concrete container a packet is: the inheritance tree walked with compiled restrictions.

import Dataset
import PacketDefinitions

/// The containers' inheritance tree with each extension's restriction compiled to reads of fixed
/// packet fields (or, for values at packet-dependent positions, to a prefix program that
/// interprets the entries before the restriction per packet, into scratch space). A packet starts at a root and moves to the one inheritor whose restriction holds,
/// until none does; it is of the container reached if that one is concrete. Two inheritors that
/// both hold make the packet ambiguous (reported, not guessed).
///
/// Building costs one pass over the resolved containers. `folded(apid:)` settles every APID
/// comparison for one APID; when nothing else is compared (the usual case) the outcome is the
/// same for every packet of the APID and dispatch costs nothing per packet.
public struct DispatchTree: Sendable {
    struct Node: Sendable {
        var container: ContainerID
        var name: String
        /// Index of the plan when the container is concrete.
        var plan: Int?
        var children: [Edge]
    }

    struct Edge: Sendable {
        var condition: CompiledCondition
        var node: Int
        /// Index in `prefixPlans` of the program that decodes the entries before the restriction,
        /// when the restriction reads values whose position depends on the packet.
        var prefix: Int? = nil
    }

    var nodes: [Node]
    var roots: [Int]
    /// Restrictions that could not be compiled; the containers below them are left out.
    var problems: [DecomError] = []
    /// Programs decoding the entries that precede restrictions on packet-dependent positions.
    var prefixPlans: [DecodePlan] = []

    /// The CCSDS APID field as restrictions read it (11 bits at bit 5, unsigned).
    static let apidField = NumericField(bitOffset: 5, width: 11, scheme: .unsigned, column: -1)

    init(set: DefinitionSet, planIndex: [ContainerID: Int]) {
        nodes = []
        roots = []
        var nodeOf: [ContainerID: Int] = [:]
        func node(_ id: ContainerID) -> Int {
            if let n = nodeOf[id] { return n }
            nodes.append(Node(container: id, name: set.containers[id.index].name, plan: planIndex[id], children: []))
            nodeOf[id] = nodes.count - 1
            return nodes.count - 1
        }
        for rc in set.resolvedContainers {
            guard planIndex[rc.container] != nil else { continue }
            var conditions: [(CompiledCondition, DecodePlan?)] = []
            do {
                for j in 1..<max(1, rc.levels.count) {
                    do {
                        conditions.append((try Self.restriction(rc, level: j, set: set), nil))
                    } catch DecomError.unsupported(let what, _) where what.hasPrefix(Self.notFixed) {
                        conditions.append(try Self.interpretedRestriction(rc, level: j, set: set))
                    }
                }
            } catch {
                problems.append(error)
                continue
            }
            var parent = node(rc.chain[0])
            if !roots.contains(parent) { roots.append(parent) }
            for j in 1..<max(1, rc.levels.count) {
                let child = node(rc.levels[j].container)
                if !nodes[parent].children.contains(where: { $0.node == child }) {
                    var edge = Edge(condition: conditions[j - 1].0, node: child)
                    if let plan = conditions[j - 1].1 {
                        prefixPlans.append(plan)
                        edge.prefix = prefixPlans.count - 1
                    }
                    nodes[parent].children.append(edge)
                }
                parent = child
            }
        }
        let containerOf = nodes.map(\.container)
        for i in nodes.indices { nodes[i].children.sort { containerOf[$0.node] < containerOf[$1.node] } }
    }

    /// The restriction of `level` compiled against the fixed fields decoded before that level.
    private static func restriction(_ rc: ResolvedContainer, level: Int, set: DefinitionSet) throws(DecomError) -> CompiledCondition {
        guard let criteria = rc.levels[level].restriction else { return .constant(true) }
        let boundary = rc.levels[level].entryRange.lowerBound
        let location = set.containers[rc.levels[level].container.index].source
        return try ConditionCompiler(set: set).compile(criteria, at: location) { ref, loc throws(DecomError) in
            guard ref.instance == 0 else {
                throw .unsupported("restriction on instance \(ref.instance) of '\(ref.name)'", at: loc)
            }
            for entry in rc.entries[..<boundary].reversed() where entry.entry.parameter == ref.parameter {
                let type = set.type(of: ref.parameter)
                guard entry.entry.includeCondition == nil, entry.entry.repeatEntry == nil,
                      case .parameter = entry.entry.kind, let offset = entry.fixedBitOffset,
                      let encoding = type.encoding, let n = TypeLayout.numeric(encoding) else {
                    throw .unsupported(Self.notFixed + " '\(ref.name)'", at: loc)
                }
                let field = NumericField(bitOffset: offset, width: n.width, scheme: n.scheme, littleEndian: n.littleEndian, column: -1)
                if ref.useCalibratedValue, case .enumerated = type.kind { return .raw(.field(field)) }
                if ref.useCalibratedValue, let cal = encoding.defaultCalibrator {
                    return .calibrated(.field(field), CalibrationFunction(cal))
                }
                return .raw(.field(field))
            }
            throw .invalidDefinition("restriction of '\(rc.name)' reads '\(ref.name)', which is not decoded before it", at: loc)
        }
    }

    static let notFixed = "restriction on a value that is not a numeric field at a fixed position:"

    /// A restriction on values at packet-dependent positions: the entries before it compiled into
    /// a program the dispatcher interprets per packet (into scratch columns), and the condition
    /// read from that program's values.
    private static func interpretedRestriction(_ rc: ResolvedContainer, level: Int,
                                               set: DefinitionSet) throws(DecomError) -> (CompiledCondition, DecodePlan?) {
        guard let criteria = rc.levels[level].restriction else { return (.constant(true), nil) }
        var prefix = rc
        prefix.entries = Array(rc.entries[..<rc.levels[level].entryRange.lowerBound])
        prefix.levels = Array(rc.levels[..<level])
        prefix.name = rc.name + " (entries before the restriction of level \(level))"
        var compiler = PlanCompiler(set: set, resolved: prefix,
                                    extraReferences: Set(criteria.referencedParameters.map(\.parameter.index)))
        let plan = try compiler.compile()
        let location = set.containers[rc.levels[level].container.index].source
        return (try compiler.conditionAfterEntries(criteria, at: location), plan)
    }

    /// The tree with every comparison of the APID field settled for `apid`, and the extensions
    /// that cannot hold for it removed.
    func folded(apid: UInt16) -> DispatchTree {
        var copy = self
        for i in copy.nodes.indices {
            copy.nodes[i].children = copy.nodes[i].children.compactMap { edge in
                let condition = edge.condition.folding(field: Self.apidField, value: Int64(apid))
                return condition == .constant(false) ? nil : Edge(condition: condition, node: edge.node, prefix: edge.prefix)
            }
        }
        return copy
    }

    /// Whether no condition reachable from the roots is left to read from packets (then the
    /// outcome is the same for every packet).
    var isStatic: Bool {
        var pending = roots
        var seen = Set<Int>()
        while let n = pending.popLast() {
            guard seen.insert(n).inserted else { continue }
            for edge in nodes[n].children {
                guard case .constant = edge.condition else { return false }
                pending.append(edge.node)
            }
        }
        return true
    }

    /// The container a packet is of, reading restriction fields through `reader`; restrictions
    /// on packet-dependent positions run their prefix programs on `packet` with `scratch`.
    func dispatch<R: ValueReader>(_ reader: inout R, packet: UnsafeRawBufferPointer? = nil,
                                  scratch: DispatchScratch? = nil) -> DispatchOutcome {
        var firstFailure: DispatchOutcome = .noContainer
        for root in roots {
            let outcome = walk(from: root, &reader, packet: packet, scratch: scratch)
            if case .plan = outcome { return outcome }
            if case .noContainer = firstFailure { firstFailure = outcome }
        }
        return firstFailure
    }

    private func walk<R: ValueReader>(from root: Int, _ reader: inout R, packet: UnsafeRawBufferPointer?,
                                      scratch: DispatchScratch?) -> DispatchOutcome {
        var current = root
        while true {
            var next: Int? = nil
            for edge in nodes[current].children {
                let result: Bool?
                if let p = edge.prefix {
                    guard let packet, let scratch else { return .unreadable(nodes[current].name) }
                    result = scratch.evaluate(edge.condition, plan: prefixPlans[p], index: p, packet: packet)
                } else {
                    result = edge.condition.evaluate(&reader)
                }
                guard let holds = result else { return .unreadable(nodes[current].name) }
                if holds {
                    if next != nil { return .ambiguous(nodes[current].name) }
                    next = edge.node
                }
            }
            guard let n = next else {
                if let plan = nodes[current].plan { return .plan(plan) }
                // A container with no extension left for this APID: the definition does not describe it.
                return nodes[current].children.isEmpty ? .noContainer : .noInheritor(nodes[current].name)
            }
            current = n
        }
    }
}

/// Where dispatch leaves a packet.
public enum DispatchOutcome: Sendable, Hashable {
    case plan(Int)
    /// The definition has no container at all.
    case noContainer
    /// Reached this abstract container and no inheritor's restriction holds.
    case noInheritor(String)
    /// More than one inheritor of this container holds.
    case ambiguous(String)
    /// A restriction below this container reads beyond the packet's end.
    case unreadable(String)
}

/// Per-task scratch space for restrictions that need the entries before them interpreted: one
/// record of columns and a slot array per prefix program, allocated on first use and reused for
/// every packet of the task. Not shared between tasks.
final class DispatchScratch {
    private var resources: [Int: (sink: ColumnSink, columns: [Column], slots: UnsafeMutablePointer<ScalarValue>, count: Int)] = [:]

    /// Whether `condition` holds after `plan`'s interpreted entries run on `packet`; `nil` when
    /// they cannot be decoded (packet too short) or the condition cannot be read.
    func evaluate(_ condition: CompiledCondition, plan: DecodePlan, index: Int, packet: UnsafeRawBufferPointer) -> Bool? {
        if resources[index] == nil {
            guard var columns = try? Decoder.allocate(plan, records: 1, longestPacket: 65_542, headerColumns: false) else { return nil }
            let sink = ColumnSink(columns: &columns)
            let count = max(1, plan.slotCount)
            let slots = UnsafeMutablePointer<ScalarValue>.allocate(capacity: count)
            slots.initialize(repeating: ScalarValue(integer: 0), count: count)
            resources[index] = (sink, columns, slots, count)
        }
        let r = resources[index]!
        var reader = PacketReader(packet: packet, slots: r.slots)
        guard packet.count * 8 >= plan.minimumBits,
              DynamicInterpreter(plan: plan, sink: r.sink).run(&reader, record: 0) == nil else { return nil }
        return condition.evaluate(&reader)
    }

    deinit {
        for r in resources.values { r.slots.deallocate() }
    }
}
