import Foundation
import SpacePackets
import Testing

@Suite struct SplitTests {
    @Test func failureLeavesNoOutputAndNoTemporaryFiles() async throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.bin").path
        _ = try PacketSynthesizer.write(SynthesisPlan.mixed(seed: 4, targetBytes: 50_000), to: input)
        let scanned = try await PacketScanner.scan(paths: [input])
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        // The third output's final name is taken by a folder: its rename fails.
        try FileManager.default.createDirectory(at: out.appendingPathComponent("p_apid300.pkts/inner"), withIntermediateDirectories: true)
        #expect(throws: SpacePacketError.self) { try PacketSplitter.split(scanned, into: out.path, prefix: "p") }
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(left.allSatisfy { !$0.contains(".tmp-") }, "temporary files left: \(left)")
    }

    @Test func multipleInputsConcatenateInOrder() async throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = packet(apid: 5, sequence: 0, payload: [1]) + packet(apid: 6, sequence: 0, payload: [2])
        let b = packet(apid: 5, sequence: 1, payload: [3]) + packet(apid: 5, sequence: 2, payload: [4])
        try Data(a).write(to: dir.appendingPathComponent("a.bin"))
        try Data(b).write(to: dir.appendingPathComponent("b.bin"))
        let scanned = try await PacketScanner.scan(paths: ["a.bin", "b.bin"].map { dir.appendingPathComponent($0).path })
        let outputs = try PacketSplitter.split(scanned, into: dir.path, prefix: "day")
        #expect(outputs.map(\.packets) == [3, 1])
        let five = try Data(contentsOf: dir.appendingPathComponent("day_apid5.pkts"))
        #expect(Array(five) == Array(a[0..<7]) + b)
    }

    @Test func mappedFileErrors() throws {
        #expect(throws: SpacePacketError.cannotOpen(path: "/no/such", reason: "No such file or directory")) {
            try MappedFile(path: "/no/such")
        }
        #expect(throws: SpacePacketError.notARegularFile(path: "/tmp")) { try MappedFile(path: "/tmp") }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.bin")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        let mapped = try MappedFile(path: empty.path)
        #expect(mapped.count == 0)
        let index = PacketScanner.scan(mapped)
        #expect(index.packetCount == 0 && index.anomalies.isEmpty)
    }
}

@Suite struct ScanSummaryJSONTests {
    /// The direct JSON writer and Foundation's encoder of the Codable form give the same document.
    @Test func sameDocumentAsTheCodableForm() throws {
        var plan = SynthesisPlan.mixed(seed: 21, targetBytes: 200_000)
        plan.faults.junk = 2; plan.faults.drops = 3; plan.faults.segmented = 2; plan.faults.orphanSegments = 1
        plan.faults.idle = 2; plan.faults.truncateFinalPacket = true
        let (bytes, _) = try PacketSynthesizer.bytes(plan)
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a \"quoted\"\tname.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let file = try MappedFile(path: path)
        let summary = ScanSummary([ScannedFile(mapping: file, index: PacketScanner.scan(file))], timeCode: try TimeCode(parsing: "cuc:4.2"))
        #expect(summary.anomalies.count >= 5)
        let direct = try JSONSerialization.jsonObject(with: Data(summary.jsonText().utf8)) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? NSDictionary
        #expect(direct != nil && direct == encoded)
        let decoded = try JSONDecoder().decode(ScanSummary.self, from: Data(summary.jsonText().utf8))
        #expect(decoded.anomalies == summary.anomalies)
        #expect(decoded.files.first?.file == path)
    }
}
