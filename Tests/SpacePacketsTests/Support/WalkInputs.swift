import Foundation
import SpacePackets

/// Inputs shared by the suites that compare a walk cut in pieces (chunks, lanes) with the plain
/// walk: each is built to put findings across every seam.
enum WalkInputs {
    /// The mixed synthetic file with every kind of fault (`seed` picks the places).
    static func faultyMixed(seed: UInt64) throws -> [UInt8] {
        var plan = SynthesisPlan.mixed(seed: seed, targetBytes: 400_000)
        plan.faults.junk = 6
        plan.faults.drops = 20
        plan.faults.duplicates = 10
        plan.faults.segmented = 8
        plan.faults.orphanSegments = 3
        plan.faults.idle = 30
        plan.faults.wrapSequenceCounts = true
        plan.faults.truncateFinalPacket = seed % 2 == 0
        return try PacketSynthesizer.bytes(plan).0
    }

    /// 4000 short packets of two APIDs: a gap every 97 packets, a duplicate every 131, rollover
    /// past 16383.
    static func sequenceBreaks() -> [UInt8] {
        var bytes: [UInt8] = []
        for i in 0..<4000 {
            let apid: UInt16 = i % 3 == 0 ? 5 : 6
            var sequence = UInt16((i + 16300) % 16384)
            if i % 97 == 0 { sequence = (sequence + 5) % 16384 }
            if i % 131 == 0, i > 0 { sequence = UInt16((i - 1 + 16300) % 16384) }
            bytes += packet(apid: apid, sequence: sequence, payload: [UInt8](repeating: UInt8(i & 0xFF), count: 20 + i % 7))
        }
        return bytes
    }

    /// The real files of every layout at hand: CCSDSPy's CYGNSS (multi-APID), Europa Clipper and
    /// variable-length samples, and the IMAP Level-0 files when ../shared is present.
    static func realFiles() throws -> [(name: String, bytes: [UInt8])] {
        let data = try Fixtures.ccsdspyData()
        var files = ["split/CYGNSS_F7_L0_2022_086_10_15_V01_F__first101pkts.tlm", "europa_clipper/ecm_raw2.bin",
                     "var_length/var_length_packets.bin"].map { data.appendingPathComponent($0) }
        files += Fixtures.imapLevel0Files()
        return try files.map { ($0.lastPathComponent, [UInt8](try Data(contentsOf: $0))) }
    }

    /// `clean` with a few random bit flips, deletions and insertions.
    static func mutated(_ clean: [UInt8], random: inout SplitMix64) -> [UInt8] {
        var bytes = clean
        for _ in 0..<(1 + Int(random.next() % 6)) {
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 3 {
            case 0: bytes[at] ^= UInt8(1 << (random.next() % 8))
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 100)))
            default: bytes.insert(contentsOf: (0..<(1 + random.next() % 50)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
            }
        }
        return bytes
    }

    /// 8 KiB of random bytes, every fifth byte made header-like half the time.
    static func randomBytes(random: inout SplitMix64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 8192)
        bytes.withUnsafeMutableBytes { random.fill($0.baseAddress!, count: 8192) }
        for i in stride(from: 0, to: bytes.count, by: 5) where random.next() % 2 == 0 { bytes[i] &= 0x1F }
        return bytes
    }
}

/// Prints where two indexes that should be equal first differ (for a failing comparison).
func describeDifference(_ a: PacketIndex, _ b: PacketIndex) {
    print("apids \(a.apids.map(\.apid)) vs \(b.apids.map(\.apid)); counts \(a.apids.map(\.count)) vs \(b.apids.map(\.count));",
          "anomalies \(a.anomalies.count) vs \(b.anomalies.count); idle \(a.idlePackets) vs \(b.idlePackets);",
          "skipped \(a.skippedBytes) vs \(b.skippedBytes)")
    for (x, y) in zip(a.anomalies, b.anomalies) where x != y {
        print("first differing anomaly: \(x) vs \(y)")
        break
    }
}
