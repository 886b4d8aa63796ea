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

    /// Direct I/O (aligned staging, padded last block, truncation) and the buffered `writev` path
    /// write the same bytes: every packet of the APID, in input order, from two inputs. The plan
    /// gives one output larger than the 4 MiB staging buffer and one smaller than a block.
    @Test func directAndBufferedOutputsAreTheSameBytes() async throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var plan = SynthesisPlan(seed: 9, targetBytes: 7_000_000, streams: [
            .init(apid: 100, minimumLength: 1000, maximumLength: 4000, weight: 40),
            .init(apid: 200, minimumLength: 13, maximumLength: 300, weight: 10),
            .init(apid: 300, minimumLength: 20, weight: 1),
        ])
        plan.faults.junk = 3
        plan.faults.drops = 2
        let first = dir.appendingPathComponent("a.bin").path
        _ = try PacketSynthesizer.write(plan, to: first)
        plan.seed = 10
        plan.targetBytes = 300_000
        let second = dir.appendingPathComponent("b.bin").path
        _ = try PacketSynthesizer.write(plan, to: second)
        let scanned = try await PacketScanner.scan(paths: [first, second])
        let direct = dir.appendingPathComponent("direct"), buffered = dir.appendingPathComponent("buffered")
        for folder in [direct, buffered] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let viaDirect = try PacketSplitter.split(scanned, into: direct.path, prefix: "d", directIOMinimum: 0)
        let viaBuffer = try PacketSplitter.split(scanned, into: buffered.path, prefix: "d", directIOMinimum: .max)
        #expect(viaDirect.map(\.apid) == [100, 200, 300])
        #expect(viaDirect.allSatisfy { $0.directIO }, "the test folder's file system took no direct I/O")
        #expect(!viaBuffer.contains { $0.directIO })
        #expect(viaDirect[0].bytes > 4 << 20 && viaDirect[0].bytes % 4096 != 0)
        #expect(viaDirect[2].bytes < 4096)
        for (d, b) in zip(viaDirect, viaBuffer) {
            var expected = [UInt8]()
            for file in scanned {
                guard let list = file.index.packets(apid: d.apid) else { continue }
                file.mapping.withBytes { bytes in
                    for (offset, length) in zip(list.offsets, list.lengths) { expected += bytes[offset..<offset + Int(length)] }
                }
            }
            let directBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: d.path)))
            let bufferedBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: b.path)))
            #expect(directBytes.count == d.bytes && d.bytes == b.bytes && d.packets == b.packets)
            #expect(directBytes == expected, "APID \(d.apid): direct output differs from the packets")
            #expect(bufferedBytes == expected, "APID \(d.apid): buffered output differs from the packets")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: direct.path)
        #expect(left.sorted() == ["d_apid100.pkts", "d_apid200.pkts", "d_apid300.pkts"])
    }

    /// A file of one APID is one run starting on a page: the direct path writes it straight from the
    /// mapping (no staging) and stages only the tail; the output is the input, byte for byte.
    @Test func oneAPIDFileGoesOutWhole() async throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("one.bin").path
        _ = try PacketSynthesizer.write(SynthesisPlan(seed: 3, targetBytes: 9_500_000, streams: [
            .init(apid: 42, minimumLength: 100, maximumLength: 2000),
        ]), to: input)
        let scanned = try await PacketScanner.scan(paths: [input])
        let outputs = try PacketSplitter.split(scanned, into: dir.path, prefix: "one", directIOMinimum: 0)
        #expect(outputs.count == 1 && outputs[0].directIO)
        let original = try Data(contentsOf: URL(fileURLWithPath: input))
        #expect(original.count % 4096 != 0 && original.count > 8 << 20)
        #expect(try Data(contentsOf: URL(fileURLWithPath: outputs[0].path)) == original)
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
