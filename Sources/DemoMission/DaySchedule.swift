/// The commanded timeline of one day, drawn from (seed, day): when the payload is in SAFE and in
/// CALIBRATION (hk MODE, spec MODE, HV), and the intervals the magnetometer spends in a range other
/// than 0. Times are seconds of the day.
///
/// Cost: a handful of integers, built once per file.
struct DaySchedule: Sendable {
    /// Payload mode: SAFE briefly (10-30 min), CALIBRATION once (20 min), else SCIENCE.
    let safe: Range<Int>
    let calibration: Range<Int>
    /// Magnetometer range switches (ranges 1, 2, 3), 20-60 min each; range 0 elsewhere.
    let ranges: [(seconds: Range<Int>, range: UInt8)]

    init(seed: UInt64, day: DemoDate) {
        var random = DemoRandom(seed, 0x5C4E_D01E, UInt64(bitPattern: Int64(day.dayNumber)))
        let safeStart = random.integer(2 * 3600..<9 * 3600)
        safe = safeStart..<(safeStart + random.integer(600..<1800))
        let calibrationStart = random.integer(12 * 3600..<20 * 3600)
        calibration = calibrationStart..<(calibrationStart + 1200)
        var switches: [(seconds: Range<Int>, range: UInt8)] = []
        for (i, range) in [UInt8(1), 2, 3].enumerated() {
            // One switch in each third of the day, so they never overlap.
            let start = i * 28800 + random.integer(1800..<(28800 - 3 * 3600))
            switches.append((start..<(start + random.integer(1200..<3600)), range))
        }
        ranges = switches
    }

    enum Mode: UInt8 { case safe = 0, science = 1, calibration = 2 }

    @inline(__always) func mode(at second: Int) -> Mode {
        if safe.contains(second) { return .safe }
        if calibration.contains(second) { return .calibration }
        return .science
    }

    @inline(__always) func magRange(at second: Int) -> UInt8 {
        for entry in ranges where entry.seconds.contains(second) { return entry.range }
        return 0
    }
}
