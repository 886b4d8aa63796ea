// Decom's entry point: compile a definition set once, decode scanned files into datasets.

import Dataset
import PacketDefinitions
import SpacePackets

/// Decodes indexed packets into one `Dataset` per concrete container.
///
/// `init` compiles every concrete container into a `DecodePlan` and the dispatch tree (once; linear
/// in the definition). `decode` runs two passes over each APID's packets, split into chunks run in
/// parallel under one task group: dispatch (which container; per-packet work only when restrictions
/// read more than the APID), then allocation of every column at its final size, then the fill
/// (fixed table, then interpreted entries). Memory: the columns, plus 4 bytes a packet for APIDs
/// whose dispatch is not settled by the APID alone. Sendable; reuse one decoder for many files.
public struct Decoder: Sendable {
    public let definitions: DefinitionSet
    public let plans: [DecodePlan]
    public let options: DecodeOptions
    let tree: DispatchTree
    /// Containers that could not be compiled (unsupported features), with where and why. Their
    /// packets are reported as not decoded; every other container decodes normally.
    public let compileProblems: [DecomError]

    /// Per-packet findings kept in a result; the rest are counted.
    public static let maxFindings = 10_000
    /// Packets per parallel chunk.
    public static let chunkPackets = 1 << 16
    /// Bytes of packets per fixed-table block: the block stays in cache while every extractor
    /// runs over it.
    static let blockBytes = 32 << 10

    /// Packets per fixed-table block for packets of up to `length` bytes: at least 1024 (per-block
    /// set-up, paid once per extractor, stays negligible for wide packets), at most 4096.
    static func blockPackets(length: Int) -> Int { min(4096, max(1024, blockBytes / max(1, length))) }

    public init(definitions: DefinitionSet, options: DecodeOptions = DecodeOptions()) throws(DecomError) {
        var plans: [DecodePlan] = []
        var index: [ContainerID: Int] = [:]
        var problems: [DecomError] = []
        for rc in definitions.resolvedContainers {
            var compiler = PlanCompiler(set: definitions, resolved: rc)
            do {
                plans.append(try compiler.compile())
                index[rc.container] = plans.count - 1
            } catch {
                problems.append(error)
            }
        }
        self.definitions = definitions
        self.plans = plans
        self.options = options
        let tree = DispatchTree(set: definitions, planIndex: index)
        self.tree = tree
        self.compileProblems = problems + tree.problems
    }

    /// The plan of the concrete container with this name.
    public func plan(named name: String) -> DecodePlan? { plans.first { $0.containerName == name } }

