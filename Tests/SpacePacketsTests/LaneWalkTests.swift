import Foundation
@testable import SpacePackets
import Testing

/// A walk that cuts its stretches into lanes walked side by side (`HeaderWalk.laneWalk`) gives
/// exactly the index of the walk without lanes: the same packets, sequence findings (including
/// those at lane seams), anomalies, idle and junk counts. Lanes are made far smaller than in
/// production so that their seams fall everywhere in small inputs; each comparison also asserts
/// that lanes did record rows, so that it cannot pass by never using them.
@Suite struct LaneWalkTests {
    static let noLanes = LanePlan(minimumLaneBytes: 1, maximumLanes: 0, minimumLanes: 1, retryBytes: 0, probeBytes: 0, minimumMeanLength: 0, maximumRegularShare: 1)

    /// Lane plans from tiny lanes tried at once and retried at once to a few large ones after a
    /// probe.
    static let plans = [
        LanePlan(minimumLaneBytes: 64, maximumLanes: 7, minimumLanes: 2, retryBytes: 0, probeBytes: 0, minimumMeanLength: 0, maximumRegularShare: 1),
        LanePlan(minimumLaneBytes: 512, maximumLanes: 32, minimumLanes: 2, retryBytes: 1000, probeBytes: 600, minimumMeanLength: 0, maximumRegularShare: 1),
        LanePlan(minimumLaneBytes: 4096, maximumLanes: 4, minimumLanes: 4, retryBytes: 0, probeBytes: 5000, minimumMeanLength: 20, maximumRegularShare: 1),
    ]

    /// Compares each lane plan, walked serially and in chunks, with the walk without lanes;
    /// returns the rows lanes recorded under each plan (serial walk).
    @discardableResult
    func compare(_ bytes: [UInt8], rules: ScanRules = ScanRules(), sourceLocation: SourceLocation = #_sourceLocation) -> [Int] {
        bytes.withUnsafeBytes { raw in
            let plain = PacketScanner.scanOutcome(raw, file: "t.bin", rules: rules, workers: 1, lanes: Self.noLanes)
            #expect(plain.laneRows == 0, sourceLocation: sourceLocation)
            return Self.plans.map { plan in
                let laned = PacketScanner.scanOutcome(raw, file: "t.bin", rules: rules, workers: 1, lanes: plan)
                #expect(laned.index == plain.index, "lanes \(plan) differ from the plain walk", sourceLocation: sourceLocation)
                if laned.index != plain.index { describeDifference(plain.index, laned.index) }
                for chunks in [2, 3] {
                    let chunked = PacketScanner.scanOutcome(raw, file: "t.bin", rules: rules, workers: chunks, minimumChunkBytes: 1,
                                                            minimumParallelRows: 0, sliceBytes: 8192, lanes: plan)
                    #expect(chunked.index == plain.index, "lanes \(plan) in \(chunks) chunks differ", sourceLocation: sourceLocation)
                }
                return laned.laneRows
            }
        }
    }

    func describeDifference(_ a: PacketIndex, _ b: PacketIndex) {
        print("apids \(a.apids.map(\.apid)) vs \(b.apids.map(\.apid)); counts \(a.apids.map(\.count)) vs \(b.apids.map(\.count));",
              "anomalies \(a.anomalies.count) vs \(b.anomalies.count); idle \(a.idlePackets) vs \(b.idlePackets);",
              "skipped \(a.skippedBytes) vs \(b.skippedBytes)")
        for (x, y) in zip(a.anomalies, b.anomalies) where x != y {
            print("first differing anomaly: \(x) vs \(y)")
            break
        }
    }

