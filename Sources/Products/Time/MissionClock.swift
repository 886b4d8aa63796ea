/// Converts a mission's elapsed time (MET, seconds on the spacecraft clock) to TT2000 (nanoseconds
/// since J2000 in Terrestrial Time, as CDF TIME_TT2000 stores it).
///
/// Implementations: a linear clock (a UTC epoch and a tick rate) and a SPICE clock built from text
/// kernels (LSK + SCLK, parsed directly). Must be cheap per value: products convert one time per record.
public protocol MissionClock: Sendable {
    /// TT2000 nanoseconds for a MET in seconds.
    func tt2000(met: Double) -> Int64
}

extension MissionClock {
    /// Converts a column of METs.
    public func tt2000(met values: [Double]) -> [Int64] { values.map { tt2000(met: $0) } }
}
