import ArgumentParser
import Foundation
import Pipeline
import Products

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch an inbox for L0 files: index each complete arrival and make what became complete.",
        discussion: """
            A file counts when it was moved in (its modification time is older than --settle seconds) or \
            its size stayed the same for one poll. Products are made one job at a time per instrument \
            and in parallel across instruments; several watchers may share one catalog (each job runs \
            once). A failed job is recorded with its error and watching goes on. Soft inputs of days \
            from --since (default: the first L0 day in the catalog) are waited for, so that files \
            arriving out of order make each product once.
            """
    )

    @Option(name: .long, help: "Mission folder (mission.yaml).")
    var mission: String

    @Argument(help: "The inbox folder.")
    var inbox: String

    @Option(name: .long, help: "Seconds between polls.")
    var interval: Double = 2

    @Option(name: .long, help: "A file whose modification time is this many seconds old counts as complete at once.")
    var settle: Double = 2

    @Option(name: .long, help: "The mission's first day (YYYY-MM-DD): soft inputs from it on are waited for.")
    var since: String?

    @Flag(name: .long, help: "Poll once (index and make what is there), then exit.")
    var once = false

    @Flag(name: .long, help: "Also list jobs that were up to date or not ready.")
    var verbose = false

    @OptionGroup var locations: PipelineLocations

    func run() async throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: inbox, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("\(inbox): not a folder")
        }
        let start: MissionDay?
        if let since {
            guard let d = MissionDay(since) else { throw ValidationError("--since must be a day YYYY-MM-DD") }
            start = d
        } else { start = nil }
        let maker = try loadProductMaker(missionDirectory: mission)
        let pipeline = Pipeline(maker: maker, catalog: try locations.openCatalog(), settings: PipelineSettings(productsRoot: locations.products))
        let watcher = InboxWatcher(inbox: inbox, pipeline: pipeline, settleSeconds: settle, missionStart: start)
        let printer = jobPrinter(verbose: verbose)
        var rejectedShown = Set<String>()
        repeat {
            let report = try await watcher.poll(progress: printer)
            for (path, why) in watcher.rejected where rejectedShown.insert(path).inserted {
                FileHandle.standardError.write(Data("watch: ignoring \(path): \(why)\n".utf8))
            }
            if !report.outcomes.isEmpty { print("watch: \(report.summary)") }
            if once { break }
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        } while !Task.isCancelled
    }
}
