import CDF
import Foundation
import Products
import Testing

/// LinearClock against hand computations: TT2000 = (UTC seconds since 2000-01-01T12:00:00, no leap
/// seconds) * 1e9 + (TAI - UTC) * 1e9 + 32.184e9.
@Suite struct ClockLinearTests {
    @Test func epochAndWholeSeconds() throws {
        let clock = try LinearClock(epoch: "2010-01-01T00:00:00", at: ConfigLocation(file: "t", line: 1))
        // 2010-01-01 is 3653 days after 2000-01-01: 3653*86400 - 43200 = 315,576,000 s; TAI-UTC = 34 s.
        #expect(clock.tt2000(met: 0) == 315_576_000_000_000_000 + 34_000_000_000 + 32_184_000_000)
        #expect(clock.tt2000(met: 86_400.5) == 315_662_400_500_000_000 + 66_184_000_000)
        // The field notes' anchor: 2025-01-01T00:00:00 UTC = 788961669184000000 (TAI-UTC 37 s).
        // 2010-01-01 -> 2025-01-01 is 5479 days = 473,385,600 s.
        #expect(clock.tt2000(met: 473_385_600) == 788_961_669_184_000_000)
        #expect(clock.tt2000(met: 473_385_600) == (try TT2000Converter().tt2000(.init(2025, 1, 1))))
    }

    @Test func leapSecondIsSkippedByTheCount() throws {
        // Epoch one second before the 2016-12-31T23:59:60 leap second.
        let clock = try LinearClock(epoch: "2016-12-31T23:59:59", at: ConfigLocation(file: "t", line: 1))
        // 2016-12-31 is 6209 days after 2000-01-01: 6209*86400 + 86399 - 43200 = 536,500,799 s; TAI-UTC 36 s.
        let before = clock.tt2000(met: 0)
        #expect(before == 536_500_799_000_000_000 + 36_000_000_000 + 32_184_000_000)
        // MET 1 is 2017-01-01T00:00:00 UTC (TAI-UTC 37 s): two TT seconds later.
        #expect(clock.tt2000(met: 1) - before == 2_000_000_000)
        #expect(clock.tt2000(met: 1) == (try TT2000Converter().tt2000(.init(2017, 1, 1))))
        #expect(clock.tt2000(met: 0.25) == before + 250_000_000)
    }

    @Test func ticksAtARate() throws {
        let clock = try LinearClock(epoch: .init(2010, 1, 1), ticksPerSecond: 50_000)
        #expect(clock.tt2000(ticks: 50_000 * 60 + 1) == clock.tt2000(met: 60) + 20_000)
    }

    @Test func badEpochNamesTheLocation() {
        #expect(throws: ConfigurationError.self) { try LinearClock(epoch: "2010-13-01", at: ConfigLocation(file: "m.yaml", line: 7)) }
        do {
            _ = try LinearClock(epoch: "yesterday", at: ConfigLocation(file: "m.yaml", line: 7))
            Issue.record("accepted a bad epoch")
        } catch {
            #expect(error.description.hasPrefix("m.yaml:7: "))
        }
        #expect(throws: ConfigurationError.self) { try LinearClock(epoch: .init(1970, 1, 1)) }
        #expect(throws: ConfigurationError.self) { try LinearClock(epoch: .init(2010, 1, 1), ticksPerSecond: 0) }
    }
}
