import CDF
import SpacePackets

/// A mission clock that counts ticks at a fixed rate from a UTC epoch: MET seconds = ticks / rate,
/// and the instant is the epoch plus MET seconds of UTC *ignoring leap seconds* (the way POSIX time
/// and most spacecraft clocks without a correlation kernel count), converted to TT2000 with the
/// leap seconds of the table (CDF.LeapSecondTable). So across a leap second, one MET second later is
/// two TT2000 seconds later, and no MET maps into the 23:59:60 second itself.
///
/// Costs: a scan of the leap-second table from its end per conversion; no allocation.
public struct LinearClock: MissionClock {
    /// The epoch (MET 0) in UTC.
    public let epoch: TT2000Converter.UTC
    public let ticksPerSecond: Double
    public let leapSeconds: LeapSecondTable
    /// The epoch as nanoseconds of UTC since 2000-01-01T12:00:00 ignoring leap seconds.
    private let epochNanos: Int64
    /// Each table entry's start in the same count, with TAI - UTC in nanoseconds.
    private let steps: [(start: Int64, taiMinusUTC: Int64)]

    static let ttMinusTAINanos: Int64 = 32_184_000_000

    /// A clock whose MET 0 is `epoch` (UTC, from 1972 on) and which counts `ticksPerSecond`.
    public init(epoch: TT2000Converter.UTC, ticksPerSecond: Double = 1, leapSeconds: LeapSecondTable = .builtin) throws(ConfigurationError) {
        let here = ConfigLocation(file: "clock", line: 0)
        guard epoch.year >= 1972, (1...12).contains(epoch.month), (1...31).contains(epoch.day), (0...23).contains(epoch.hour),
              (0...59).contains(epoch.minute), (0...59).contains(epoch.second), (0..<1_000_000_000).contains(epoch.nanosecond) else {
            throw ConfigurationError("clock epoch \(epoch) must be a UTC time from 1972 on (no leap second 23:59:60)", at: here)
        }
        guard ticksPerSecond > 0, ticksPerSecond.isFinite else {
            throw ConfigurationError("ticks per second must be positive, got \(ticksPerSecond)", at: here)
        }
        self.epoch = epoch; self.ticksPerSecond = ticksPerSecond; self.leapSeconds = leapSeconds
        epochNanos = Self.nanos(days: CivilCalendar.days(year: epoch.year, month: epoch.month, day: epoch.day),
                                secondOfDay: Int64(epoch.hour * 3600 + epoch.minute * 60 + epoch.second)) + Int64(epoch.nanosecond)
        steps = leapSeconds.entries.map { e in
            (Self.nanos(days: CivilCalendar.days(year: e.year, month: e.month, day: e.day), secondOfDay: 0), Int64(e.taiMinusUTC) * 1_000_000_000)
        }
    }

    /// Parses an ISO 8601 epoch such as `2010-01-01T00:00:00` or `2010-01-01T00:00:00.5`.
    public init(epoch text: String, ticksPerSecond: Double = 1, leapSeconds: LeapSecondTable = .builtin, at location: ConfigLocation) throws(ConfigurationError) {
        guard let utc = Self.parseISO(text) else {
            throw ConfigurationError("cannot read the clock epoch '\(text)' (expected YYYY-MM-DDThh:mm:ss[.fff] in UTC)", at: location)
        }
        do { try self.init(epoch: utc, ticksPerSecond: ticksPerSecond, leapSeconds: leapSeconds) } catch {
            throw ConfigurationError(error.message, at: location)
        }
    }

    /// TT2000 of a clock reading in ticks.
    public func tt2000(ticks: Double) -> Int64 { tt2000(met: ticks / ticksPerSecond) }

    public func tt2000(met: Double) -> Int64 {
        guard met.isFinite, abs(met) < 9e9 else { return Int64.min }
        let whole = met.rounded(.down)
        let utc = epochNanos + Int64(whole) * 1_000_000_000 + Int64(((met - whole) * 1e9).rounded())
        var i = steps.count - 1
        while i > 0, steps[i].start > utc { i -= 1 }
        return utc + steps[i].taiMinusUTC + Self.ttMinusTAINanos
    }

    private static func nanos(days: Int64, secondOfDay: Int64) -> Int64 {
        ((days - CivilCalendar.j2000Days) * 86_400 + secondOfDay - 43_200) * 1_000_000_000
    }

    static func parseISO(_ text: String) -> TT2000Converter.UTC? {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let ymd = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard ymd.count == 3, ymd[0].count == 4, let y = Int(ymd[0]), let mo = Int(ymd[1]), let d = Int(ymd[2]) else { return nil }
        var h = 0, mi = 0, s = 0, ns = 0
        if parts.count == 2 {
            let hms = parts[1].hasSuffix("Z") ? parts[1].dropLast() : parts[1]
            let f = hms.split(separator: ":", omittingEmptySubsequences: false)
            guard f.count == 3, let hh = Int(f[0]), let mm = Int(f[1]) else { return nil }
            let sec = f[2].split(separator: ".", omittingEmptySubsequences: false)
            guard sec.count <= 2, let ss = Int(sec[0]) else { return nil }
            h = hh; mi = mm; s = ss
            if sec.count == 2 {
                let digits = sec[1]
                guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isNumber), let v = Int(digits) else { return nil }
                ns = v * Int(pow10(9 - digits.count))
            }
        }
        return TT2000Converter.UTC(y, mo, d, h, mi, s, nanosecond: ns)
    }

    private static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { r, _ in r * 10 } }
}
