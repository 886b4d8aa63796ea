import Foundation
import Pipeline
import Products

/// A `ProductMaker` for pipeline tests and the planning benchmark: the demo mission's product graph
/// (mag and spec L1A..L3, hk L1A/L1B and a 7-day L3 with soft days, sw L3 joining mag and spec),
/// writing one small real file per product whose content is a function of its inputs' contents and
/// its configuration digest, atomically (temporary file, then rename). It can be told to fail or to
/// sleep per call, and counts calls per product and day.
///
/// Thread safety: `calls` is guarded by `lock` (the invariant of this `@unchecked Sendable` class).
public final class FakeProductMaker: ProductMaker, @unchecked Sendable {
    public let missionName = "demo"
    public let nodes: [ProductNode]
    public let sleepMs: Int
    public let failing: Set<JobKey>
    /// Calls after this many hang until the process is killed (the kill/resume test); nil: never.
    public let hangAfter: Int?
    /// False for the benchmark: content from names only, L0 files need not exist.
    public let readsInputs: Bool
    private let lock = NSLock()
    private var calls: [JobKey: Int] = [:]

    /// `digests` overrides products' configuration digests (a changed calibration).
    public init(instruments: [String] = ["mag", "spec", "hk"], digests: [String: String] = [:], sleepMs: Int = 0,
                failing: Set<JobKey> = [], levels: Int = 4, readsInputs: Bool = true, hangAfter: Int? = nil) {
        var nodes: [ProductNode] = []
        func add(_ id: String, _ deps: [ProductDependency]) {
            nodes.append(ProductNode(id: ProductID(id)!, dependencies: deps, formats: ["cdf"], configurationDigest: digests[id] ?? "digest-\(id)"))
        }
        for i in instruments where i != "hk" {
            add("\(i)_l1a_raw", [.init(.level0(instrument: i))])
            if levels == 1 { continue }
            add("\(i)_l1b_cal", [.init(.product(ProductID("\(i)_l1a_raw")!))])
            add("\(i)_l2_phys", [.init(.product(ProductID("\(i)_l1b_cal")!))])
            add("\(i)_l3_1min", [.init(.product(ProductID("\(i)_l2_phys")!))])
        }
        if instruments.contains("hk") && levels > 1 {
            add("hk_l1a_raw", [.init(.level0(instrument: "hk"))])
            add("hk_l1b_eng", [.init(.product(ProductID("hk_l1a_raw")!))])
            add("hk_l3_7day", [.init(.product(ProductID("hk_l1b_eng")!)),
                               .init(.product(ProductID("hk_l1b_eng")!), required: false, days: -6 ... -1)])
        }
        if instruments.contains("mag") && instruments.contains("spec") {
            add("sw_l3_joined", [.init(.product(ProductID("mag_l3_1min")!)), .init(.product(ProductID("spec_l3_1min")!))])
        }
        self.nodes = nodes; self.sleepMs = sleepMs; self.failing = failing; self.readsInputs = readsInputs; self.hangAfter = hangAfter
    }

    public var callCounts: [JobKey: Int] { lock.lock(); defer { lock.unlock() }; return calls }

    public func make(_ products: Set<ProductID>, day: MissionDay, level0: [String: [String]],
                     upstream: @escaping @Sendable (ProductID, MissionDay) -> String?, versions: [ProductID: Int],
                     into folder: String) async throws -> [MadeProduct] {
        var made: [MadeProduct] = []
        for id in products.sorted() {
            let total = lock.withLock {
                calls[JobKey(id, day), default: 0] += 1
                return calls.values.reduce(0, +)
            }
            if let hangAfter, total > hangAfter { while true { try await Task.sleep(nanoseconds: 1_000_000_000) } }
            if sleepMs > 0 { try await Task.sleep(nanoseconds: UInt64(sleepMs) * 1_000_000) }
            if failing.contains(JobKey(id, day)) { throw FakeMakerError(message: "injected failure of \(id) \(day)") }
            guard let node = nodes.first(where: { $0.id == id }) else { throw FakeMakerError(message: "unknown \(id)") }
            var content = "\(id) \(day)\nconfiguration \(node.configurationDigest)\n"
            for dep in node.dependencies {
                for offset in dep.days {
                    let d = day.adding(days: offset)
                    switch dep.source {
                    case .level0(let instrument):
                        for path in (level0[instrument] ?? []).sorted() where path.contains(d.compact) {
                            content += "l0 \((path as NSString).lastPathComponent) \(readsInputs ? try SHA256.file(path) : "")\n"
                        }
                    case .product(let q):
                        if let path = upstream(q, d) { content += "in \((path as NSString).lastPathComponent) \(readsInputs ? try SHA256.file(path) : "")\n" }
                    }
                }
            }
            let version = versions[id] ?? 1
            let name = "demo_\(id)_\(day.compact)_v\(String(format: "%03d", version)).cdf"
            let final = "\(folder)/\(name)", temporary = "\(folder)/.\(name).tmp-\(getpid())"
            // POSIX write without fsync (Foundation's Data.write fsyncs): the benchmark measures the
            // pipeline, not the disk.
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw FakeMakerError(message: "create \(temporary)") }
            let bytes = Array(content.utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            guard written == bytes.count else { throw FakeMakerError(message: "write \(temporary)") }
            guard rename(temporary, final) == 0 else { throw FakeMakerError(message: "rename \(temporary)") }
            made.append(MadeProduct(id: id, day: day, version: version, paths: [final], records: 1, bytes: content.utf8.count))
        }
        return made
    }
}

public struct FakeMakerError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Writes small L0 files `demo_<instrument>_l0_<YYYYMMDD>_v001.pkts` whose content differs per file.
public enum FakeLevel0 {
    public static func name(_ instrument: String, _ day: MissionDay) -> String { "demo_\(instrument)_l0_\(day.compact)_v001.pkts" }

    @discardableResult
    public static func write(_ instrument: String, _ day: MissionDay, into folder: String) throws -> String {
        let path = "\(folder)/\(name(instrument, day))"
        try Data("L0 \(instrument) \(day) \(String(repeating: instrument, count: 20))".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
