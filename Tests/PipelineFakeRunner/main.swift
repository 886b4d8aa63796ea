// A process around the pipeline with the fake product maker: what the kill/resume test starts and
// kills with SIGKILL, and the planning/catalog benchmark (tools/pipeline-benchmark).
//   pipeline-fake-runner reprocess CATALOG L0DIR PRODUCTS FROM TO SLEEP_MS [HANG_AFTER]
//   pipeline-fake-runner bench CATALOG PRODUCTS INSTRUMENTS DAYS
//   pipeline-fake-runner watch CATALOG INBOX PRODUCTS SINCE SLEEP_MS POLLS   (prints "MADE <product> <day>")
import CatalogPostgreSQL
import Foundation
import Pipeline
import PipelineTestSupport
import Products

let args = CommandLine.arguments
func fail(_ m: String) -> Never { FileHandle.standardError.write(Data("pipeline-fake-runner: \(m)\n".utf8)); exit(2) }

switch args.count > 1 ? args[1] : "" {
case "reprocess" where args.count == 8 || args.count == 9:
    guard let from = MissionDay(args[5]), let to = MissionDay(args[6]), let sleep = Int(args[7]) else { fail("bad days or sleep") }
    let catalog = try CatalogLocation.open(args[2])
    try Level0Index(catalog: catalog).indexFolder(args[3])
    let maker = FakeProductMaker(sleepMs: sleep, hangAfter: args.count == 9 ? Int(args[8]) : nil)
    let pipeline = Pipeline(maker: maker, catalog: catalog, settings: PipelineSettings(productsRoot: args[4]))
    let report = await pipeline.run(pipeline.plan(from: from, to: to)) { key, outcome in print("\(key): \(outcome)") }
    print(report.summary)

case "watch" where args.count == 8:
    guard let since = MissionDay(args[5]), let sleep = Int(args[6]), let polls = Int(args[7]) else { fail("bad day or numbers") }
    let pipeline = Pipeline(maker: FakeProductMaker(sleepMs: sleep), catalog: try CatalogLocation.open(args[2]),
                            settings: PipelineSettings(productsRoot: args[4]))
    let watcher = InboxWatcher(inbox: args[3], pipeline: pipeline, settleSeconds: 0, missionStart: since)
    for _ in 0..<polls {
        let report = try await watcher.poll()
        for key in report.made { print("MADE \(key.product) \(key.day)") }
        try await Task.sleep(nanoseconds: 50_000_000)
    }

case "bench" where args.count == 6:
    guard let instruments = Int(args[4]), let days = Int(args[5]) else { fail("bad numbers") }
    let catalog = try CatalogLocation.open(args[2])
    let names = (0..<instruments).map { "i\($0)" }
    let maker = FakeProductMaker(instruments: names, levels: 1, readsInputs: false)
    let start = MissionDay(year: 2026, month: 1, day: 1)!, end = start.adding(days: days - 1)
    let clock = ContinuousClock()
    func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15 }
    let indexTime = try clock.measure {
        for day in 0..<days {
            let d = start.adding(days: day)
            for i in names {
                try catalog.registerLevel0(path: "/l0/\(FakeLevel0.name(i, d))", instrument: i, day: d, size: 1000,
                                           checksum: SHA256.hex("\(i)\(d)"), mtime: 0)
            }
        }
    }
    let pipeline = Pipeline(maker: maker, catalog: catalog, settings: PipelineSettings(productsRoot: args[3]))
    var planned = 0
    let planTime = clock.measure { planned = pipeline.plan(from: start, to: end).count }
    var report = RunReport()
    let firstTime = await clock.measure { report = await pipeline.run(pipeline.plan(from: start, to: end)) }
    guard report.made.count == planned else { fail("made \(report.made.count) of \(planned): \(report.summary)") }
    var again = RunReport()
    let secondTime = await clock.measure { again = await pipeline.run(pipeline.plan(from: start, to: end)) }
    guard again.upToDate == planned else { fail("rerun: \(again.summary)") }
    let jobs = Double(planned)
    let overhead = (report.jobSeconds - report.makeSeconds) * 1e3 / jobs
    print("catalog: \(catalog.dialect.name); \(instruments) instruments x \(days) days = \(planned) jobs (instrument-days)")
    print(String(format: "index L0 rows:                    %8.3f ms per file", ms(indexTime) / jobs))
    print(String(format: "plan (graph, job set):            %8.4f ms per job", ms(planTime) / jobs))
    print(String(format: "first run: %.1f s wall for %d jobs (%d lanes in parallel): %.3f ms per job wall, everything included", ms(firstTime) / 1e3, planned, instruments, ms(firstTime) / jobs))
    print(String(format: "  per job, summed over lanes (includes waiting for CPU and the catalog lock): %.3f ms in the job, of which %.3f ms in the maker (fake: writes a ~100-byte file, no fsync), %.3f ms pipeline + catalog (inputs, hash, claim, move, checksum, register)", report.jobSeconds * 1e3 / jobs, report.makeSeconds * 1e3 / jobs, overhead))
    print(String(format: "rerun, nothing changed (planning only: inputs from the catalog, input hash, compare): %8.3f ms per job wall, %.1f s total; %.3f ms per job summed over lanes", ms(secondTime) / jobs, ms(secondTime) / 1e3, again.jobSeconds * 1e3 / jobs))

default:
    fail("usage: reprocess CATALOG L0DIR PRODUCTS FROM TO SLEEP_MS | bench CATALOG PRODUCTS INSTRUMENTS DAYS | watch CATALOG INBOX PRODUCTS SINCE SLEEP_MS POLLS")
}
