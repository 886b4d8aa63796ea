import ArgumentParser
import Foundation
import Pipeline
import Products

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Days x products from the catalog: the newest version of each and the state of its newest job.",
        discussion: "Cells: v2 (version 2 made), v1+running, FAILED (with the errors listed below the table), - (no job)."
    )

    @Option(name: .long, help: "First day (YYYY-MM-DD).")
    var from: String?

    @Option(name: .long, help: "Last day (YYYY-MM-DD).")
    var to: String?

    @Flag(name: .long, help: "JSON: one object per product and day (product, day, state, version, error).")
    var json = false

    @OptionGroup var locations: PipelineLocations

    func run() async throws {
        let first = try from.map { try day($0) }, last = try to.map { try day($0) }
        let report = try StatusReport(catalog: locations.openCatalog(), from: first, to: last)
        print(json ? try report.json() : report.table(), terminator: json ? "\n" : "")
    }

    private func day(_ text: String) throws -> MissionDay {
        guard let d = MissionDay(text) else { throw ValidationError("\(text): not a day YYYY-MM-DD") }
        return d
    }
}
