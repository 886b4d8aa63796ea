import Foundation
@testable import SpacePackets
import Testing

/// A file walked in chunks on several cores gives exactly the index of the serial walk: the same
/// packets, sequence findings (including those across the seams), anomalies, idle and junk counts.
/// The inputs are cut into chunks far smaller than in production so that seams fall everywhere.
@Suite struct ChunkedWalkTests {
    /// The serial index, and the chunked one for each chunk count, with how many chunks were adopted
    /// when the real walk waits for every chunk (a count that does not depend on timing).
    ///
    /// Each chunk count is also walked with the real walk taking late chunks over (claimed before
    /// they start, or stopped at a 4 KiB slice: which, depends on timing), and with every speculative
    /// walk stopping after one slice, so that each chunk is adopted only in part and the real walk
    /// walks the rest. All must equal the serial index, and partial adoption must adopt as many
    /// chunks as whole adoption.
    func compare(_ bytes: [UInt8], rules: ScanRules = ScanRules(), chunkCounts: [Int] = [2, 3, 5, 8],
                 sourceLocation: SourceLocation = #_sourceLocation) -> [Int] {
        bytes.withUnsafeBytes { raw in
            let serial = PacketScanner.scanCountingChunks(raw, file: "t.bin", rules: rules, workers: 1).index
            return chunkCounts.map { chunks in
                let (index, adopted) = PacketScanner.scanCountingChunks(
                    raw, file: "t.bin", rules: rules, workers: chunks, minimumChunkBytes: 1, minimumParallelRows: 0, lateness: .wait)
                #expect(index == serial, "\(chunks) chunks differ from the serial walk", sourceLocation: sourceLocation)
                if index != serial { describeDifference(serial, index) }
                let modes: [(ChunkedWalk.Lateness, Int?)] = [(.takeOver, nil), (.wait, 1), (.takeOver, 2)]
                for (lateness, slices) in modes {
                    let (other, otherAdopted) = PacketScanner.scanCountingChunks(
                        raw, file: "t.bin", rules: rules, workers: chunks, minimumChunkBytes: 1, minimumParallelRows: 0,
                        lateness: lateness, sliceBytes: 4096, helperSlices: slices)
                    #expect(other == serial, "\(chunks) chunks, \(lateness), \(slices.map(String.init) ?? "all") slices",
                            sourceLocation: sourceLocation)
                    if other != serial { describeDifference(serial, other) }
                    if lateness == .wait {
                        #expect(otherAdopted == adopted, "partial adoption, \(chunks) chunks", sourceLocation: sourceLocation)
                    }
                }
                return adopted
            }
        }
    }

    @Test func cleanFilesAreWalkedInChunksAndAdopted() throws {
        let (bytes, truth) = try PacketSynthesizer.bytes(.mixed(seed: 11, targetBytes: 600_000))
        let adopted = compare(bytes)
        // Every seam of a clean file lands on a packet the real walk reaches: all chunks adopted.
        #expect(adopted == [1, 2, 4, 7])
        let index = PacketScanner.scanCountingChunks(
            bytes.withUnsafeBytes { $0 }, file: "t.bin", workers: 4, minimumChunkBytes: 1, minimumParallelRows: 0).index
        #expect(index.packetCount == truth.apids.reduce(0) { $0 + $1.packets })
    }

    /// A file of one APID walked in chunks is joined into the real walk's own columns (which the
    /// index then takes over) instead of being gathered into new ones; the index is unchanged.
    @Test(arguments: [false, true]) func oneAPIDChunksJoinTheRealWalksColumns(faults: Bool) throws {
        var plan = SynthesisPlan(seed: 3, targetBytes: 500_000, streams: [.init(apid: 42, minimumLength: 300)])
        if faults {
            plan.faults.drops = 15
            plan.faults.duplicates = 5
            plan.faults.segmented = 6
            plan.faults.orphanSegments = 2
            plan.faults.wrapSequenceCounts = true
        }
        let (bytes, _) = try PacketSynthesizer.bytes(plan)
        let adopted = compare(bytes)
        #expect(adopted == [1, 2, 4, 7])
        try bytes.withUnsafeBytes { raw in
            let serial = PacketScanner.scanCountingChunks(raw, file: "t.bin", workers: 1).index
            var walk = HeaderWalk(bytes: raw, file: "t.bin", rules: ScanRules())
            #expect(ChunkedWalk.run(&walk, chunks: 5, progress: nil, progressStep: 1 << 40, lateness: .wait) == 4)
            #expect(walk.adopted.count == 4)
            walk.joinAdoptedRowsOfOneAPID()
            #expect(walk.adopted.isEmpty, "joined")
            #expect(walk.records.count == serial.packetCount)
            let only = try #require(serial.apids.first)
            #expect(Array(walk.records.offsets.prefix(walk.records.count)) == only.offsets)
            #expect(walk.makeIndex() == serial)
        }
    }

    @Test(arguments: 0..<6) func faultsAcrossSeams(seed: UInt64) throws {
        let bytes = try WalkInputs.faultyMixed(seed: seed)
        let adopted = compare(bytes)
        // Junk stops chunks now and then, but most seams still land.
        #expect(adopted.last! >= 3)
        _ = compare(bytes, rules: ScanRules(knownAPIDs: [100, 200, 300, 1251]))
    }

    /// Sequence breaks exactly at a seam: every APID's first packet in a chunk is checked against
    /// the real walk's last one.
    @Test func sequenceBreaksAtSeams() {
        let bytes = WalkInputs.sequenceBreaks()
        _ = compare(bytes, chunkCounts: [2, 3, 4, 7, 16, 64])
    }

    @Test func realFiles() throws {
        for (name, bytes) in try WalkInputs.realFiles() {
            let adopted = compare(bytes, chunkCounts: [2, 4])
            // (Cut in 4, the 15 KB CYGNSS sample's first stretch is one packet, of an APID seen once:
            // no chunk can start on a believed APID. Cut in 2 it is a few APIDs. A seam inside junk
            // is walked serially.)
            #expect(adopted.max()! >= 1, "\(name): chunks adopted \(adopted)")
        }
    }

    @Test func mutatedFilesAndRandomBytes() throws {
        var random = SplitMix64(seed: 9)
        let (clean, _) = try PacketSynthesizer.bytes(.mixed(seed: 3, targetBytes: 60_000))
        for _ in 0..<60 {
            let bytes = WalkInputs.mutated(clean, random: &random)
            _ = compare(bytes, chunkCounts: [2, 5])
        }
        for _ in 0..<30 {
            let bytes = WalkInputs.randomBytes(random: &random)
            _ = compare(bytes, chunkCounts: [3])
            _ = compare(bytes, rules: ScanRules(packetVersion: .any, maximumPacketLength: 300), chunkCounts: [3])
        }
    }
}
