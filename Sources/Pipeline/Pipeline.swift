import Foundation
import Products

/// Where and as whom the pipeline works.
public struct PipelineSettings: Sendable {
    /// Product files go to `productsRoot/<instrument>/<level>/<YYYY>/`; each job writes first into
    /// `productsRoot/.staging/job-<id>/`.
    public var productsRoot: String
    /// Part of every job's input hash: a new software version makes new versions of every product.
    public var softwareVersion: String
    public var owner: JobOwner
    public var isAlive: @Sendable (JobOwner) -> Bool
    /// A job another live process is making is looked at again every `busyPollSeconds`, for at most
    /// `busyWaitSeconds`: its consumers then read its product, whichever process made it.
    public var busyPollSeconds: Double = 0.05
    public var busyWaitSeconds: Double = 3600
    /// How often a running job renews its heartbeat (keep well under `Catalog.staleHeartbeatSeconds`).
    public var heartbeatSeconds: Double = 30

    public init(productsRoot: String, softwareVersion: String = Pipeline.softwareVersion,
                owner: JobOwner = .current, isAlive: @escaping @Sendable (JobOwner) -> Bool = JobOwner.isAlive) {
        self.productsRoot = productsRoot; self.softwareVersion = softwareVersion; self.owner = owner; self.isAlive = isAlive
    }
}

/// When a job's inputs count as complete. A batch run (reprocess) uses soft inputs that are present;
/// a watcher also waits for soft inputs of days from the mission's start that have not arrived yet,
/// so that files arriving out of order make each product once, from the inputs a batch run uses.
public enum Completeness: Sendable, Hashable {
    case presentInputs
    case waitForSoftInputs(since: MissionDay)
}

/// Runs planned jobs: for each (product, day) whose required inputs exist, compares the input hash
/// with the newest version's, claims the job in the catalog and has the `ProductMaker` make it.
/// Jobs run in dependency order, one at a time per instrument (a lane) and in parallel across
/// instruments; a lane waits only for the jobs of other lanes that its next job reads.
///
/// Costs per job: a handful of indexed catalog queries and two write transactions when made.
public struct Pipeline: Sendable {
    public static let softwareVersion = "downlink-0.7"

    public let maker: any ProductMaker
    public let catalog: Catalog
    public let settings: PipelineSettings
    public let graph: DependencyGraph

    public init(maker: any ProductMaker, catalog: Catalog, settings: PipelineSettings) {
        self.maker = maker; self.catalog = catalog; self.settings = settings
        self.graph = DependencyGraph(nodes: maker.nodes)
    }

    /// Every job of the products matching the filters on days `from...to`, and everything downstream.
    public func plan(from: MissionDay, to: MissionDay, instrument: String? = nil, level: ProductLevel? = nil) -> Set<JobKey> {
        var seeds: [JobKey] = []
        for n in graph.nodes where (instrument == nil || n.id.instrument == instrument) && (level == nil || n.id.level == level) {
            var d = from
            while d <= to { seeds.append(JobKey(n.id, d)); d = d.adding(days: 1) }
        }
        return graph.downstream(of: seeds)
    }

    /// Runs `jobs` (and only them). `onlyMissing`: skip jobs that have any done version.
    public func run(_ jobs: Set<JobKey>, completeness: Completeness = .presentInputs, onlyMissing: Bool = false,
                    progress: (@Sendable (JobKey, JobOutcome) -> Void)? = nil) async -> RunReport {
        sweepStaging()
        let ordered = graph.ordered(jobs)
        var lanes: [String: [JobKey]] = [:]
        for k in ordered { lanes[k.product.instrument, default: []].append(k) }
        let board = OutcomeBoard()
        await withTaskGroup(of: Void.self) { group in
            for lane in lanes.values {
                group.addTask {
                    for key in lane {
                        // Jobs of other lanes this one reads: wait for them (they precede it in the order).
                        for (up, _) in graph.upstream(of: key)
                        where up.product.instrument != key.product.instrument && jobs.contains(up) && graph.precedes(up, key) {
                            _ = await board.outcome(of: up)
                        }
                        let timer = MakeTimer()
                        let start = ContinuousClock.now
                        let outcome = await runOne(key, completeness: completeness, onlyMissing: onlyMissing, timer: timer)
                        let elapsed = ContinuousClock.now - start
                        progress?(key, outcome)
                        await board.finish(key, outcome, jobSeconds: elapsed.seconds, makeSeconds: timer.seconds)
                    }
                }
            }
        }
        return await board.report()
    }

    /// The inputs of a job as found in the catalog now.
    struct Inputs: Sendable {
        var level0: [String: [String]] = [:]
        var files: [CatalogFile] = []
        var upstream: [JobKey: String] = [:]
        var hashLines: [String] = []
    }

