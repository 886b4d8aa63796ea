import Foundation
import SpacePackets
import Testing

/// Random bytes and random mutations of real and generated files, bounded in time: the scan never
/// crashes, and accounts for every byte. The same check runs under libFuzzer for longer runs
/// (Fuzz/ScanFuzzer, built by tools/build-fuzzer).
@Suite struct FuzzTests {
    static let budget: Double = ProcessInfo.processInfo.environment["DOWNLINK_FUZZ_SECONDS"].flatMap(Double.init) ?? 3

    func seeds() throws -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        var plan = SynthesisPlan.mixed(seed: 77, targetBytes: 20_000)
        plan.faults.segmented = 3
        seeds.append(try PacketSynthesizer.bytes(plan).0)
        for url in Fixtures.imapLevel0Files().prefix(6) {
            let data = try Data(contentsOf: url)
            seeds.append(Array(data.prefix(30_000)))
        }
        return seeds
    }

    @Test func randomBytes() {
        var random = SplitMix64(seed: 1)
        let deadline = Date().addingTimeInterval(Self.budget / 3)
        var runs = 0
        while Date() < deadline {
            let count = Int(random.next() % 4096)
            var bytes = [UInt8](repeating: 0, count: count)
            bytes.withUnsafeMutableBytes { if count > 0 { random.fill($0.baseAddress!, count: count) } }
            // Bias towards plausible headers: clear the version bits now and then.
            var i = 0
            while i < count {
                if random.next() % 3 == 0 { bytes[i] &= 0x1F }
                i += 1 + Int(random.next() % 64)
            }
            for rules in [ScanRules(), ScanRules(knownAPIDs: [1, 2, 3]), ScanRules(packetVersion: .any, maximumPacketLength: 300)] {
                checkAccounting(scan(bytes, rules: rules))
            }
            runs += 1
        }
        #expect(runs > 10)
    }

    @Test func mutatedFiles() throws {
        var random = SplitMix64(seed: 2)
        let seeds = try seeds()
        let deadline = Date().addingTimeInterval(Self.budget * 2 / 3)
        var runs = 0
        while Date() < deadline {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            let mutations = 1 + Int(random.next() % 8)
            for _ in 0..<mutations where !bytes.isEmpty {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: bytes[at] ^= UInt8(1 << (random.next() % 8))
                case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 100)))
                case 2: bytes.insert(contentsOf: (0..<(1 + random.next() % 50)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
                case 3: bytes.removeLast(Int(random.next() % UInt64(min(bytes.count, 300))))
                default:
                    // A length field set to something wrong.
                    if at + 6 <= bytes.count {
                        bytes[at + 4] = UInt8(truncatingIfNeeded: random.next())
                        bytes[at + 5] = UInt8(truncatingIfNeeded: random.next())
                    }
                }
            }
            for rules in [ScanRules(), ScanRules(knownAPIDs: [100, 200, 300, 1251, 1252, 672, 677])] {
                let index = scan(bytes, rules: rules)
                checkAccounting(index)
                for anomaly in index.anomalies { #expect(anomaly.offset >= 0 && anomaly.offset <= bytes.count) }
            }
            runs += 1
        }
        #expect(runs > 10)
    }
}
