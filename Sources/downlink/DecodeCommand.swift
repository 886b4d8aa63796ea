import ArgumentParser
import Decom
import Foundation
import PacketDefinitions
import SpacePackets

struct DecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode packets with XTCE or CSV definitions: values as CSV or JSON, or product files (CDF, FITS, HDF5).",
        discussion: """
            One section (CSV) or object (JSON) per container: the primary header fields (ccsds_*), \
            file_offset and file_index, then one column per parameter (raw values). --calibrated adds \
            NAME.eng (engineering values) and NAME.label (enumeration and boolean labels). Packets not \
            decoded (unknown APIDs, no matching container, too short) are summarised on standard error \
            and listed in the JSON. Exit status: 0 when decoded, 1 when a file or the definitions cannot \
            be read or understood, 3 with --strict when a packet could not be decoded. With --format cdf, \
            fits or hdf5, --output names a folder that receives one file per container, <container>.<ext>.
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

    @Option(name: .long, help: "Where CSV definitions count bit_offset from: packet (the packet start) or after-header.")
    var csvOffsets: CSVOffsets = .packet

    @Option(name: .long, help: "Output format: csv, json, cdf, fits, hdf5, or none (decode only, e.g. with --timing).")
    var format: OutputFormat = .csv

    @Flag(name: .long, help: "Leave out the ccsds_*, file_offset and file_index columns.")
    var noHeaderColumns = false

    @Flag(name: .long, help: "Print one JSON line of timings, sizes and peak memory on standard error.")
    var timing = false

    @Option(name: .long, help: "Decode this many times (timings: the median).")
    var `repeat` = 1

    @Option(name: [.short, .long], help: "Write to this file instead of standard output (a folder for cdf, fits, hdf5).")
    var output: String?

    @Flag(name: .long, help: "Exit with status 3 when any packet could not be decoded.")
    var strict = false

    @OptionGroup var scanOptions: ScanOptions

    func run() async throws {
        let set: DefinitionSet
        do {
            if definitions.lowercased().hasSuffix(".csv") {
                set = try CSVDefinitionLoader.load(contentsOf: definitions, apid: csvApid,
                                                   bitOffsetOrigin: csvOffsets == .packet ? .packetStart : .afterPrimaryHeader)
            } else {
                set = try DefinitionSet.load(contentsOf: definitions, csvAPID: csvApid)
            }
        } catch {
            throw DecodeFailure("cannot use definitions: \(error.description)")
        }
        let options = DecodeOptions(calibrated: calibrated, labels: calibrated, headerColumns: !noHeaderColumns,
                                    releaseInputPages: ProcessInfo.processInfo.environment["DOWNLINK_KEEP_INPUT_PAGES"] == nil)
        let decoder = try Decoder(definitions: set, options: options)
        for problem in decoder.compileProblems {
            FileHandle.standardError.write(Data("warning: container not decoded: \(problem)\n".utf8))
        }
        let clock = ContinuousClock()
        let scanStart = clock.now
        let scanned = try await scanOptions.scan(files)
        let scanSeconds = (clock.now - scanStart).seconds
        var wall: [Double] = []
        var cpu: [Double] = []
        var decoded: DecodeResult? = nil
        for _ in 0..<max(1, `repeat`) {
            decoded = nil
            let cpuStart = DecodeTiming.cpuSeconds()
            let start = clock.now
            decoded = try await decoder.decode(scanned, apids: apid.isEmpty ? nil : Set(apid))
            wall.append((clock.now - start).seconds)
            cpu.append(DecodeTiming.cpuSeconds() - cpuStart)
        }
        let result = decoded!
        if timing {
            let bytes = scanned.reduce(0) { $0 + $1.index.fileSize }
            let columnBytes = result.containers.reduce(0) { $0 + $1.dataset.variables.reduce(0) { $0 + $1.column.byteCount } }
            let line = "{\"bytes\":\(bytes),\"packets\":\(result.decodedPackets),\"scan_seconds\":\(scanSeconds),"
                + "\"decode_seconds\":\(DecodeTiming.median(wall)),\"decode_cpu_seconds\":\(DecodeTiming.median(cpu)),"
                + "\"decode_seconds_min\":\(wall.min()!),\"decode_cpu_seconds_min\":\(cpu.min()!),"
                + "\"column_bytes\":\(columnBytes),\"peak_rss_bytes\":\(DecodeTiming.peakResidentBytes())}\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        if format == .none {
            if strict && (result.undecodedPackets > 0 || !result.findings.isEmpty) { throw ExitCode(3) }
            return
        }
        if let product = ProductExport.Format(rawValue: format.rawValue) {
            guard let output else { throw ValidationError("--format \(format.rawValue) needs --output FOLDER") }
            for path in try ProductExport.write(result, as: product, into: output) { print(path) }
            if strict && (result.undecodedPackets > 0 || !result.findings.isEmpty) { throw ExitCode(3) }
            return
        }

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
        var export = TextExport(format: format == .json ? .json : .csv) { sink.write(Data($0.utf8)) }
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

enum OutputFormat: String, ExpressibleByArgument { case csv, json, cdf, fits, hdf5, none }
enum CSVOffsets: String, ExpressibleByArgument {
    case packet
    case afterHeader = "after-header"
}

/// Process CPU time, peak memory, medians: the `--timing` numbers.
enum DecodeTiming {
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// Peak resident set size (VmHWM) in bytes; 0 where /proc is not available.
    static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return 0
    }

    static func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