    @Test func cleanFilesAreWalkedInLanes() throws {
        let (bytes, truth) = try PacketSynthesizer.bytes(.mixed(seed: 11, targetBytes: 600_000))
        let laneRows = compare(bytes)
        let packets = truth.apids.reduce(0) { $0 + $1.packets }
        // A clean file: nearly every row comes from lanes (not the first stretch's, nor the rows
        // of a lane that ran out of its share of the spare rows).
        for rows in laneRows { #expect(rows > packets / 2, "lane rows \(laneRows) of \(packets)") }
    }

    @Test(arguments: 0..<6) func faultsAcrossLaneSeams(seed: UInt64) throws {
        var plan = SynthesisPlan.mixed(seed: seed, targetBytes: 400_000)
        plan.faults.junk = 6
        plan.faults.drops = 20
        plan.faults.duplicates = 10
        plan.faults.segmented = 8
        plan.faults.orphanSegments = 3
        plan.faults.idle = 30
        plan.faults.wrapSequenceCounts = true
        plan.faults.truncateFinalPacket = seed % 2 == 0
        let (bytes, _) = try PacketSynthesizer.bytes(plan)
        #expect(compare(bytes).allSatisfy { $0 > 0 })
        #expect(compare(bytes, rules: ScanRules(knownAPIDs: [100, 200, 300, 1251])).allSatisfy { $0 > 0 })
    }

    /// Sequence gaps, duplicates and rollover at every lane seam: the sequence check of lane rows
    /// runs in file order after the lanes join.
    @Test func sequenceBreaksAtLaneSeams() {
        var bytes: [UInt8] = []
        for i in 0..<4000 {
            let apid: UInt16 = i % 3 == 0 ? 5 : 6
            var sequence = UInt16((i + 16300) % 16384)
            if i % 97 == 0 { sequence = (sequence + 5) % 16384 }
            if i % 131 == 0, i > 0 { sequence = UInt16((i - 1 + 16300) % 16384) }
            bytes += packet(apid: apid, sequence: sequence, payload: [UInt8](repeating: UInt8(i & 0xFF), count: 20 + i % 7))
        }
        let index = scan(bytes)
        #expect(index.anomalies.count > 60)
        #expect(compare(bytes).allSatisfy { $0 > 3000 })
    }

    /// A file of one APID whose packets are long: the shape lanes are for. Lanes also run out of
    /// spare rows here (the capacity estimate comes from the first packets, which are short).
    @Test func longPacketsOfOneAPID() throws {
        var bytes: [UInt8] = []
        for i in 0..<3000 {
            let length = i < 300 ? 40 : 200 + (i * 7919) % 1800
            bytes += packet(apid: 77, sequence: UInt16(i % 16384), payload: [UInt8](repeating: UInt8(i & 0xFF), count: length))
        }
        #expect(compare(bytes).allSatisfy { $0 > 0 })
        // Packets shorter on average than the plan's minimum: no lanes.
        var short = LanePlan(minimumLaneBytes: 64, maximumLanes: 7, minimumLanes: 2, retryBytes: 0, probeBytes: 0)
        short.minimumMeanLength = 2000
        let outcome = bytes.withUnsafeBytes { PacketScanner.scanOutcome($0, file: "t.bin", workers: 1, lanes: short) }
        #expect(outcome.laneRows == 0)
        #expect(outcome.index.packetCount == 3000)
    }

    /// A regular stream (every packet as long as the one before) is left to the fast path's own
    /// prefetch; the same plan cuts an irregular one in lanes.
    @Test func regularStreamsAreNotCutInLanes() throws {
        var plan = LanePlan(minimumLaneBytes: 1024, maximumLanes: 8, minimumLanes: 2, retryBytes: 0, probeBytes: 4096)
        plan.minimumMeanLength = 0
        for regular in [true, false] {
            var bytes: [UInt8] = []
            for i in 0..<2000 {
                let length = regular ? 500 : 300 + (i * 7919) % 400
                bytes += packet(apid: 9, sequence: UInt16(i), payload: [UInt8](repeating: 1, count: length))
            }
            let outcome = bytes.withUnsafeBytes { PacketScanner.scanOutcome($0, file: "t.bin", workers: 1, lanes: plan) }
            #expect((outcome.laneRows == 0) == regular, "regular: \(regular), lane rows \(outcome.laneRows)")
            #expect(outcome.index.packetCount == 2000)
        }
    }

    @Test func realFiles() throws {
        let data = try Fixtures.ccsdspyData()
        var files = ["split/CYGNSS_F7_L0_2022_086_10_15_V01_F__first101pkts.tlm", "europa_clipper/ecm_raw2.bin",
                     "var_length/var_length_packets.bin"].map { data.appendingPathComponent($0) }
        files += Fixtures.imapLevel0Files()
        for url in files {
            let bytes = [UInt8](try Data(contentsOf: url))
            let laneRows = compare(bytes)
            #expect(laneRows.max()! > 0, "\(url.lastPathComponent): lane rows \(laneRows)")
        }
    }

    @Test func mutatedFilesAndRandomBytes() throws {
        var random = SplitMix64(seed: 21)
        let (clean, _) = try PacketSynthesizer.bytes(.mixed(seed: 3, targetBytes: 60_000))
        for _ in 0..<40 {
            var bytes = clean
            for _ in 0..<(1 + Int(random.next() % 6)) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[at] ^= UInt8(1 << (random.next() % 8))
                case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 100)))
                default: bytes.insert(contentsOf: (0..<(1 + random.next() % 50)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
                }
            }
            compare(bytes)
        }
        for _ in 0..<20 {
            var bytes = [UInt8](repeating: 0, count: 8192)
            bytes.withUnsafeMutableBytes { random.fill($0.baseAddress!, count: 8192) }
            for i in stride(from: 0, to: bytes.count, by: 5) where random.next() % 2 == 0 { bytes[i] &= 0x1F }
            compare(bytes)
            compare(bytes, rules: ScanRules(packetVersion: .any, maximumPacketLength: 300))
        }
    }
}
