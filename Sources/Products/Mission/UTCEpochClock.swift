import CDF

/// The mission clock of `time: linear:` — MET ticks counted from a UTC epoch, converted to TT2000 as
/// `tt2000(epoch) + met / ticksPerSecond` seconds (MET counts SI seconds, so leap seconds after the
/// epoch are in it; the epoch itself goes through the leap-second table).
///
/// Kept internal to the loader until Sources/Products/Time/LinearClock.swift (the shared clock) is on
/// main; costs one multiply-add per value.
struct UTCEpochClock: MissionClock {
    let epochTT2000: Int64
    let ticksPerSecond: Double

    func tt2000(met: Double) -> Int64 {
        epochTT2000 &+ Int64((met / ticksPerSecond * 1e9).rounded())
    }
}
