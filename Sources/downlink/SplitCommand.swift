import ArgumentParser
import Foundation
import SpacePackets

struct SplitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Write the packets of each APID to a file of their own, byte-identical, in input order.",
        discussion: "Outputs are named <prefix>_apid<APID>.pkts; all appear together or none does. Idle packets and junk are not written."
    )

    @Argument(help: "Level-0 files of CCSDS space packets.")
    var files: [String]

    @Option(name: .shortAndLong, help: "Folder for the per-APID files (created if missing).")
    var output: String

    @Option(name: .long, help: "File name prefix (default: the first input's name without extension).")
    var prefix: String?

    @OptionGroup var scanOptions: ScanOptions

    @Flag(name: .long, help: "Print the outputs as JSON.")
    var json = false

    @Flag(name: .long, help: "Exit with status 3 when any anomaly is found (outputs are still written).")
    var strict = false

    @Flag(name: .long, help: "Print one JSON line of timings on standard error (scan and split wall and CPU seconds, and the CPU the process had used before the command began).")
    var timing = false

    func run() async throws {
        let stopwatch = StageStopwatch()
        let scanned = try await scanOptions.scan(files)
        let scan = stopwatch.lap()
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw SpacePacketError.cannotWrite(path: output, reason: "cannot create folder")
        }
        let stem = prefix ?? URL(fileURLWithPath: files[0]).deletingPathExtension().lastPathComponent
        let outputs = try PacketSplitter.split(scanned, into: output, prefix: stem)
        if timing {
            let split = stopwatch.lap()
            stopwatch.report(["scan": scan, "split": split], bytes: scanned.reduce(0) { $0 + $1.index.fileSize },
                             packets: outputs.reduce(0) { $0 + $1.packets })
        }
        let anomalies = AnomalyList(concatenating: scanned.map(\.index.anomalies))
        if json {
            let rows = outputs.map { ["apid": "\($0.apid)", "path": $0.path, "packets": "\($0.packets)", "bytes": "\($0.bytes)"] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            FileHandle.standardOutput.write(try encoder.encode(["outputs": rows]))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            for o in outputs { print("\(o.path): APID \(o.apid), \(o.packets) packets, \(o.bytes) bytes") }
        }
        if !anomalies.isEmpty {
            for anomaly in anomalies.prefix(20) { FileHandle.standardError.write(Data("warning: \(anomaly)\n".utf8)) }
            if anomalies.count > 20 { FileHandle.standardError.write(Data("warning: ... \(anomalies.count - 20) more anomalies\n".utf8)) }
            if strict { throw ExitCode(3) }
        }
    }
}