    /// Decodes every packet of `files` (only the APIDs in `apids`, when given).
    public func decode(_ files: [ScannedFile], apids: Set<UInt16>? = nil) async throws(DecomError) -> DecodeResult {
        // Dispatch settled per APID, and the chunks.
        var dispatchByAPID: [UInt16: APIDDispatch] = [:]
        var chunks: [Chunk] = []
        for (f, file) in files.enumerated() {
            for (slot, packets) in file.index.apids.enumerated() where apids?.contains(packets.apid) ?? true {
                if dispatchByAPID[packets.apid] == nil {
                    let folded = tree.folded(apid: packets.apid)
                    var outcome: DispatchOutcome? = nil
                    if folded.isStatic {
                        var none = NoValues()
                        outcome = folded.dispatch(&none)
                    }
                    dispatchByAPID[packets.apid] = APIDDispatch(tree: folded, staticOutcome: outcome)
                }
                var start = 0
                while start < packets.count {
                    let end = min(packets.count, start + Self.chunkPackets)
                    chunks.append(Chunk(file: f, apidSlot: slot, range: start..<end))
                    start = end
                }
            }
        }

        // Pass 1: dispatch.
        let plans = self.plans
        let settled = dispatchByAPID
        let dispatches = await Self.parallelMap(chunks) { chunk in
            DispatchPass.run(chunk, file: files[chunk.file], dispatch: settled[files[chunk.file].index.apids[chunk.apidSlot].apid]!,
                             plans: plans, maxFindings: Self.maxFindings)
        }

        // Allocation at final sizes; first record of each chunk in each plan.
        var totals = [Int](repeating: 0, count: plans.count)
        var longest = [Int](repeating: 0, count: plans.count)
        var firstRecords: [[Int: Int]] = []
        for d in dispatches {
            var starts: [Int: Int] = [:]
            for (p, n) in d.counts {
                starts[p] = totals[p]
                totals[p] += n
                longest[p] = max(longest[p], d.longest[p] ?? 0)
            }
            firstRecords.append(starts)
        }
        var columnsByPlan: [[Column]] = []
        var sinks: [ColumnSink?] = []
        for (p, plan) in plans.enumerated() {
            guard totals[p] > 0 else {
                columnsByPlan.append([])
                sinks.append(nil)
                continue
            }
            var columns = try Self.allocate(plan, records: totals[p], longestPacket: longest[p], headerColumns: options.headerColumns)
            sinks.append(ColumnSink(columns: &columns))
            columnsByPlan.append(columns)
        }

        // Pass 2: fill.
        let headerColumns = options.headerColumns
        let releasePages = options.releaseInputPages
        let fillSinks = sinks
        let work = Array(zip(chunks, zip(dispatches, firstRecords)))
        let chunkFindings = await Self.parallelMap(work) { item in
            let (chunk, (dispatch, starts)) = item
            return FillPass.run(chunk, file: files[chunk.file], dispatch: dispatch, firstRecords: starts, plans: plans,
                                sinks: fillSinks, headerColumns: headerColumns, releasePages: releasePages,
                                maxFindings: Self.maxFindings)
        }

        // Engineering values and labels, then datasets.
        var containers: [DecodedContainer] = []
        for (p, plan) in plans.enumerated() where totals[p] > 0 {
            var columns = columnsByPlan[p]
            var extra: [(String, Column)] = []
            if options.calibrated {
                extra += try Calibration.columns(plan, columns: &columns, records: totals[p])
            }
            if options.labels { extra += try Calibration.labelColumns(plan, columns: columns, records: totals[p]) }
            var dataset = Dataset(attributes: ["container": .text([plan.containerName])])
            for (c, column) in columns.enumerated() {
                if !headerColumns, c < HeaderField.allCases.count + 2 { continue }
                try Self.add(plan.columns[c].name, column, attributes: attributes(of: plan.columns[c]), to: &dataset, plan: plan)
            }
            for (name, column) in extra {
                // A derived name a parameter already uses gets a suffix rather than being lost.
                var unique = name
                var n = 2
                while dataset[unique] != nil { unique = "\(name)#\(n)"; n += 1 }
                try Self.add(unique, column, attributes: [:], to: &dataset, plan: plan)
            }
            containers.append(DecodedContainer(name: plan.containerName, apid: plan.apid, plan: plan, dataset: dataset,
                                               records: totals[p]))
        }

        // The account of packets not decoded, and findings in file order.
        var undecoded: [UndecodedPackets] = []
        var findings: [DecodeFinding] = []
        var omitted = 0
        for (k, d) in dispatches.enumerated() {
            let chunk = chunks[k]
            let apid = files[chunk.file].index.apids[chunk.apidSlot].apid
            for (reason, v) in d.undecoded {
                if let i = undecoded.firstIndex(where: { $0.apid == apid && $0.reason == reason }) {
                    undecoded[i].count += v.count
                } else {
                    undecoded.append(UndecodedPackets(apid: apid, reason: reason, count: v.count,
                                                      firstFile: files[chunk.file].index.file, firstOffset: v.firstOffset))
                }
            }
            for f in d.findings + chunkFindings[k] {
                if findings.count < Self.maxFindings { findings.append(f) } else { omitted += 1 }
            }
        }
        findings.sort { ($0.file, $0.offset) < ($1.file, $1.offset) }
        undecoded.sort { ($0.apid, $0.reason.description) < ($1.apid, $1.reason.description) }
        return DecodeResult(containers: containers, undecoded: undecoded, findings: findings, findingsOmitted: omitted,
                            decodedPackets: totals.reduce(0, +))
    }

