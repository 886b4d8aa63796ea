import ArgumentParser
import CatalogPostgreSQL
import Foundation
import Pipeline
import Products

/// Options every pipeline command shares: where the catalog and the products are.
struct PipelineLocations: ParsableArguments {
    @Option(name: .long, help: "The catalog: a SQLite file (created when absent) or a PostgreSQL connection string (postgresql://user@host:port/db).")
    var catalog = "downlink-catalog.sqlite"

    @Option(name: .long, help: "Folder the products are written to (<instrument>/<level>/<YYYY>/).")
    var products = "products"

    func openCatalog() throws -> Catalog {
        do { return try CatalogLocation.open(catalog) } catch { throw PipelineFailure("cannot open the catalog: \(error)") }
    }
}

struct PipelineFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// The product maker of a mission folder: the Products engine over the mission loaded as
/// `downlink process` loads it (standard steps plus MissionIMAP's).
func loadProductMaker(missionDirectory: String) throws -> any ProductMaker {
    do { return MissionProcessor(mission: try MissionLibrary.load(directory: missionDirectory)) } catch {
        throw PipelineFailure("\(error)")
    }
}

/// Prints one line per job as it finishes (made, failed; with --verbose also up to date and not ready).
func jobPrinter(verbose: Bool) -> @Sendable (JobKey, JobOutcome) -> Void {
    { key, outcome in
        switch outcome {
        case .made, .failed, .busy: break
        case .upToDate, .notReady: if !verbose { return }
        }
        FileHandle.standardOutput.write(Data("\(key.day) \(key.product): \(outcome)\n".utf8))
    }
}

struct ReprocessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprocess",
        abstract: "Make every product affected on the given days, in dependency order, as parallel as the graph allows.",
        discussion: """
            Plans the products of the mission (filtered by --instrument and --level) for the days \
            --from...--to and everything downstream of them, then runs each job whose required inputs \
            are in the catalog: one job at a time per instrument, instruments in parallel. A product gets \
            a new version only when its inputs, its configuration or the software changed. Interrupted \
            runs resume: run the same command again. Exit status 0 when no job failed, 4 when one did.
            """
    )

    @Option(name: .long, help: "Mission folder (mission.yaml).")
    var mission: String

    @Option(name: .long, help: "First day (YYYY-MM-DD).")
    var from: String

    @Option(name: .long, help: "Last day (YYYY-MM-DD).")
    var to: String

    @Option(name: .long, help: "Only this instrument's products (and what depends on them).")
    var instrument: String?

    @Option(name: .long, help: "Only products of this level: l1a, l1b, l2, l3 (and what depends on them).")
    var level: String?

    @Option(name: .long, help: "Index the L0 files of this folder first (repeat for several).")
    var l0: [String] = []

    @Flag(name: .long, help: "Make only products that have no version yet.")
    var onlyMissing = false

    @Flag(name: .long, help: "Also list jobs that were up to date or not ready.")
    var verbose = false

    @OptionGroup var locations: PipelineLocations

    func run() async throws {
        guard let first = MissionDay(from), let last = MissionDay(to), first <= last else {
            throw ValidationError("--from and --to must be days YYYY-MM-DD with --from <= --to")
        }
        let productLevel: ProductLevel?
        if let level {
            guard let l = ProductLevel(rawValue: level) else { throw ValidationError("--level must be one of l1a, l1b, l2, l3") }
            productLevel = l
        } else { productLevel = nil }
        let maker = try loadProductMaker(missionDirectory: mission)
        let catalog = try locations.openCatalog()
        for folder in l0 {
            do { try Level0Index(catalog: catalog).indexFolder(folder) } catch { throw PipelineFailure("cannot index \(folder): \(error)") }
        }
        let pipeline = Pipeline(maker: maker, catalog: catalog, settings: PipelineSettings(productsRoot: locations.products))
        if let instrument, !pipeline.graph.nodes.contains(where: { $0.id.instrument == instrument }) {
            throw ValidationError("mission \(maker.missionName) has no instrument \(instrument)")
        }
        let jobs = pipeline.plan(from: first, to: last, instrument: instrument, level: productLevel)
        let report = await pipeline.run(jobs, onlyMissing: onlyMissing, progress: jobPrinter(verbose: verbose))
        print("reprocess \(first)...\(last): \(jobs.count) jobs planned; \(report.summary)")
        if !report.failed.isEmpty { throw ExitCode(4) }
    }
}
