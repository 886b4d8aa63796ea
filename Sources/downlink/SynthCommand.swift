import ArgumentParser
import DemoMission
import Foundation
import SpacePackets

struct SynthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a synthetic Level-0 file: seeded, any size, several APIDs, optional time, injected faults.",
        discussion: """
            Streams are APID:LENGTH or APID:MIN-MAX, optionally xWEIGHT (e.g. 100:1024x4 200:64-512x3). \
            Without --stream, four APIDs (100, 200, 300, 1251) of fixed and variable lengths with CUC 4.2 time. \
            --manifest writes the ground truth (packets per APID, the anomalies a correct scan must report) as JSON. \
            With --mission demo: the demo mission's L0 days (one file per instrument per day, \
            demo_<instrument>_l0_<YYYYMMDD>_v001.pkts, and demo_l0_truth_<YYYYMMDD>.json) into the folder -o names.
            """
    )

    @Argument(help: "The file to write (not with --mission).")
    var output: String?

    @Option(name: .long, help: "Write a mission's L0 days instead of one file: demo.")
    var mission: String?

    @Option(name: .long, help: "Days to write (with --mission).") var days = 1
    @Option(name: .long, help: "First day, YYYY-MM-DD (with --mission).") var start = "2025-01-01"
    @Option(name: .long, help: "Bytes per day, e.g. 2GB (with --mission; default: the nominal packet rates).")
    var bytesPerDay: String?
    @Option(name: .long, help: "Faults per file (with --mission): none, occasional, or drops=N,duplicates=N,junk=N.")
    var faults = "occasional"
    @Option(name: [.customShort("o"), .customLong("output")], help: "Folder to write into (with --mission).")
    var folder: String?

    @Option(name: .long, help: "Size to reach, e.g. 64MiB, 1GiB, 2GB.")
    var size: String = "16MiB"

    @Option(name: .long, help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(name: .long, parsing: .upToNextOption, help: "Packet streams: APID:LENGTH[-MAX][xWEIGHT].")
    var stream: [String] = []

    @Flag(name: .long, inversion: .prefixedNo, help: "CUC 4.2 time in a secondary header.")
    var time = true

    @Option(name: .long, help: "Junk byte runs to insert.") var junk = 0
    @Option(name: .long, help: "Packets to drop (sequence gaps).") var drop = 0
    @Option(name: .long, help: "Packets to write twice.") var duplicate = 0
    @Option(name: .long, help: "Segmented packets (first, continuation..., last).") var segmented = 0
    @Option(name: .long, help: "Orphan continuation segments.") var orphan = 0
    @Option(name: .long, help: "Idle packets (APID 2047).") var idle = 0
    @Flag(name: .long, help: "Start sequence counters just below 16383 so that they wrap.") var wrap = false
    @Flag(name: .long, help: "Cut the final packet short.") var truncate = false

    @Option(name: .long, help: "Write the ground truth as JSON here.")
    var manifest: String?

    func run() async throws {
        if let mission { return try await runMission(mission) }
        guard let output else { throw ValidationError("Missing expected argument '<output>'") }
        guard let bytes = ByteCount.parse(size), bytes > 0 else { throw ValidationError("--size: '\(size)' is not a size") }
        var plan = SynthesisPlan.mixed(seed: seed, targetBytes: bytes)
        plan.timeCode = time
        if !stream.isEmpty { plan.streams = try stream.map(Self.parseStream) }
        plan.faults.junk = junk
        plan.faults.drops = drop
        plan.faults.duplicates = duplicate
        plan.faults.segmented = segmented
        plan.faults.orphanSegments = orphan
        plan.faults.idle = idle
        plan.faults.wrapSequenceCounts = wrap
        plan.faults.truncateFinalPacket = truncate
        let result = try PacketSynthesizer.write(plan, to: output)
        let packets = result.apids.reduce(0) { $0 + $1.packets }
        print("\(output): \(result.bytes) bytes, \(packets) packets, \(result.apids.count) APIDs, \(result.expectedAnomalies.count) injected anomalies")
        if let manifest {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(result).write(to: URL(fileURLWithPath: manifest))
        }
    }

    /// `--mission demo`: the demo mission's days, in parallel.
    func runMission(_ mission: String) async throws {
        guard mission == "demo" else { throw ValidationError("--mission: '\(mission)' is not a mission this command writes (demo)") }
        guard let folder else { throw ValidationError("--mission demo needs -o FOLDER") }
        if let output { throw ValidationError("--mission writes into -o FOLDER; '\(output)' is not used with it") }
        guard let first = DemoDate(start) else { throw ValidationError("--start: '\(start)' is not YYYY-MM-DD") }
        guard days >= 1 else { throw ValidationError("--days must be at least 1") }
        guard let faultCounts = DemoFaults(parsing: faults) else {
            throw ValidationError("--faults: '\(faults)' is not none, occasional or drops=N,duplicates=N,junk=N")
        }
        var bytes: Int?
        if let bytesPerDay {
            guard let parsed = ByteCount.parse(bytesPerDay), parsed > 0 else { throw ValidationError("--bytes-per-day: '\(bytesPerDay)' is not a size") }
            bytes = parsed
        }
        let options = DemoOptions(seed: seed, bytesPerDay: bytes, faults: faultCounts)
        let truths = try await DemoDay.write(days: (0..<days).map { first.adding(days: $0) }, into: folder, options: options)
        for truth in truths {
            for file in truth.files {
                print("\(file.file): \(file.bytes) bytes, \(file.packets) packets, \(file.expectedAnomalies.count) injected anomalies")
            }
        }
    }

    static func parseStream(_ text: String) throws -> SynthesisPlan.Stream {
        let main = text.split(separator: "x", maxSplits: 1)
        let weight = main.count == 2 ? Int(main[1]) : 1
        let parts = main[0].split(separator: ":")
        guard parts.count == 2, let apid = UInt16(parts[0]), let weight else {
            throw ValidationError("--stream: '\(text)' is not APID:LENGTH[-MAX][xWEIGHT]")
        }
        let lengths = parts[1].split(separator: "-").map { Int($0) }
        guard let minimum = lengths.first ?? nil, lengths.count <= 2 else {
            throw ValidationError("--stream: '\(text)' is not APID:LENGTH[-MAX][xWEIGHT]")
        }
        let maximum = lengths.count == 2 ? lengths[1] : minimum
        guard let maximum else { throw ValidationError("--stream: '\(text)' has a bad length range") }
        return SynthesisPlan.Stream(apid: apid, minimumLength: minimum, maximumLength: maximum, weight: weight)
    }
}
