import CatalogPostgreSQL
import Foundation
import Pipeline
import PipelineTestSupport
import Products
import Testing

/// The built `pipeline-fake-runner` beside the test bundle.
let fakeRunner: String? = {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/" {
        let candidate = url.deletingLastPathComponent().appendingPathComponent("pipeline-fake-runner")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
        url = url.deletingLastPathComponent()
    }
    return nil
}()

/// A reprocess in its own process is killed with SIGKILL while jobs are running; a second run
/// resumes: every product exactly once, no partial file, no job left running, files on disk and in
/// the catalog the same.
@Test(.enabled(if: fakeRunner != nil, "pipeline-fake-runner not built"), arguments: Backend.available)
func reprocessKilledWithSIGKILLResumesToCompletion(_ backend: Backend) async throws {
    let ws = try Workspace()
    for i in instruments { for d in week { try FakeLevel0.write(i, d, into: ws.l0) } }
    let location = try backend.freshLocation(in: ws.root)
    let catalog = try CatalogLocation.open(location)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: fakeRunner!)
    process.arguments = ["reprocess", location, ws.l0, ws.products, week.first!.description, week.last!.description, "20", "30"]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // The runner's maker hangs after 30 calls, so it cannot finish: kill it once a good part is
    // done and jobs are in flight.
    while process.isRunning {
        let jobs = try catalog.jobs()
        if jobs.filter({ $0.state == .done }).count >= 25 && jobs.contains(where: { $0.state == .running }) { break }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    #expect(process.isRunning, "the runner finished before it could be killed")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
    let left = try catalog.jobs()
    let leftRunning = left.filter { $0.state == .running }
    let leftDone = Set(left.filter { $0.state == .done }.map { "\($0.product) \($0.day)" })
    #expect(!leftRunning.isEmpty && leftDone.count < expectedWeekProducts.count)
    #expect(leftRunning.allSatisfy { $0.pid == process.processIdentifier })

    let maker = FakeProductMaker()
    let pipeline = Pipeline(maker: maker, catalog: catalog, settings: PipelineSettings(productsRoot: ws.products))
    let report = await pipeline.run(pipeline.plan(from: week.first!, to: week.last!))
    #expect(report.failed.isEmpty)
    // Made now: exactly what the killed run had not finished.
    #expect(Set(report.made.map(\.description)) == expectedWeekProducts.subtracting(leftDone))
    #expect(maker.callCounts.keys.allSatisfy { !leftDone.contains($0.description) })

    let jobs = try catalog.jobs()
    #expect(jobs.allSatisfy { $0.state == .done && $0.version == 1 })
    #expect(Set(jobs.map { "\($0.product) \($0.day)" }) == expectedWeekProducts)
    #expect(jobs.count == expectedWeekProducts.count, "a product has two jobs")
    // The jobs the dead process held were taken over (a second attempt), not duplicated.
    let resumed = Set(leftRunning.map(\.id))
    #expect(jobs.filter { resumed.contains($0.id) }.allSatisfy { $0.attempts == 2 })
    let files = try productFiles(catalog)
    #expect(Set(files.keys) == expectedWeekProducts)
    #expect(files.values.allSatisfy { $0.count == 1 })
    // On disk: exactly the registered files, each with its recorded checksum; no temporary or staged file.
    let onDisk = filesUnder(ws.products).map { "\(ws.products)/\($0)" }
    let registered = try catalog.allFiles().filter { $0.level != "l0" }
    #expect(Set(onDisk) == Set(registered.map(\.path)))
    for f in registered { #expect(try SHA256.file(f.path) == f.checksum) }
    // Provenance: every product file's inputs are catalogued files, exactly the inputs its job recorded.
    let byJob = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0) })
    for f in registered {
        let inputs = try catalog.provenance(of: f.id).map(\.path)
        #expect(!inputs.isEmpty)
        #expect(Set(inputs) == Set(byJob[f.jobID!]!.inputs), "\(f.path)")
    }
}

/// Two watcher processes on one inbox and one catalog: every job is made by exactly one of them.
@Test(.enabled(if: fakeRunner != nil, "pipeline-fake-runner not built"), arguments: Backend.available)
func twoWatcherProcessesOnOneCatalogNeverRunTheSameJobTwice(_ backend: Backend) async throws {
    let ws = try Workspace()
    let location = try backend.freshLocation(in: ws.root)
    _ = try CatalogLocation.open(location)  // schema created before the race
    for d in week { for i in instruments { try FakeLevel0.write(i, d, into: ws.inbox) } }
    let watchers = try (0..<2).map { _ in
        let p = Process(), out = Pipe()
        p.executableURL = URL(fileURLWithPath: fakeRunner!)
        p.arguments = ["watch", location, ws.inbox, ws.products, weekStart.description, "5", "4"]
        p.standardOutput = out
        try p.run()
        return (p, out)
    }
    var made: [String] = []
    for (p, out) in watchers {
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        made += text.split(separator: "\n").filter { $0.hasPrefix("MADE ") }.map { String($0.dropFirst(5)) }
    }
    // A watcher that finds a job busy in the other waits for it and reads its product: the two
    // together made everything.
    let catalog = try CatalogLocation.open(location)
    #expect(made.count == Set(made).count, "made twice: \(Dictionary(grouping: made, by: { $0 }).filter { $0.value.count > 1 }.keys)")
    #expect(Set(made) == expectedWeekProducts)
    let jobs = try catalog.jobs()
    #expect(jobs.count == expectedWeekProducts.count && jobs.allSatisfy { $0.state == .done && $0.attempts == 1 })
    #expect(try productFiles(catalog).values.allSatisfy { $0.count == 1 })
}
