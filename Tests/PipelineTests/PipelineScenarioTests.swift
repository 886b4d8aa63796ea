import CatalogPostgreSQL
import Foundation
import Pipeline
import PipelineTestSupport
import Products
import Testing

extension Backend {
    /// SQLite always; PostgreSQL when DOWNLINK_TEST_POSTGRES is set.
    static let available: [Backend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgresql]
}

@Test(.enabled(if: Backend.postgresURL != nil, "DOWNLINK_TEST_POSTGRES is not set: the PostgreSQL variants of the pipeline tests are skipped"))
func postgresqlServerAnswers() throws {
    let c = try PostgreSQLConnection(connectionString: Backend.postgresURL!)
    #expect(try c.query("SELECT 6 * ?", [.int(7)]).first?.first == .int(42))
}

/// Runs a batch over the week with all L0 present.
func batch(_ backend: Backend, _ ws: Workspace, maker: FakeProductMaker, productsFolder: String? = nil,
           location: String? = nil) async throws -> (Catalog, RunReport, String) {
    for i in instruments { for d in week { try FakeLevel0.write(i, d, into: ws.l0) } }
    let location = try location ?? backend.freshLocation(in: ws.root)
    let catalog = try CatalogLocation.open(location)
    try Level0Index(catalog: catalog).indexFolder(ws.l0)
    let pipeline = Pipeline(maker: maker, catalog: catalog, settings: PipelineSettings(productsRoot: productsFolder ?? ws.products))
    let report = await pipeline.run(pipeline.plan(from: week.first!, to: week.last!))
    return (catalog, report, location)
}

@Test(arguments: Backend.available)
func batchRunMakesEveryProductOnceAndARerunNothing(_ backend: Backend) async throws {
    let ws = try Workspace()
    let maker = FakeProductMaker()
    let (catalog, report, _) = try await batch(backend, ws, maker: maker)
    #expect(Set(report.made.map(\.description)) == expectedWeekProducts)
    #expect(report.failed.isEmpty)
    #expect(maker.callCounts.values.allSatisfy { $0 == 1 })
    let files = try productFiles(catalog)
    #expect(Set(files.keys) == expectedWeekProducts)
    for (key, versions) in files {
        #expect(versions.count == 1 && versions[0].version == 1, "\(key)")
    }
    // Every registered file exists with the recorded checksum (re-read here).
    for f in try catalog.allFiles() where f.level != "l0" {
        #expect(try SHA256.file(f.path) == f.checksum)
        #expect(f.path.hasPrefix("\(ws.products)/\(f.instrument)/\(f.level)/2026/"))
    }
    // Provenance: the joined L3 of a day came from that day's mag and spec L3 files.
    let joined = try catalog.allFiles().first { $0.product?.description == "sw_l3_joined" && $0.day == week[2] }!
    let inputs = try catalog.provenance(of: joined.id).map { ($0.path as NSString).lastPathComponent }
    #expect(inputs == ["demo_mag_l3_1min_\(week[2].compact)_v001.cdf", "demo_spec_l3_1min_\(week[2].compact)_v001.cdf"])
    // The 7-day L3 of the last day read the hk L1B of all 7 days.
    let hk7 = try catalog.allFiles().first { $0.product?.description == "hk_l3_7day" && $0.day == week[6] }!
    #expect(try catalog.provenance(of: hk7.id).count == 7)
    #expect(!FileManager.default.fileExists(atPath: "\(ws.products)/.staging") || filesUnder("\(ws.products)/.staging").isEmpty)

    let pipeline = Pipeline(maker: maker, catalog: catalog, settings: PipelineSettings(productsRoot: ws.products))
    let again = await pipeline.run(pipeline.plan(from: week.first!, to: week.last!))
    #expect(again.made.isEmpty)
    #expect(again.upToDate == expectedWeekProducts.count)
    #expect(try catalog.jobs().count == expectedWeekProducts.count)
}

