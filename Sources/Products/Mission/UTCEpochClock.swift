import CDF

/// The mission clock of `time: linear:` — MET = ticks / rate counted from a UTC epoch as UTC seconds
/// *ignoring leap seconds* (every UTC day is 86400 MET seconds), converted to TT2000 with the
/// leap-second table: the same convention as Sources/Products/Time/LinearClock.swift (the shared
/// clock, which replaces this one once both are on main).
///
/// Costs: a scan of the leap-second table from its end per value; no allocation.
struct UTCEpochClock: MissionClock {
    /// The epoch as POSIX seconds (UTC, no leap seconds).
    let epochPOSIX: Double
    let ticksPerSecond: Double
    /// Each table entry's start in POSIX seconds, with TAI - UTC.
    let steps: [(start: Double, taiMinusUTC: Double)]

    init(epoch: TT2000Converter.UTC, ticksPerSecond: Double, leapSeconds: LeapSecondTable = .builtin) {
        let day = MissionDay(year: epoch.year, month: epoch.month, day: epoch.day)!
        epochPOSIX = Double(day.dayNumber) * 86400 + Double(epoch.hour * 3600 + epoch.minute * 60 + epoch.second)
            + Double(epoch.nanosecond) / 1e9
        self.ticksPerSecond = ticksPerSecond
        steps = leapSeconds.entries.map { e in
            (Double(MissionDay(year: e.year, month: e.month, day: e.day)!.dayNumber) * 86400, Double(e.taiMinusUTC))
        }
    }

    func tt2000(met: Double) -> Int64 {
        guard met.isFinite, abs(met) < 9e9 else { return Int64.min }
        let seconds = met / ticksPerSecond
        let whole = seconds.rounded(.down)
        let posix = epochPOSIX + whole
        var i = steps.count - 1
        while i > 0, steps[i].start > posix { i -= 1 }
        let leap = steps.isEmpty ? 0 : steps[i].taiMinusUTC
        // TT2000 = (posix - 946728000 + leap + 32.184) s; whole seconds exactly, the fraction rounded.
        let wholeNanos = Int64(posix - 946_728_000 + leap) * 1_000_000_000 + 32_184_000_000
        return wholeNanos + Int64(((seconds - whole) * 1e9).rounded())
    }
}
