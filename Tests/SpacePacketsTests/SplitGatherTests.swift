import Foundation
@testable import SpacePackets
import Testing

/// The split's gather (runs of adjacent packets, hinted ahead) and its staging buffers.
@Suite struct SplitGatherTests {
    /// APIDs with fewer, exactly as many and more packets than the gather hints ahead, interleaved
    /// at random with runs of adjacent packets of one APID: every output, direct and buffered, is
    /// that APID's packets in file order, byte for byte.
    @Test func outputsAroundTheHintDistanceAreThePackets() async throws {
        let ahead = PacketSplitter.prefetchPackets
        let counts: [UInt16: Int] = [10: ahead - 1, 11: ahead, 12: ahead + 1, 13: 5 * ahead + 3, 14: 1]
        var pending = counts.flatMap { apid, n in Array(repeating: apid, count: n) }
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var bytes: [UInt8] = []
        var expected: [UInt16: [UInt8]] = [:]
        var sequences: [UInt16: UInt16] = [:]
        while !pending.isEmpty {
            let apid = pending.remove(at: next(pending.count))
            // Sometimes a run of several packets of this APID.
            var run = 1
            while run < 4, next(3) == 0, let k = pending.firstIndex(of: apid) { pending.remove(at: k); run += 1 }
            for _ in 0..<run {
                let payload = (0..<(1 + next(700))).map { _ in UInt8(truncatingIfNeeded: next(256)) }
                let p = packet(apid: apid, sequence: sequences[apid, default: 0], payload: payload)
                sequences[apid, default: 0] &+= 1
                bytes += p
                expected[apid, default: []] += p
            }
        }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        let scanned = try await PacketScanner.scan(paths: [input])
        for (folder, minimum) in [("direct", 0), ("buffered", Int.max)] {
            let out = dir.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let outputs = try PacketSplitter.split(scanned, into: out.path, prefix: "g", directIOMinimum: minimum)
            #expect(outputs.map(\.apid) == [10, 11, 12, 13, 14])
            for output in outputs {
                #expect(output.packets == counts[output.apid])
                let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output.path)))
                #expect(written == expected[output.apid], "\(folder) APID \(output.apid) differs from its packets")
            }
        }
    }

    /// Staging buffers of whole 2 MiB pages start on a 2 MiB boundary (so that they can be huge
    /// pages); others on the alignment asked for; a buffer given back is the next one taken.
    @Test func stagingBuffersAlignedAndReused() throws {
        let pool = StagingPool()
        let huge = 2 << 20
        let whole = try #require(pool.take(capacity: 4 << 20))
        #expect(Int(bitPattern: whole) % huge == 0)
        let odd = try #require(pool.take(capacity: (1 << 20) + 4096))
        #expect(Int(bitPattern: odd) % 4096 == 0)
        // The buffers are writable end to end.
        whole.initializeMemory(as: UInt8.self, repeating: 0xA5, count: 4 << 20)
        odd.initializeMemory(as: UInt8.self, repeating: 0x5A, count: (1 << 20) + 4096)
        pool.give(whole, capacity: 4 << 20)
        let again = try #require(pool.take(capacity: 4 << 20))
        #expect(again == whole)
        free(again)
        free(odd)
    }
}