    func gatherInputs(_ key: JobKey, node: ProductNode, completeness: Completeness) throws -> Result<Inputs, NotReady> {
        var inputs = Inputs()
        for dep in node.dependencies {
            for offset in dep.days {
                let day = key.day.adding(days: offset)
                let found: [CatalogFile]
                let name: String
                switch dep.source {
                case .level0(let instrument):
                    name = "\(instrument) L0"
                    found = try catalog.level0(instrument: instrument, day: day)
                    inputs.level0[instrument, default: []] += found.map(\.path)
                    for f in found { inputs.hashLines.append("l0 \(instrument) \(day) \(fileName(f.path)) \(f.size) \(f.checksum)") }
                case .product(let q):
                    name = q.description
                    let latest = try catalog.latestProduct(q, day: day)
                    found = latest?.files ?? []
                    if let latest, let path = found.first(where: { $0.path.hasSuffix(".cdf") })?.path ?? found.first?.path {
                        inputs.upstream[JobKey(q, day)] = path
                        for f in found { inputs.hashLines.append("product \(q) \(day) v\(latest.job.version) \(fileName(f.path)) \(f.checksum)") }
                    }
                }
                if found.isEmpty {
                    if dep.required { return .failure(NotReady("no \(name) for \(day)")) }
                    if case .waitForSoftInputs(let since) = completeness, day >= since {
                        return .failure(NotReady("waiting for \(name) of \(day)"))
                    }
                }
                inputs.files += found
            }
        }
        if inputs.files.isEmpty { return .failure(NotReady("no inputs")) }
        return .success(inputs)
    }

    struct NotReady: Error { var reason: String; init(_ r: String) { reason = r } }

    /// The job's input hash: its input files (names, not folders, so that moving an archive changes
    /// nothing; sizes, checksums, upstream versions), the
    /// product's configuration digest and the software version.
    func inputHash(_ inputs: Inputs, node: ProductNode) -> String {
        var h = SHA256()
        h.update("software \(settings.softwareVersion)\nconfiguration \(node.configurationDigest)\n")
        for line in inputs.hashLines.sorted() { h.update(line); h.update("\n") }
        return h.finalizeHex()
    }

    func runOne(_ key: JobKey, completeness: Completeness, onlyMissing: Bool, timer: MakeTimer = MakeTimer()) async -> JobOutcome {
        let deadline = ContinuousClock.now + .milliseconds(Int(settings.busyWaitSeconds * 1000))
        while true {
            let outcome = await attempt(key, completeness: completeness, onlyMissing: onlyMissing, timer: timer)
            guard outcome == .busy, ContinuousClock.now < deadline else { return outcome }
            try? await Task.sleep(nanoseconds: UInt64(settings.busyPollSeconds * 1e9))
        }
    }

    /// What the catalog says about a job now.
    enum Decision: Sendable {
        case notReady(String), upToDate(Int), busy
        case claimed(jobID: Int64, version: Int, inputs: Inputs)
    }

    /// Inputs, input hash, newest version, claim: catalog calls only (blocking; run off the pool).
    func decide(_ key: JobKey, node: ProductNode, completeness: Completeness, onlyMissing: Bool) throws -> Decision {
        let inputs: Inputs
        switch try gatherInputs(key, node: node, completeness: completeness) {
        case .failure(let n): return .notReady(n.reason)
        case .success(let i): inputs = i
        }
        let hash = inputHash(inputs, node: node)
        if let latest = try catalog.latestProduct(key.product, day: key.day) {
            if latest.job.inputHash == hash || onlyMissing { return .upToDate(latest.job.version) }
        }
        switch try catalog.claim(product: key.product, day: key.day, inputHash: hash, inputs: inputs.files.map(\.path),
                                 softwareVersion: settings.softwareVersion, configurationDigest: node.configurationDigest,
                                 owner: settings.owner, isAlive: settings.isAlive) {
        case .alreadyDone(let v): return .upToDate(v)
        case .busy: return .busy
        case .claimed(let jobID, let version, _): return .claimed(jobID: jobID, version: version, inputs: inputs)
        }
    }

