/// Conversions between UTC calendar times and CDF TIME_TT2000 (nanoseconds since J2000 TT), including
/// leap seconds (23:59:60), and CDF EPOCH / EPOCH16; valid from 1972-01-01 on (before that UTC had
/// fractional offsets that this converter does not model, and it says so with an error).
///
/// Costs: a linear scan of the leap-second table per conversion; no allocation.
public struct TT2000Converter: Sendable {
    public let table: LeapSecondTable
    /// TT2000 of each table entry's 00:00:00 UTC, with its TAI - UTC.
    private let steps: [(tt: Int64, taiMinusUTC: Int64, days: Int64)]

    /// TT - TAI in nanoseconds.
    static let ttMinusTAINanos: Int64 = 32_184_000_000
    /// Days from 1970-01-01 to 2000-01-01.
    static let j2000Days: Int64 = 10_957

    public init(table: LeapSecondTable = .builtin) {
        self.table = table
        steps = table.entries.map { e in
            let days = Self.daysFromCivil(e.year, e.month, e.day)
            return (Self.tt(days: days, secondOfDay: 0, nanos: 0, taiMinusUTC: Int64(e.taiMinusUTC)), Int64(e.taiMinusUTC), days)
        }
    }

    /// A UTC instant as calendar fields; `second` may be 60 during a leap second. Costs nothing.
    public struct UTC: Sendable, Equatable, CustomStringConvertible {
        public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int
        public init(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0, nanosecond: Int = 0) {
            self.year = year; self.month = month; self.day = day
            self.hour = hour; self.minute = minute; self.second = second; self.nanosecond = nanosecond
        }
        /// ISO 8601 with nanoseconds, e.g. `2025-01-01T00:00:00.000000000`.
        public var description: String {
            func p(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
            return "\(p(year, 4))-\(p(month, 2))-\(p(day, 2))T\(p(hour, 2)):\(p(minute, 2)):\(p(second, 2)).\(p(nanosecond, 9))"
        }
    }

    /// TT2000 nanoseconds of a UTC instant.
    public func tt2000(_ t: UTC) throws -> Int64 {
        guard t.year >= 1972, (1...12).contains(t.month), (1...31).contains(t.day), (0...23).contains(t.hour),
              (0...59).contains(t.minute), (0...60).contains(t.second), (0..<1_000_000_000).contains(t.nanosecond) else {
            throw CDFError.timeOutOfRange("\(t) (fields out of range, or before 1972)")
        }
        let days = Self.daysFromCivil(t.year, t.month, t.day)
        let ls = taiMinusUTC(days: days)
        if t.second == 60 {
            // Only valid on the last minute of a day that precedes a leap second.
            guard t.hour == 23, t.minute == 59, taiMinusUTC(days: days + 1) == ls + 1 else {
                throw CDFError.timeOutOfRange("\(t) is not a leap second")
            }
        }
        return Self.tt(days: days, secondOfDay: Int64(t.hour * 3600 + t.minute * 60 + t.second), nanos: Int64(t.nanosecond), taiMinusUTC: ls)
    }

    /// The UTC instant of a TT2000 value (23:59:60.x during a leap second).
    public func utc(_ tt: Int64) throws -> UTC {
        guard let first = steps.first, tt >= first.tt else { throw CDFError.timeOutOfRange("TT2000 \(tt) is before 1972") }
        var i = steps.count - 1
        while steps[i].tt > tt { i -= 1 }
        let s = steps[i]
        // Inside the leap second that ends at the next step?
        if i + 1 < steps.count, tt >= steps[i + 1].tt - 1_000_000_000 {
            let into = tt - (steps[i + 1].tt - 1_000_000_000)
            var c = Self.civil(fromDays: steps[i + 1].days - 1)
            c.hour = 23; c.minute = 59; c.second = 60; c.nanosecond = Int(into)
            return c
        }
        let utcNanosSinceJ2000Noon = tt - Self.ttMinusTAINanos - s.taiMinusUTC * 1_000_000_000
        let sinceEpochDay = utcNanosSinceJ2000Noon + 43_200 * 1_000_000_000   // from 2000-01-01T00:00:00 UTC
        let dayIndex = Self.floorDiv(sinceEpochDay, 86_400 * 1_000_000_000)
        let inDay = sinceEpochDay - dayIndex * 86_400 * 1_000_000_000
        var c = Self.civil(fromDays: dayIndex + Self.j2000Days)
        let secs = Int(inDay / 1_000_000_000)
        c.hour = secs / 3600; c.minute = (secs / 60) % 60; c.second = secs % 60
        c.nanosecond = Int(inDay % 1_000_000_000)
        return c
    }

    /// TAI - UTC in seconds on day `days` (since 1970-01-01).
    private func taiMinusUTC(days: Int64) -> Int64 {
        var r = steps[0].taiMinusUTC
        for s in steps where s.days <= days { r = s.taiMinusUTC }
        return r
    }

    private static func tt(days: Int64, secondOfDay: Int64, nanos: Int64, taiMinusUTC: Int64) -> Int64 {
        // Seconds from 2000-01-01T12:00:00 UTC (no leap seconds), then shift to TT.
        let secs = (days - j2000Days) * 86_400 + secondOfDay - 43_200
        return secs * 1_000_000_000 + nanos + taiMinusUTC * 1_000_000_000 + ttMinusTAINanos
    }

    // MARK: EPOCH (ms since 0000-01-01, no leap seconds) and EPOCH16 (s, ps)

    /// Days from 0000-01-01 to 1970-01-01 in the proleptic Gregorian calendar.
    static let epochDaysTo1970: Int64 = 719_528

    /// CDF EPOCH (milliseconds since 0000-01-01T00:00:00, leap seconds ignored) of a UTC instant.
    public static func epoch(_ t: UTC) -> Double {
        let days = daysFromCivil(t.year, t.month, t.day) + epochDaysTo1970
        let secs = Double(days * 86_400 + Int64(t.hour * 3600 + t.minute * 60 + t.second))
        return secs * 1000 + Double(t.nanosecond / 1_000_000)
    }

    /// CDF EPOCH16 (seconds since 0000-01-01, picoseconds) of a UTC instant.
    public static func epoch16(_ t: UTC, picoseconds: Int = 0) -> (Double, Double) {
        let days = daysFromCivil(t.year, t.month, t.day) + epochDaysTo1970
        return (Double(days * 86_400 + Int64(t.hour * 3600 + t.minute * 60 + t.second)), Double(t.nanosecond) * 1000 + Double(picoseconds))
    }

    /// The UTC fields of a CDF EPOCH value (millisecond resolution).
    public static func utc(epoch ms: Double) -> UTC {
        let total = Int64(ms.rounded(.down))
        let days = floorDiv(total, 86_400_000)
        var c = civil(fromDays: days - epochDaysTo1970)
        let inDay = Int(total - days * 86_400_000)
        c.hour = inDay / 3_600_000; c.minute = (inDay / 60_000) % 60; c.second = (inDay / 1000) % 60
        c.nanosecond = (inDay % 1000) * 1_000_000
        return c
    }

    // MARK: calendar (proleptic Gregorian, days since 1970-01-01)

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = Int64(m <= 2 ? y0 - 1 : y0)
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = Int64((m + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> UTC {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return UTC(Int(y), Int(m), Int(d))
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
