import Foundation
import SpacePackets
import Testing

/// The command line as users meet it: the built `downlink` binary, its output and exit status.
@Suite struct CommandLineTests {
    static let binary: String = {
        // The test bundle sits in the build products folder, beside the `downlink` executable.
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            let candidate = url.deletingLastPathComponent().appendingPathComponent("downlink")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            url = url.deletingLastPathComponent()
        }
        return "downlink"
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func downlink(_ arguments: String...) throws -> Result {
        try downlink(environment: [:], arguments)
    }

    /// Runs `downlink` with `environment` added to this process's environment.
    func downlink(environment: [String: String], _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errHandle = err.fileHandleForReading
        let errBox = Box()
        let reader = Thread { errBox.data = errHandle.readDataToEndOfFile(); errBox.done.signal() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errBox.done.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    final class Box: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }

    func temporary() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func synthThenInspectJSON() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("day.bin").path
        let manifest = dir.appendingPathComponent("truth.json").path
        let synth = try downlink("synth", file, "--size", "300KiB", "--seed", "9", "--junk", "2", "--drop", "3", "--manifest", manifest)
        #expect(synth.status == 0, "\(synth.stderr)")
        let truth = try JSONDecoder().decode(SynthesisResult.self, from: Data(contentsOf: URL(fileURLWithPath: manifest)))

        let inspect = try downlink("inspect", "--json", file, "--apids", "100,200,300,1251")
        #expect(inspect.status == 0)
        struct Report: Decodable {
            struct APID: Decodable { var apid: Int; var packets: Int; var bytes: Int; var gaps: Int }
            struct Finding: Decodable { var kind: String; var file: String; var offset: Int }
            var apids: [APID]
            var anomalies: [Finding]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(inspect.stdout.utf8))
        #expect(report.apids.map(\.apid) == truth.apids.map { Int($0.apid) })
        #expect(report.apids.map(\.packets) == truth.apids.map(\.packets))
        #expect(report.apids.map(\.bytes) == truth.apids.map(\.bytes))
        #expect(report.anomalies.map(\.offset) == truth.expectedAnomalies.map(\.offset))
        #expect(report.anomalies.map(\.kind) == truth.expectedAnomalies.map(\.kind.rawValue))
        #expect(report.anomalies.allSatisfy { $0.file == file })
        #expect(report.apids.reduce(0) { $0 + $1.gaps } == truth.expectedAnomalies.filter { $0.kind == .sequenceGap }.count)

        let strict = try downlink("inspect", "--strict", file, "--apids", "100,200,300,1251")
        #expect(strict.status == 3)
        #expect(strict.stdout.contains("sequence gap"))
        #expect(strict.stderr.contains("warning: 5 anomalies"))
    }

    @Test func tableWithTimeRange() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("t.bin").path
        _ = try downlink("synth", file, "--size", "20KiB", "--stream", "42:100")
        let result = try downlink("inspect", file, "--time-code", "cuc:4.2,epoch=2010-01-01")
        #expect(result.status == 0)
        // Default start 500,000,000 s after 2010-01-01 = 2025-11-05T00:53:20.
        #expect(result.stdout.contains("2025-11-05T00:53:20.000000"))
        #expect(result.stdout.contains("   42 "))
    }

    @Test func unreadableInputIsAClearError() throws {
        let missing = try downlink("inspect", "/nonexistent/file.bin")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/file.bin: cannot open: No such file or directory"))
        let directory = try downlink("inspect", FileManager.default.temporaryDirectory.path)
        #expect(directory.status == 1)
        #expect(directory.stderr.contains("not a regular file"))
        let badOption = try downlink("inspect", "--apids", "100,abc", "/dev/null")
        #expect(badOption.status != 0)
        #expect(badOption.stderr.contains("'abc' is not an APID"))
        let badTime = try downlink("inspect", "--time-code", "cuc:9.9", "/dev/null")
        #expect(badTime.status != 0)
        #expect(badTime.stderr.contains("CUC needs 1-4 coarse and 0-3 fine octets"))
    }

    @Test func splitWritesAllOrNothing() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("mix.bin").path
        _ = try downlink("synth", file, "--size", "100KiB")
        let out = dir.appendingPathComponent("out").path
        let split = try downlink("split", file, "--output", out)
        #expect(split.status == 0, "\(split.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names == ["mix_apid100.pkts", "mix_apid1251.pkts", "mix_apid200.pkts", "mix_apid300.pkts"])
        // Re-scanning the parts gives back every packet of the whole.
        let whole = PacketScanner.scan(try MappedFile(path: file))
        for packets in whole.apids {
            let part = PacketScanner.scan(try MappedFile(path: "\(out)/mix_apid\(packets.apid).pkts"))
            #expect(part.packetCount == packets.count)
            #expect(part.fileSize == packets.bytes)
        }
        // An output folder that cannot be created: an error naming it, and nothing written.
        let blocked = dir.appendingPathComponent("afile").path
        _ = FileManager.default.createFile(atPath: blocked, contents: Data([1]))
        let failed = try downlink("split", file, "--output", blocked + "/sub")
        #expect(failed.status == 1)
        #expect(failed.stderr.contains(blocked + "/sub"))
    }

    @Test func dumpDescribesARealCDF() throws {
        let mag = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/reference/imap/mag/imap_mag_l1a_burst-magi_20231025_v001.cdf").path
        guard FileManager.default.fileExists(atPath: mag) else {
            #expect(ProcessInfo.processInfo.environment["CI"] != "true", "../shared is missing on CI")
            return
        }
        let result = try downlink("dump", mag, "--records", "1")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("vectors  CDF_INT8 [4]  608 records"))
        #expect(result.stdout.contains("Logical_source: \"imap_mag_l1a_burst-magi\""))
        let missing = try downlink("dump", "/nonexistent.cdf")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent.cdf"))
    }
}