    func attempt(_ key: JobKey, completeness: Completeness, onlyMissing: Bool, timer: MakeTimer) async -> JobOutcome {
        guard let node = graph.node(key.product) else { return .notReady("unknown product") }
        let decision: Decision
        do {
            decision = try await blocking { try decide(key, node: node, completeness: completeness, onlyMissing: onlyMissing) }
        } catch {
            return .failed("\(error)")
        }
        switch decision {
        case .notReady(let why): return .notReady(why)
        case .upToDate(let v): return .upToDate(version: v)
        case .busy: return .busy
        case .claimed(let jobID, let version, let inputs):
            do {
                try await make(key, jobID: jobID, version: version, inputs: inputs, timer: timer)
                return .made(version: version)
            } catch {
                let message = "\(error)"
                do { try await blocking { try catalog.fail(jobID: jobID, error: message, owner: settings.owner) } } catch {
                    return .failed("\(message); recording the failure also failed: \(error)")
                }
                return .failed(message)
            }
        }
    }

    /// Removes staging folders of jobs no live process owns (a process killed mid-job leaves one;
    /// a job taken over clears its own, this catches jobs superseded by other inputs).
    func sweepStaging() {
        let root = "\(settings.productsRoot)/.staging"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for name in names where name.hasPrefix("job-") {
            guard let id = Int64(name.dropFirst(4)),
                  let job = try? catalog.read({ c in
                      try c.query("SELECT \(Catalog.jobColumns) FROM jobs WHERE id = ?", [.int(id)]).first.map(Catalog.job)
                  }) else { continue }
            if job.state == .running, settings.isAlive(JobOwner(host: job.host, pid: job.pid)) { continue }
            try? FileManager.default.removeItem(atPath: "\(root)/\(name)")
        }
    }

    /// The folder a product's files live in.
    public func folder(for product: ProductID, day: MissionDay) -> String {
        "\(settings.productsRoot)/\(product.instrument)/\(product.level.rawValue)/\(String(day.compact.prefix(4)))"
    }

    private func make(_ key: JobKey, jobID: Int64, version: Int, inputs: Inputs, timer: MakeTimer) async throws {
        let fm = FileManager.default
        let staging = "\(settings.productsRoot)/.staging/job-\(jobID)"
        // A resumed job's staging folder holds what its dead owner left: never used.
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: staging) }
        let upstream = inputs.upstream
        let makeStart = ContinuousClock.now
        defer { timer.seconds += (ContinuousClock.now - makeStart).seconds }
        let made = try await withThrowingTaskGroup(of: [MadeProduct]?.self) { group in
            group.addTask {
                try await maker.make([key.product], day: key.day, level0: inputs.level0,
                                     upstream: { upstream[JobKey($0, $1)] }, versions: [key.product: version], into: staging)
            }
            group.addTask { [catalog, settings] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(settings.heartbeatSeconds * 1e9))
                    if Task.isCancelled { break }
                    try? await blocking { try catalog.heartbeat(jobID: jobID, owner: settings.owner) }
                }
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let made = result { return made }
            }
            return []
        }
        guard let product = made.first(where: { $0.id == key.product && $0.day == key.day }), !product.paths.isEmpty else {
            throw PipelineError.noOutput(key)
        }
        let paths = product.paths
        try await blocking {
            let destination = folder(for: key.product, day: key.day)
            try fm.createDirectory(atPath: destination, withIntermediateDirectories: true)
            var outputs: [OutputFile] = []
            for path in paths {
                let final = "\(destination)/\((path as NSString).lastPathComponent)"
                // Same folder tree, same file system: the rename is atomic; a file of a dead owner's
                // attempt with the same name and version is replaced.
                guard rename(path, final) == 0 else { throw PipelineError.io(path: final, operation: "move \(path) to", errno: errno) }
                let attributes = try fm.attributesOfItem(atPath: final)
                outputs.append(OutputFile(path: final, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                                          checksum: try SHA256.file(final),
                                          mtime: Int64((((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0) * 1000).rounded())))
            }
            try catalog.complete(jobID: jobID, product: key.product, day: key.day, version: version, outputs: outputs,
                                 inputFileIDs: inputs.files.map(\.id), owner: settings.owner)
        }
    }
}

/// Runs blocking work (catalog statements, file moves and checksums) on a Dispatch thread, so that
/// waiting for the catalog's lock or the disk does not hold a thread of the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

func fileName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

/// Time one job spent in the product maker (one lane's job at a time: no sharing).
final class MakeTimer: @unchecked Sendable {
    // Invariant: used by one job, sequentially (the lane that runs it).
    var seconds = 0.0
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Pipeline failures outside the product maker.
public enum PipelineError: Error, CustomStringConvertible {
    case noOutput(JobKey)
    case io(path: String, operation: String, errno: Int32)
    case usage(String)

    public var description: String {
        switch self {
        case .noOutput(let k): return "\(k): the product maker returned no file"
        case .io(let path, let op, let e): return "\(op) \(path): \(String(cString: strerror(e)))"
        case .usage(let m): return m
        }
    }
}
