import SpacePackets
import Testing

@Suite struct TimeCodeTests {
    /// A packet with a secondary header holding `code` at byte 6.
    func timed(_ code: [UInt8]) -> [UInt8] {
        packet(apid: 1, sequence: 0, payload: code + [0], secondary: true)
    }

    func decode(_ spec: String, _ code: [UInt8]) throws -> SpacecraftTime? {
        let tc = try TimeCode(parsing: spec)
        let bytes = timed(code)
        return bytes.withUnsafeBytes { tc.decode($0, packetOffset: 0, packetLength: bytes.count) }
    }

    @Test func cucCoarseAndFine() throws {
        // 0x12345678 s + 0x8000/65536 = 305419896.5 s.
        let t = try #require(try decode("cuc:4.2", [0x12, 0x34, 0x56, 0x78, 0x80, 0x00]))
        #expect(t.seconds == 305_419_896)
        #expect(t.attoseconds == 500_000_000_000_000_000)
        // 3 fine octets: 0x000001 / 2^24 s = 59604644775.390625 as = 59604644775 as truncated.
        let fine3 = try #require(try decode("cuc:1.3", [0x05, 0x00, 0x00, 0x01]))
        #expect(fine3.seconds == 5)
        #expect(fine3.attoseconds == 59_604_644_775)
        let max3 = try #require(try decode("cuc:1.3", [0x00, 0xFF, 0xFF, 0xFF]))
        #expect(max3.attoseconds == 999_999_940_395_355_224)
    }

    @Test func cucWithPField() throws {
        // P-field 0x2E: no extension, id 010 (agency epoch), 4 coarse (11+1), 2 fine (10).
        let t = try #require(try decode("cuc:1.0,pfield", [0x2E, 0x00, 0x00, 0x01, 0x00, 0x40, 0x00]))
        #expect(t.seconds == 256)
        #expect(t.attoseconds == 250_000_000_000_000_000)
        // A CDS P-field where CUC is configured is refused.
        #expect(try decode("cuc:4.2,pfield", [0x40, 0, 0, 0, 0, 0, 0]) == nil)
    }

    @Test func cdsDayMillisecondsAndSubmilliseconds() throws {
        // Day 2, 3,723,004 ms (01:02:03.004), 567 µs.
        let t = try #require(try decode("cds:16.16", [0x00, 0x02, 0x00, 0x38, 0xCE, 0xFC, 0x02, 0x37]))
        #expect(t.seconds == 2 * 86_400 + 3723)
        #expect(t.attoseconds == 4_567_000_000_000_000)
        #expect(t.description == "1958-01-03T01:02:03.004567")
        // 24-bit day, picoseconds.
        let p = try #require(try decode("cds:24.32", [0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07]))
        #expect(p.seconds == 86_400)
        #expect(p.attoseconds == 1_000_000_000_000_000 + 7_000_000)
        // Sub-millisecond microseconds must be below 1000.
        #expect(try decode("cds:16.16", [0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE8]) == nil)
    }

    @Test func cdsPFieldSelectsTheLayout() throws {
        // P-field 0x45: id 100, agency epoch, 24-bit day (bit 2), sub-ms 01 = µs.
        let t = try #require(try decode("cds:16.0,pfield", [0x45, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x01]))
        #expect(t.seconds == 3 * 86_400 + 1)
        #expect(t.attoseconds == 1_000_000_000_000)
    }

    @Test func epochsAndCalendar() throws {
        let tc = try TimeCode(parsing: "cuc:4.0,epoch=2010-01-01")
        #expect(tc.epoch == TimeEpoch(year: 2010, month: 1, day: 1))
        #expect(TimeEpoch(year: 1970, month: 1, day: 1).daysSince1970 == 0)
        #expect(TimeEpoch(year: 2000, month: 3, day: 1).daysSince1970 == 11_017)
        #expect(TimeEpoch.ccsds.daysSince1970 == -4383)
        let t = SpacecraftTime(epoch: tc.epoch, seconds: 86_400 * 366 + 61, attoseconds: 0)
        #expect(t.description == "2011-01-02T00:01:01.000000")
    }

    @Test func packetsWithoutSecondaryHeaderOrTooShortHaveNoTime() throws {
        let tc = try TimeCode(parsing: "cuc:4.2")
        let plain = packet(apid: 1, sequence: 0, payload: [1, 2, 3, 4, 5, 6, 7], secondary: false)
        #expect(plain.withUnsafeBytes { tc.decode($0, packetOffset: 0, packetLength: plain.count) } == nil)
        let short = packet(apid: 1, sequence: 0, payload: [1, 2, 3], secondary: true)
        #expect(short.withUnsafeBytes { tc.decode($0, packetOffset: 0, packetLength: short.count) } == nil)
    }

    @Test func badSpecificationsAreClearErrors() {
        for spec in ["cuc:5.0", "cuc:4", "xyz:1.1", "cds:8.0", "cds:16.8", "cuc:4.2,bogus", "cuc:4.2,epoch=2010-13-01"] {
            #expect(throws: SpacePacketError.self) { try TimeCode(parsing: spec) }
        }
        #expect(throws: SpacePacketError.invalidTimeCode(spec: "cuc:4.2,bogus", reason: "unknown option 'bogus'")) {
            try TimeCode(parsing: "cuc:4.2,bogus")
        }
    }

    @Test func synthesizedTimesAreRecovered() throws {
        var plan = SynthesisPlan.mixed(seed: 3, targetBytes: 50_000)
        plan.startSeconds = 1000
        plan.cadence = 0.25
        let (bytes, _) = try PacketSynthesizer.bytes(plan)
        let index = scan(bytes)
        let tc = try TimeCode(parsing: "cuc:4.2")
        var times: [SpacecraftTime] = []
        bytes.withUnsafeBytes { raw in
            for packets in index.apids {
                for i in 0..<packets.count {
                    times.append(tc.decode(raw, packetOffset: packets.offsets[i], packetLength: Int(packets.lengths[i]))!)
                }
            }
        }
        times.sort()
        #expect(times.first == SpacecraftTime(epoch: .ccsds, seconds: 1000, attoseconds: 0))
        #expect(times[1] == SpacecraftTime(epoch: .ccsds, seconds: 1000, attoseconds: 250_000_000_000_000_000))
        #expect(times.count == index.packetCount)
    }
}
