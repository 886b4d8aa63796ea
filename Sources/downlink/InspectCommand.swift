import ArgumentParser
import Foundation
import SpacePackets

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Scan Level-0 files: packets per APID, lengths, sequence gaps, anomalies, time range.",
        discussion: """
            Exit status: 0 when the files were read (anomalies are warnings), 1 when a file cannot be \
            read, 3 with --strict when any anomaly was found.
            """
    )

    @Argument(help: "Level-0 files of CCSDS space packets.")
    var files: [String]

    @OptionGroup var scanOptions: ScanOptions

    @Option(name: .long, help: "Time code in the secondary header: cuc:C.F or cds:D.S, then ,pfield ,offset=N ,epoch=YYYY-MM-DD (e.g. cuc:4.0,epoch=2010-01-01).")
    var timeCode: String?

    @Flag(name: .long, help: "Print one JSON object on standard output.")
    var json = false

    @Flag(name: .long, help: "Exit with status 3 when any anomaly is found.")
    var strict = false

    @Option(name: .long, help: "Anomalies listed in the table (all are in --json).")
    var showAnomalies = 20

    @Flag(name: .long, help: "Print one JSON line of timings on standard error (scan wall and CPU seconds, and the CPU the process had used before the command began).")
    var timing = false

    func run() async throws {
        let code: TimeCode?
        do { code = try timeCode.map { spec throws(SpacePacketError) in try TimeCode(parsing: spec) } } catch {
            throw ValidationError(error.description)
        }
        let stopwatch = StageStopwatch()
        let scanned = try await scanOptions.scan(files)
        let scan = stopwatch.lap()
        let summary = ScanSummary(scanned, timeCode: code)
        if timing { stopwatch.report(["scan": scan], bytes: scanned.reduce(0) { $0 + $1.index.fileSize }, packets: summary.packets) }
        if json {
            FileHandle.standardOutput.write(Data((summary.jsonText() + "\n").utf8))
        } else {
            print(InspectTable.render(summary, maximumAnomalies: showAnomalies), terminator: "")
        }
        if !summary.anomalies.isEmpty {
            if !json {
                FileHandle.standardError.write(Data("warning: \(summary.anomalies.count) anomalies\n".utf8))
            }
            if strict { throw ExitCode(3) }
        }
    }
}

/// The human-readable form of a `ScanSummary`.
enum InspectTable {
    static func render(_ summary: ScanSummary, maximumAnomalies: Int) -> String {
        var out = ""
        for file in summary.files {
            out += "\(file.file): \(group(file.bytes)) bytes, \(group(file.packets)) packets"
            if let version = file.packetVersion, version != 0 { out += " (packet version \(version), not 0)" }
            if file.packetVersion == nil { out += " (assorted packet versions)" }
            if file.idlePackets > 0 { out += ", \(group(file.idlePackets)) idle" }
            if file.skippedBytes > 0 { out += ", \(group(file.skippedBytes)) bytes skipped" }
            if file.truncatedBytes > 0 { out += ", \(group(file.truncatedBytes)) bytes truncated" }
            out += ", \(file.anomalies) anomalies\n"
        }
        let timed = summary.apids.contains { $0.firstTime != nil }
        var rows = [["APID", "packets", "logical", "bytes", "length", "gaps", "missing", "dups"] + (timed ? ["first time", "last time"] : [])]
        for a in summary.apids {
            let length = a.minimumLength == a.maximumLength ? "\(a.minimumLength)" : "\(a.minimumLength)-\(a.maximumLength)"
            var row = [String(a.apid), group(a.packets), group(a.logicalPackets), group(a.bytes), length,
                       String(a.gaps), group(a.missingPackets), String(a.duplicates)]
            if timed { row += [a.firstTime ?? "-", a.lastTime ?? "-"] }
            rows.append(row)
        }
        rows.append(["total", group(summary.packets), "", group(summary.apids.reduce(0) { $0 + $1.bytes }), "",
                     String(summary.apids.reduce(0) { $0 + $1.gaps }), group(summary.apids.reduce(0) { $0 + $1.missingPackets }),
                     String(summary.apids.reduce(0) { $0 + $1.duplicates })] + (timed ? ["", ""] : []))
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            out += row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column >= 8 ? cell + pad : pad + cell
            }.joined(separator: "  ") + "\n"
        }
        if !summary.anomalies.isEmpty {
            out += "\nanomalies (\(summary.anomalies.count)):\n"
            for anomaly in summary.anomalies.prefix(maximumAnomalies) { out += "  \(anomaly)\n" }
            if summary.anomalies.count > maximumAnomalies {
                out += "  ... \(summary.anomalies.count - maximumAnomalies) more (all with --json)\n"
            }
        }
        return out
    }

    static func group(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
