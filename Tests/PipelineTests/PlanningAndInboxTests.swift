import Foundation
import Pipeline
import PipelineTestSupport
import Products
import Testing

@Test func reprocessPlanHasTheFilteredProductsAndEverythingDownstreamWithWindows() {
    let maker = FakeProductMaker()
    let pipeline = Pipeline(maker: maker, catalog: try! Catalog.sqlite(path: ":memory:"), settings: PipelineSettings(productsRoot: "/unused"))
    let d = weekStart
    let plan = Set(pipeline.plan(from: d, to: d.adding(days: 1), instrument: "hk", level: .l1b).map(\.description))
    // hk_l1b_eng on the two days; the 7-day L3 reads each of them on its own day and the 6 days after.
    var expected: Set<String> = ["hk_l1b_eng \(d)", "hk_l1b_eng \(d.adding(days: 1))"]
    for k in 0...7 { expected.insert("hk_l3_7day \(d.adding(days: k))") }
    #expect(plan == expected)

    let mag = Set(pipeline.plan(from: d, to: d, instrument: "mag", level: .l2).map(\.description))
    #expect(mag == ["mag_l2_phys \(d)", "mag_l3_1min \(d)", "sw_l3_joined \(d)"])
    // An arrived spec L0 file affects the spec chain and the joined product of its day.
    let spec = Set(pipeline.graph.affected(byLevel0: "spec", day: d).map(\.description))
    #expect(spec == Set(["spec_l1a_raw", "spec_l1b_cal", "spec_l2_phys", "spec_l3_1min", "sw_l3_joined"].map { "\($0) \(d)" }))
}

@Test func theInboxCountsMovedInFilesAtOnceAndWrittenFilesWhenTheirSizeIsStable() async throws {
    let ws = try Workspace()
    let catalog = try Catalog.sqlite(path: "\(ws.root)/catalog.sqlite")
    let pipeline = Pipeline(maker: FakeProductMaker(instruments: ["mag"]), catalog: catalog, settings: PipelineSettings(productsRoot: ws.products))
    let watcher = InboxWatcher(inbox: ws.inbox, pipeline: pipeline, settleSeconds: 3600, missionStart: weekStart)
    let fm = FileManager.default
    // Moved in: written elsewhere an hour ago, then renamed into the inbox.
    let moved = try FakeLevel0.write("mag", week[0], into: ws.l0)
    try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: moved)
    try fm.moveItem(atPath: moved, toPath: "\(ws.inbox)/\(FakeLevel0.name("mag", week[0]))")
    // Being written: fresh, and growing between polls.
    let growing = "\(ws.inbox)/\(FakeLevel0.name("mag", week[1]))"
    try Data("part".utf8).write(to: URL(fileURLWithPath: growing))
    try Data("not L0".utf8).write(to: URL(fileURLWithPath: "\(ws.inbox)/notes.txt"))

    let first = try await watcher.poll()
    #expect(Set(first.made.map(\.description)) == Set(["mag_l1a_raw", "mag_l1b_cal", "mag_l2_phys", "mag_l3_1min"].map { "\($0) \(week[0])" }))
    #expect(try catalog.level0(instrument: "mag", day: week[1]).isEmpty)
    #expect(watcher.rejected["\(ws.inbox)/notes.txt"] == "not an L0 file name")

    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: growing))
    try handle.seekToEnd(); try handle.write(contentsOf: Data(" more".utf8)); try handle.close()
    #expect(try await watcher.poll().made.isEmpty)
    #expect(try catalog.level0(instrument: "mag", day: week[1]).isEmpty)
    // Unchanged since the last poll: complete.
    let third = try await watcher.poll()
    #expect(third.made.count == 4)
    let indexed = try catalog.level0(instrument: "mag", day: week[1])
    #expect(indexed.count == 1 && indexed[0].size == 9 && indexed[0].checksum == SHA256.hex("part more"))
}
