import ArgumentParser
import Decom
import Foundation
import PacketDefinitions
import SpacePackets

struct DecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode packets with XTCE or CSV definitions and print the values (CSV or JSON).",
        discussion: """
            One section (CSV) or object (JSON) per container: the primary header fields (ccsds_*), \
            file_offset and file_index, then one column per parameter (raw values). --calibrated adds \
            NAME.eng (engineering values) and NAME.label (enumeration and boolean labels). Packets not \
            decoded (unknown APIDs, no matching container, too short) are summarised on standard error \
            and listed in the JSON. Exit status: 0 when decoded, 1 when a file or the definitions cannot \
            be read or understood, 3 with --strict when a packet could not be decoded.
            """
    )

    @Argument(help: "Level-0 files of CCSDS space packets.")
    var files: [String]

    @Option(name: .long, help: "Packet definitions: XTCE (.xml) or CCSDSPy-style CSV (.csv).")
    var definitions: String

    @Option(name: .long, help: "Only this APID (repeat for several).")
    var apid: [UInt16] = []

    @Option(name: .long, help: "APID of the packets a CSV definition describes (CSV definitions only).")
    var csvApid: Int?

    @Flag(name: .long, help: "Add engineering values and labels.")
    var calibrated = false

    @Option(name: .long, help: "Output format: csv or json.")
    var format: TextExport.Format = .csv

    @Option(name: [.short, .long], help: "Write to this file instead of standard output.")
    var output: String?

    @Flag(name: .long, help: "Exit with status 3 when any packet could not be decoded.")
    var strict = false

    @OptionGroup var scanOptions: ScanOptions

    func run() async throws {
        let set: DefinitionSet
        do { set = try DefinitionSet.load(contentsOf: definitions, csvAPID: csvApid) } catch {
            throw DecodeFailure("cannot use definitions: \(error.description)")
        }
        let decoder = try Decoder(definitions: set, options: DecodeOptions(calibrated: calibrated, labels: calibrated))
        for problem in decoder.compileProblems {
            FileHandle.standardError.write(Data("warning: container not decoded: \(problem)\n".utf8))
        }
        let scanned = try await scanOptions.scan(files)
        let result = try await decoder.decode(scanned, apids: apid.isEmpty ? nil : Set(apid))

        let sink: FileHandle
        var temporary: String? = nil
        if let output {
            temporary = output + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
            guard FileManager.default.createFile(atPath: temporary!, contents: nil), let h = FileHandle(forWritingAtPath: temporary!) else {
                throw DecodeFailure("cannot write \(output)")
            }
            sink = h
        } else {
            sink = FileHandle.standardOutput
        }
        var export = TextExport(format: format) { sink.write(Data($0.utf8)) }
        export.export(result)
        if let output, let temporary {
            try sink.close()
            _ = try? FileManager.default.removeItem(atPath: output)
            try FileManager.default.moveItem(atPath: temporary, toPath: output)
        }

        var summary = "decoded \(result.decodedPackets) packets into \(result.containers.count) containers"
        if result.undecodedPackets > 0 { summary += "; \(result.undecodedPackets) packets not decoded" }
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        for u in result.undecoded {
            FileHandle.standardError.write(Data(
                "  APID \(u.apid): \(u.count) packets: \(u.reason) (first at \(u.firstFile) offset \(u.firstOffset))\n".utf8))
        }
        for f in result.findings.prefix(20) { FileHandle.standardError.write(Data("warning: \(f)\n".utf8)) }
        if result.findings.count > 20 {
            FileHandle.standardError.write(Data("warning: ... \(result.findings.count - 20 + result.findingsOmitted) more findings\n".utf8))
        }
        if strict && (result.undecodedPackets > 0 || !result.findings.isEmpty) { throw ExitCode(3) }
    }
}

/// A decode error reported as `Error: message` with exit status 1.
struct DecodeFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

extension TextExport.Format: ExpressibleByArgument {}
