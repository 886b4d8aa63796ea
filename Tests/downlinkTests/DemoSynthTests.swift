import Foundation
import Testing

/// `downlink synth --mission demo` as users run it: the files of each day, the truth beside them,
/// and clear refusals. (Named so that `swift test --filter DemoMission` runs it too.)
@Suite struct DemoMissionSynthCommandTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func downlink(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = arguments
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("demo-synth-\(UUID().uuidString).out")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("demo-synth-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }

    @Test("Two days across a leap day: three files a day, sizes and packets as the truth says")
    func writesDays() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-synth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try downlink(["synth", "--mission", "demo", "--days", "2", "--start", "2024-02-29",
                                "--bytes-per-day", "2MB", "--seed", "5", "--faults", "drops=1,duplicates=1,junk=1", "-o", folder.path])
        #expect(run.status == 0, "\(run.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == [
            "demo_hk_l0_20240229_v001.pkts", "demo_hk_l0_20240301_v001.pkts",
            "demo_l0_truth_20240229.json", "demo_l0_truth_20240301.json",
            "demo_mag_l0_20240229_v001.pkts", "demo_mag_l0_20240301_v001.pkts",
            "demo_spec_l0_20240229_v001.pkts", "demo_spec_l0_20240301_v001.pkts",
        ])
        var total = 0
        var hkPackets = 0
        for day in ["20240229", "20240301"] {
            let data = try Data(contentsOf: folder.appendingPathComponent("demo_l0_truth_\(day).json"))
            let truth = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(truth["seed"] as? Int == 5)
            let files = try #require(truth["files"] as? [[String: Any]])
            #expect(files.count == 3)
            for file in files {
                let name = try #require(file["file"] as? String)
                let size = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int
                #expect(size == file["bytes"] as? Int)
                #expect((file["expectedAnomalies"] as? [Any])?.count == 3)
                #expect(run.stdout.contains("\(name): \(size ?? -1) bytes, \(file["packets"] as? Int ?? -1) packets, 3 injected anomalies"))
                total += size ?? 0
                if name == "demo_hk_l0_20240301_v001.pkts" { hkPackets = file["packets"] as? Int ?? -1 }
            }
        }
        // 2 MB a day, give or take a packet and the injected faults.
        #expect(abs(total - 4_000_000) < 2000)
        // The files scan as the truth says (the inspect command: independent of the generator).
        let inspect = try downlink(["inspect", folder.appendingPathComponent("demo_hk_l0_20240301_v001.pkts").path])
        #expect(inspect.stdout.contains("\(hkPackets / 1000),\(String(format: "%03d", hkPackets % 1000)) packets"), "\(inspect.stdout)")
    }

    @Test("Unknown missions, bad dates and a missing folder are refused")
    func refusals() throws {
        let unknown = try downlink(["synth", "--mission", "mars", "-o", "/tmp/x"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("'mars' is not a mission"))
        let date = try downlink(["synth", "--mission", "demo", "--start", "2024-13-01", "-o", "/tmp/x"])
        #expect(date.status != 0)
        #expect(date.stderr.contains("--start: '2024-13-01' is not YYYY-MM-DD"))
        let folder = try downlink(["synth", "--mission", "demo"])
        #expect(folder.status != 0)
        #expect(folder.stderr.contains("needs -o FOLDER"))
        let faults = try downlink(["synth", "--mission", "demo", "--faults", "many", "-o", "/tmp/x"])
        #expect(faults.status != 0)
        #expect(faults.stderr.contains("--faults: 'many'"))
    }
}
