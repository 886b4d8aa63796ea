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

    @Test func cleanFilesAreWalkedInLanes() throws {
        let (bytes, truth) = try PacketSynthesizer.bytes(.mixed(seed: 11, targetBytes: 600_000))
        let laneRows = compare(bytes)
        let packets = truth.apids.reduce(0) { $0 + $1.packets }
        // A clean file: nearly every row comes from lanes (not the first stretch's, nor the rows
        // of a lane that ran out of its share of the spare rows).
        for rows in laneRows { #expect(rows > packets / 2, "lane rows \(laneRows) of \(packets)") }
    }

    @Test(arguments: 0..<6) func faultsAcrossLaneSeams(seed: UInt64) throws {
        let bytes = try WalkInputs.faultyMixed(seed: seed)
        #expect(compare(bytes).allSatisfy { $0 > 0 })
        #expect(compare(bytes, rules: ScanRules(knownAPIDs: [100, 200, 300, 1251])).allSatisfy { $0 > 0 })
    }

    /// Sequence gaps, duplicates and rollover at every lane seam: the sequence check of lane rows
    /// runs in file order after the lanes join.
    @Test func sequenceBreaksAtLaneSeams() {
        let bytes = WalkInputs.sequenceBreaks()
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

    /// Idle packets do not stop lanes (they are counted in the lane, with the general path's
    /// checks): with one idle packet every 40 and lanes never retried, lanes still record most rows.
    @Test func idlePacketsDoNotStopLanes() throws {
        var bytes: [UInt8] = []
        for i in 0..<4000 {
            if i % 40 == 39 {
                bytes += packet(apid: 2047, sequence: 0, payload: [UInt8](repeating: 0xFF, count: 100 + i % 300))
            } else {
                bytes += packet(apid: 21, sequence: UInt16(i % 16384), payload: [UInt8](repeating: 7, count: 200 + (i * 7919) % 900))
            }
        }
        var plan = LanePlan(minimumLaneBytes: 1024, maximumLanes: 8, minimumLanes: 2, retryBytes: 1 << 40, probeBytes: 2048)
        plan.minimumMeanLength = 0
        plan.maximumRegularShare = 1
        let (laned, plain) = bytes.withUnsafeBytes {
            (PacketScanner.scanOutcome($0, file: "t.bin", workers: 1, lanes: plan),
             PacketScanner.scanOutcome($0, file: "t.bin", workers: 1, lanes: Self.noLanes))
        }
        #expect(laned.index == plain.index)
        #expect(plain.index.idlePackets == 100)
        #expect(laned.laneRows > 3000, "lane rows \(laned.laneRows) of \(laned.index.packetCount)")
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
        for (name, bytes) in try WalkInputs.realFiles() {
            let laneRows = compare(bytes)
            #expect(laneRows.max()! > 0, "\(name): lane rows \(laneRows)")
        }
    }

    @Test func mutatedFilesAndRandomBytes() throws {
        var random = SplitMix64(seed: 21)
        let (clean, _) = try PacketSynthesizer.bytes(.mixed(seed: 3, targetBytes: 60_000))
        for _ in 0..<40 {
            let bytes = WalkInputs.mutated(clean, random: &random)
            compare(bytes)
        }
        for _ in 0..<20 {
            let bytes = WalkInputs.randomBytes(random: &random)
            compare(bytes)
            compare(bytes, rules: ScanRules(packetVersion: .any, maximumPacketLength: 300))
        }
    }
}