@Test(arguments: Backend.available)
func weekArrivingOutOfOrderGivesTheBatchProductsEachOnce(_ backend: Backend) async throws {
    let ws = try Workspace()
    let (batchCatalog, _, _) = try await batch(backend, ws, maker: FakeProductMaker(), productsFolder: "\(ws.root)/products-batch")
    let batchFiles = try productFiles(batchCatalog)

    let maker = FakeProductMaker()
    let catalog = try CatalogLocation.open(try backend.freshLocation(in: "\(ws.root)/products"))
    let pipeline = Pipeline(maker: maker, catalog: catalog, settings: PipelineSettings(productsRoot: ws.products))
    let watcher = InboxWatcher(inbox: ws.inbox, pipeline: pipeline, settleSeconds: 0, missionStart: weekStart)
    // A fixed shuffle: late days first, instruments interleaved, one file per poll.
    var arrivals = instruments.flatMap { i in week.map { (i, $0) } }
    var rng = SplitMix(seed: 7)
    arrivals.shuffle(using: &rng)
    for (i, d) in arrivals {
        try FileManager.default.copyItem(atPath: "\(ws.l0)/\(FakeLevel0.name(i, d))", toPath: "\(ws.inbox)/\(FakeLevel0.name(i, d))")
        let r = try await watcher.poll()
        #expect(r.failed.isEmpty)
    }
    #expect(try await watcher.poll().made.isEmpty)
    let files = try productFiles(catalog)
    #expect(Set(files.keys) == expectedWeekProducts)
    for (key, versions) in files {
        #expect(versions.count == 1, "\(key) made \(versions.count) times")
        #expect(versions.map(\.name) == batchFiles[key]?.map(\.name), "\(key)")
        #expect(versions.map(\.checksum) == batchFiles[key]?.map(\.checksum), "\(key) differs from the batch product")
    }
    #expect(maker.callCounts.count == expectedWeekProducts.count)
    #expect(maker.callCounts.values.allSatisfy { $0 == 1 })
}

