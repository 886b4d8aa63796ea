import CDF

/// ISO 8601 UTC text for TT2000 values, with leap seconds (CDF.TT2000Converter), rounded to a number
/// of fraction digits: what products store as human-readable start times (e.g. SWAPI's
/// sci_start_time, `2024-09-24T13:21:45.000`). Costs: one table scan per value.
public enum UTCText {
    /// `YYYY-MM-DDThh:mm:ss[.f...]` of `tt2000`, rounded half away from zero to `digits` (0-9)
    /// fraction digits; nil before 1972.
    public static func iso(tt2000: Int64, digits: Int = 3, leapSeconds: LeapSecondTable = .builtin) -> String? {
        let d = max(0, min(9, digits))
        var unit: Int64 = 1
        for _ in 0..<(9 - d) { unit *= 10 }
        let half = unit / 2
        let rounded = tt2000 >= 0 ? (tt2000 + half) / unit * unit : -((-tt2000 + half) / unit * unit)
        guard let utc = try? TT2000Converter(table: leapSeconds).utc(rounded) else { return nil }
        let text = utc.description   // ...ss.nnnnnnnnn
        return d == 0 ? String(text.prefix(19)) : String(text.prefix(20 + d))
    }
}
