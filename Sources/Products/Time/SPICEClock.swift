import CDF
import Foundation

/// A mission clock from SPICE text kernels, parsed directly (no SPICE library): an LSK (leap seconds
/// and the TDB - TT constants) and a type 1 SCLK kernel (the spacecraft clock's coefficients).
///
/// MET -> TT2000 follows, in the same floating-point operations and order, what IMAP's
/// `imap_processing.spice.time.met_to_ttj2000ns` does through CSPICE: encoded ticks = MET / tick
/// duration (the tick duration being 1 / ticks-per-second, 2e-5 s for IMAP), `sct2e` (the piecewise
/// linear SCLK map to the parallel time, then TDT -> TDB with the LSK's K, EB, M), `unitim` ET -> TT
/// (three fixed-point iterations), times 1e9 and truncated to int64. The results are equal bit for bit
/// to imap_processing 1.0.40's (ClockSPICETests checks every SHCOARSE of the IMAP SWAPI and MAG L0).
/// Where SPICE would refuse a tick value (before the first coefficient or after the last partition)
/// this clock extrapolates the nearest coefficient record; `contains(met:)` tells the two apart.
///
/// Costs: a binary search over the coefficient records and five `sin` per conversion; no allocation.
public struct SPICEClock: MissionClock {
    public let sclk: SCLKKernel
    /// The LSK's leap-second table (for UTC conversions of the results, via CDF.TT2000Converter).
    public let leapSeconds: LeapSecondTable
    /// DELTET/K, DELTET/EB, DELTET/M (two values) from the LSK.
    public let k: Double, eb: Double, m0: Double, m1: Double
    /// Seconds per tick, as imap_processing's TICK_DURATION (2e-5 for IMAP).
    public let tickDuration: Double
    private let ticksPerMostSignificantCount: Double
    private let maximumTicks: Double

    /// Reads the two kernels. `spacecraft` picks the clock in an SCLK kernel holding several.
    public init(leapSecondKernel lskPath: String, clockKernel sclkPath: String, spacecraft: Int? = nil) throws(ConfigurationError) {
        try self.init(leapSecondKernel: TextKernel(contentsOf: lskPath), clockKernel: SCLKKernel(contentsOf: sclkPath, spacecraft: spacecraft))
    }

    public init(leapSecondKernel lsk: TextKernel, clockKernel sclk: SCLKKernel) throws(ConfigurationError) {
        self.sclk = sclk
        k = try lsk.numbers("DELTET/K", count: 1)[0]
        eb = try lsk.numbers("DELTET/EB", count: 1)[0]
        let m = try lsk.numbers("DELTET/M", count: 2)
        m0 = m[0]; m1 = m[1]
        _ = try lsk.numbers("DELTET/DELTA_T_A", count: 1)
        guard let text = try? String(contentsOfFile: lsk.file, encoding: .utf8) else {
            throw ConfigurationError("cannot read the leap-second kernel", at: ConfigLocation(file: lsk.file, line: 0))
        }
        do {
            leapSeconds = try LeapSecondTable(naifKernel: text)
        } catch {
            throw ConfigurationError("leap-second table: \(error)", at: lsk.location(of: "DELTET/DELTA_AT"))
        }
        ticksPerMostSignificantCount = sclk.ticksPerSecond
        tickDuration = 1.0 / sclk.ticksPerSecond
        maximumTicks = sclk.maximumTicks
    }

    /// Whether SPICE itself would convert this MET (its ticks lie within the clock's partitions).
    public func contains(met: Double) -> Bool {
        let ticks = met / tickDuration
        return ticks >= sclk.coefficients[0].ticks && ticks <= maximumTicks
    }

    public func tt2000(met: Double) -> Int64 {
        let tt = terrestrialTime(ticks: met / tickDuration)
        let ns = tt * 1e9
        // numpy's float -> int64 cast truncates toward zero; clamp what int64 cannot hold.
        guard ns.isFinite else { return Int64.min }
        if ns >= 9.2e18 { return Int64.max }
        if ns <= -9.2e18 { return Int64.min }
        return Int64(ns)
    }

    /// TT seconds past J2000 of encoded SCLK ticks: CSPICE's sct2e then unitim(ET -> TT).
    public func terrestrialTime(ticks: Double) -> Double {
        let c = sclk.coefficients
        var lower = 0
        if ticks < c[c.count - 1].ticks {
            var upper = c.count - 1
            while lower < upper - 1 {
                let middle = (lower + upper) / 2
                if ticks < c[middle].ticks { upper = middle } else { lower = middle }
            }
        } else {
            lower = c.count - 1
        }
        let rate = c[lower].rate / ticksPerMostSignificantCount
        let parallel = c[lower].parallelTime + rate * (ticks - c[lower].ticks)
        let tdb: Double
        switch sclk.timeSystem {
        case .tdb: tdb = parallel
        case .tdt: tdb = parallel + k * sin(m0 + m1 * parallel + eb * sin(m0 + m1 * parallel))
        }
        var tdt = tdb
        for _ in 0..<3 { tdt = tdb - k * sin(m0 + m1 * tdt + eb * sin(m0 + m1 * tdt)) }
        return tdt
    }
}
