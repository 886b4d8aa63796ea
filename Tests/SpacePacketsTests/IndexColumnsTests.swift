import Foundation
@testable import SpacePackets
import Testing

/// The per-APID columns of a multi-APID file, against the generator's own record of every packet:
/// with few APIDs they are scattered in one pass a run (`IndexScatter`), with more than
/// `IndexScatter.maximumAPIDs` gathered APID by APID; both, serially and with the rows in several
/// runs (chunks), must give exactly the packets written.
@Suite struct IndexColumnsTests {
    struct Expected: Equatable {
        var offsets: [Int] = []
        var lengths: [UInt32] = []
        var sequenceCounts: [UInt16] = []
        var flags: [SequenceFlags] = []
    }

    @Test(arguments: [2, 7, IndexScatter.maximumAPIDs, IndexScatter.maximumAPIDs + 1, 300])
    func columnsHoldEveryPacketOfEveryAPID(apids: Int) throws {
        var random = SplitMix64(seed: UInt64(apids))
        var bytes: [UInt8] = []
        var expected: [UInt16: Expected] = [:]
        var sequence: [UInt16: UInt16] = [:]
        for i in 0..<30_000 {
            let apid = UInt16(1 + Int(random.next() % UInt64(apids)) * 3 % 2040)
            let count = sequence[apid, default: UInt16(apid) * 37 % 16384]
            sequence[apid] = (count + 1) % 16384
            // Now and then a segmented pair (first, last), so that flags vary.
            let flags: SequenceFlags = i % 50 == 7 ? .first : (i % 50 == 8 ? .last : .unsegmented)
            let payload = [UInt8](repeating: UInt8(i & 0xFF), count: 10 + Int(random.next() % 60))
            var e = expected[apid, default: Expected()]
            e.offsets.append(bytes.count)
            e.lengths.append(UInt32(payload.count + 6))
            e.sequenceCounts.append(count)
            e.flags.append(flags)
            expected[apid] = e
            bytes += packet(apid: apid, sequence: count, flags: flags, payload: payload)
        }
        try bytes.withUnsafeBytes { raw in
            let rules = ScanRules(knownAPIDs: Set(expected.keys))
            for workers in [1, 3] {
                let (index, adopted) = PacketScanner.scanCountingChunks(raw, file: "t.bin", rules: rules, workers: workers,
                                                                        minimumChunkBytes: 1, minimumParallelRows: 0, lateness: .wait)
                // In chunks, the rows really come in several runs.
                #expect(workers == 1 || adopted > 0, "\(workers) workers: \(adopted) chunks adopted")
                #expect(index.apids.map(\.apid) == expected.keys.sorted())
                for packets in index.apids {
                    let e = try #require(expected[packets.apid])
                    let found = Expected(offsets: packets.offsets, lengths: packets.lengths, sequenceCounts: packets.sequenceCounts,
                                         flags: packets.sequenceFlags)
                    #expect(found == e, "APID \(packets.apid), \(workers) workers")
                    #expect(packets.bytes == e.lengths.reduce(0) { $0 + Int($1) })
                }
                #expect(index.packetCount == 30_000)
            }
        }
    }
}
