import CDF
import DemoMission
import Foundation
import Pipeline
import Products
import ReferenceFixtures
import Testing

/// The pipeline over the real product engine and the demo mission (testdata/missions/demo, a copy per
/// test so that the calibration can be edited): a week of generated L0 arriving out of order at a
/// watcher gives the products a batch run gives, each once; a changed mag calibration makes version 2
/// of exactly the products downstream of it, with B shifted by the change of offset.
@Test func demoWeekOutOfOrderEqualsBatchAndACalibrationChangeVersionsExactlyItsProducts() async throws {
    let root = try Fixtures.temporaryDirectory().path
    let fm = FileManager.default
    let mission = root + "/mission", l0 = root + "/l0", inbox = root + "/inbox"
    try fm.copyItem(atPath: Fixtures.root.appendingPathComponent("testdata/missions/demo").path, toPath: mission)
    for f in [l0, inbox] { try fm.createDirectory(atPath: f, withIntermediateDirectories: true) }
    let start = DemoDate(year: 2026, month: 3, day: 1)!
    let days = (0..<7).map { MissionDay(year: 2026, month: 3, day: 1 + $0)! }
    _ = try await DemoDay.write(days: (0..<7).map { start.adding(days: $0) }, into: l0,
                                options: DemoOptions(bytesPerDay: 1_300_000, faults: .none))
    func maker() throws -> MissionProcessor { MissionProcessor(mission: try Mission.load(directory: mission, library: .standard)) }
    let products = Set(try maker().nodes.map(\.id))

    // Batch.
    let batchCatalog = try Catalog.sqlite(path: root + "/batch.sqlite")
    try Level0Index(catalog: batchCatalog).indexFolder(l0)
    let batch = Pipeline(maker: try maker(), catalog: batchCatalog, settings: PipelineSettings(productsRoot: root + "/batch"))
    let batchReport = await batch.run(batch.plan(from: days.first!, to: days.last!))
    #expect(batchReport.failed.isEmpty, "\(batchReport.outcomes.filter { if case .failed = $0.value { return true }; return false })")
    #expect(Set(batchReport.made.map(\.product)) == products)
    #expect(batchReport.made.count == products.count * days.count)

    // Watch: one file per poll, a fixed shuffle.
    let watchCatalog = try Catalog.sqlite(path: root + "/watch.sqlite")
    let watcher = InboxWatcher(inbox: inbox, pipeline: Pipeline(maker: try maker(), catalog: watchCatalog,
                                                                settings: PipelineSettings(productsRoot: root + "/watch")),
                               settleSeconds: 0, missionStart: days.first!)
    var names = try fm.contentsOfDirectory(atPath: l0).filter { $0.hasSuffix(".pkts") }.sorted()
    var rng = SplitMix(seed: 11)
    names.shuffle(using: &rng)
    var watchMade: [JobKey] = []
    for name in names {
        try fm.copyItem(atPath: "\(l0)/\(name)", toPath: "\(inbox)/\(name)")
        let r = try await watcher.poll()
        #expect(r.failed.isEmpty)
        watchMade += r.made
    }
    #expect(watchMade.count == Set(watchMade).count, "a product was made twice")
    #expect(Set(watchMade) == Set(batchReport.made))
    func fileNames(_ c: Catalog) throws -> [String] {
        try c.allFiles().filter { $0.level != "l0" }.map { ($0.path as NSString).lastPathComponent }.sorted()
    }
    #expect(try fileNames(watchCatalog) == fileNames(batchCatalog))
    #expect(try watchCatalog.jobs().allSatisfy { $0.state == .done && $0.version == 1 && $0.attempts == 1 })

    // A changed calibration: mag x offset 0.412 nT -> 1.25 nT.
    let table = mission + "/calibration/mag_calibration.csv"
    let text = try String(contentsOfFile: table, encoding: .utf8)
    #expect(text.contains("\nx,0.412\n"))
    try text.replacingOccurrences(of: "\nx,0.412\n", with: "\nx,1.25\n").write(toFile: table, atomically: true, encoding: .utf8)
    let recalibrated = Pipeline(maker: try maker(), catalog: batchCatalog, settings: PipelineSettings(productsRoot: root + "/batch"))
    let report = await recalibrated.run(recalibrated.plan(from: days.first!, to: days.last!))
    let affected: Set<String> = ["mag_l1b_norm", "mag_l2_norm", "mag_l3_1min", "sw_l3_joined"]
    #expect(Set(report.made.map(\.product.description)) == affected)
    #expect(report.made.count == affected.count * days.count)
    #expect(report.made.allSatisfy { report.outcomes[$0] == .made(version: 2) })
    // B x of mag_l2_norm: version 2 = version 1 - (1.25 - 0.412); y and z unchanged.
    func bx(_ version: Int) throws -> [Double] {
        let f = try #require(try batchCatalog.allFiles().first {
            $0.product?.description == "mag_l2_norm" && $0.day == days[3] && $0.version == version && $0.path.hasSuffix(".cdf")
        })
        let b = try CDFReader(path: f.path).dataset()["B"]!.column.values(as: Double.self)
        return stride(from: 0, to: b.count, by: 3).map { b[$0] }
    }
    let v1 = try bx(1), v2 = try bx(2)
    #expect(v1.count == v2.count && !v1.isEmpty)
    #expect(zip(v1, v2).allSatisfy { abs(($0 - $1) - (1.25 - 0.412)) < 1e-9 })
}