@Test(arguments: Backend.available)
func changedCalibrationMakesNewVersionsOfExactlyTheAffectedProducts(_ backend: Backend) async throws {
    let ws = try Workspace()
    let (catalog, _, _) = try await batch(backend, ws, maker: FakeProductMaker())
    let before = try productFiles(catalog)
    // The mag calibration table shapes mag_l1b_cal (and, through its content, everything downstream).
    let recalibrated = FakeProductMaker(digests: ["mag_l1b_cal": "digest-mag_l1b_cal-new-offsets"])
    let pipeline = Pipeline(maker: recalibrated, catalog: catalog, settings: PipelineSettings(productsRoot: ws.products))
    let report = await pipeline.run(pipeline.plan(from: week.first!, to: week.last!))
    var expected = Set<String>()
    for d in week { for p in ["mag_l1b_cal", "mag_l2_phys", "mag_l3_1min", "sw_l3_joined"] { expected.insert("\(p) \(d)") } }
    #expect(Set(report.made.map(\.description)) == expected)
    #expect(report.outcomes.values.allSatisfy { $0 == .made(version: 2) || $0 == .upToDate(version: 1) || { if case .notReady = $0 { return true }; return false }($0) })
    let after = try productFiles(catalog)
    for (key, versions) in after {
        if expected.contains(key) {
            #expect(versions.map(\.version).sorted() == [1, 2], "\(key)")
            // The old version is kept, on disk and in the catalog.
            #expect(versions.contains { $0.version == 1 && $0.checksum == before[key]![0].checksum })
        } else {
            #expect(versions.map(\.version) == [1], "\(key)")
        }
    }
    for f in try catalog.allFiles() { #expect(FileManager.default.fileExists(atPath: f.path)) }
    // --only-missing: a new day arrives and the calibration changes again; only the new day is made.
    try FakeLevel0.write("mag", week[6].adding(days: 1), into: ws.l0)
    try Level0Index(catalog: catalog).indexFolder(ws.l0)
    let again = Pipeline(maker: FakeProductMaker(digests: ["mag_l1b_cal": "third"]), catalog: catalog, settings: PipelineSettings(productsRoot: ws.products))
    let missing = await again.run(again.plan(from: week.first!, to: week.last!.adding(days: 1)), onlyMissing: true)
    #expect(Set(missing.made.map(\.description)) == Set(["mag_l1a_raw", "mag_l1b_cal", "mag_l2_phys", "mag_l3_1min"].map { "\($0) \(week[6].adding(days: 1))" }))
}

@Test(arguments: Backend.available)
func aFailedJobIsRecordedAndTheWatcherKeepsGoing(_ backend: Backend) async throws {
    let ws = try Workspace()
    let bad = JobKey(ProductID("spec_l2_phys")!, week[3])
    let maker = FakeProductMaker(failing: [bad])
    let catalog = try CatalogLocation.open(try backend.freshLocation(in: ws.root))
    let pipeline = Pipeline(maker: maker, catalog: catalog, settings: PipelineSettings(productsRoot: ws.products))
    let watcher = InboxWatcher(inbox: ws.inbox, pipeline: pipeline, settleSeconds: 0, missionStart: weekStart)
    for d in week { for i in instruments { try FakeLevel0.write(i, d, into: ws.inbox) } }
    let report = try await watcher.poll()
    #expect(report.failed == [bad])
    let job = try catalog.jobs(product: bad.product, day: bad.day)
    #expect(job.count == 1 && job[0].state == .failed && job[0].error == "injected failure of spec_l2_phys 2026-03-04")
    // Downstream of the failure waits; everything else was made.
    let files = try productFiles(catalog)
    let blocked: Set<String> = ["spec_l2_phys \(week[3])", "spec_l3_1min \(week[3])", "sw_l3_joined \(week[3])"]
    #expect(Set(files.keys) == expectedWeekProducts.subtracting(blocked))
    let status = try StatusReport(catalog: catalog)
    #expect(status.cells.first { $0.product == "spec_l2_phys" && $0.day == week[3].description }?.state == "failed")
    #expect(status.table().contains("failed spec_l2_phys 2026-03-04: injected failure"))
    // Fixed: a reprocess makes the failed job and its downstream, nothing else.
    let fixed = Pipeline(maker: FakeProductMaker(), catalog: catalog, settings: PipelineSettings(productsRoot: ws.products))
    let rerun = await fixed.run(fixed.plan(from: week.first!, to: week.last!))
    #expect(Set(rerun.made.map(\.description)) == blocked)
}

@Test(arguments: Backend.available)
func twoWatchersOnOneCatalogNeverRunTheSameJobTwice(_ backend: Backend) async throws {
    let ws = try Workspace()
    let location = try backend.freshLocation(in: ws.root)
    let maker = FakeProductMaker(sleepMs: 3)
    func watcher() throws -> InboxWatcher {
        InboxWatcher(inbox: ws.inbox, pipeline: Pipeline(maker: maker, catalog: try CatalogLocation.open(location),
                                                         settings: PipelineSettings(productsRoot: ws.products)),
                     settleSeconds: 0, missionStart: weekStart)
    }
    let a = try watcher(), b = try watcher()
    for d in week { for i in instruments { try FakeLevel0.write(i, d, into: ws.inbox) } }
    // Both see all files at once and race for the same jobs; one poll each makes everything.
    async let ra = a.poll()
    async let rb = b.poll()
    let (reportA, reportB) = try await (ra, rb)
    let made = reportA.made + reportB.made
    #expect(reportA.busy == 0 && reportB.busy == 0)
    let catalog = try CatalogLocation.open(location)
    #expect(made.count == Set(made).count, "a job was made twice")
    #expect(Set(made.map(\.description)) == expectedWeekProducts)
    #expect(maker.callCounts.count == expectedWeekProducts.count)
    #expect(maker.callCounts.values.allSatisfy { $0 == 1 }, "\(maker.callCounts.filter { $0.value > 1 })")
    #expect(try catalog.jobs().allSatisfy { $0.state == .done && $0.version == 1 && $0.attempts == 1 })
}

/// A deterministic generator for the arrival order.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