    private static func add(_ name: String, _ column: Column, attributes: Attributes, to dataset: inout Dataset,
                            plan: DecodePlan) throws(DecomError) {
        do { try dataset.add(name, column, attributes: attributes) } catch {
            throw .datasetRejected(container: plan.containerName, column: name, reason: "\(error)")
        }
    }

    /// A parameter column's description and units from the definition (none for other columns).
    private func attributes(of column: OutputColumn) -> Attributes {
        guard let p = column.parameter else { return [:] }
        let parameter = definitions.parameters[p.index]
        var a = Attributes()
        if let d = parameter.shortDescription ?? parameter.longDescription, !d.isEmpty { a["description"] = .text([d]) }
        let units = parameter.units.isEmpty ? definitions.type(of: p).units : parameter.units
        if !units.isEmpty { a["units"] = .text([units.joined(separator: " ")]) }
        return a
    }

    /// Allocates a plan's columns for `records` packets, settling packet-sized shapes.
    /// The columns share one allocation (`Column.makeSet`): a container's many small columns then
    /// fill huge pages instead of faulting 4 KiB at a time.
    static func allocate(_ plan: DecodePlan, records: Int, longestPacket: Int, headerColumns: Bool) throws(DecomError) -> [Column] {
        var specs: [(type: ElementType, records: Int, shape: [Int])] = []
        for (c, spec) in plan.columns.enumerated() {
            var type = spec.elementType
            var shape = spec.shape
            switch spec.sizing {
            case .fixed: break
            case .binaryWidthFromLongestPacket:
                type = type == .string(width: 1) ? .string(width: max(1, longestPacket)) : .binary(width: max(1, longestPacket))
            case .countFromLongestPacket(let bits, let inner):
                shape = [max(1, longestPacket * 8 / max(1, bits))] + inner
            }
            let n = (c < HeaderField.allCases.count + 2 && !headerColumns) ? 0 : records
            do {
                _ = try Column.byteCount(type: type, records: n, shape: shape, recordVarying: true)
            } catch {
                throw .allocationFailed(container: plan.containerName, column: spec.name, reason: "\(error)")
            }
            specs.append((type, n, shape))
        }
        do {
            return try Column.makeSet(specs, zeroed: !fillsEveryByte(plan))
        } catch {
            throw .allocationFailed(container: plan.containerName, column: "(all \(specs.count) columns)", reason: "\(error)")
        }
    }

    /// Whether the fill pass writes every byte of every column of `plan`, so that recycled memory
    /// need not be zeroed first (a memset of the whole container, 9% of a warm hs decode): a fixed
    /// layout without byte fields whose numeric extractors cover every element of every parameter
    /// column (header columns are written whole, or have no records). Anything else is zeroed.
    static func fillsEveryByte(_ plan: DecodePlan) -> Bool {
        guard plan.isFixedLayout, plan.byteFields.isEmpty else { return false }
        let headerColumns = HeaderField.allCases.count + 2
        var covered = [Set<Int>](repeating: [], count: plan.columns.count)
        for f in plan.numericFields where f.column < covered.count { covered[f.column].insert(f.element) }
        for (c, spec) in plan.columns.enumerated() where c >= headerColumns {
            guard case .fixed = spec.sizing else { return false }
            let perRecord = spec.shape.reduce(1, *)
            guard covered[c].count == perRecord, covered[c].allSatisfy({ $0 >= 0 && $0 < perRecord }) else { return false }
        }
        return true
    }

    /// Runs `body` on every item in parallel (one child task per item, at most ~2x the cores in
    /// flight); results keep the input order.
    static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) -> R) async -> [R] {
        await withTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            let width = 16
            while next < min(width, items.count) {
                let i = next
                group.addTask { (i, body(items[i])) }
                next += 1
            }
            while let (i, r) = await group.next() {
                results[i] = r
                if next < items.count {
                    let j = next
                    group.addTask { (j, body(items[j])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}

/// A `ValueReader` with no values: used to evaluate fully folded (constant) dispatch trees.
struct NoValues: ValueReader {
    mutating func value(_ source: ValueSource) -> ScalarValue? { nil }
}
