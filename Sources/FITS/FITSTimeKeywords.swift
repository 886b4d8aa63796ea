import CFITSIO

/// The FITS time-convention keywords (FITS 4.0 section 9) for TT2000 values: time scale TT, reference
/// epoch J2000.0 = MJD 51544.5 TT (MJDREF, and its exact split MJDREFI + MJDREFF, which readers
/// prefer), time unit seconds; TT2000 columns carry TUNITn = 'ns'. Costs five keywords.
enum FITSTimeKeywords {
    static func write(to file: borrowing FITSFile) throws(FITSError) {
        try file.call("ffpkys(TIMESYS)") { ffpkys($0, "TIMESYS", "TT", "time scale of TT2000 values", &$1) }
        try file.call("ffpkyd(MJDREF)") { ffpkyd($0, "MJDREF", 51544.5, -17, "J2000.0 TT as MJD (MJDREFI + MJDREFF)", &$1) }
        try file.call("ffpkyj(MJDREFI)") { ffpkyj($0, "MJDREFI", 51544, "J2000.0 TT: integer part of MJD", &$1) }
        try file.call("ffpkyd(MJDREFF)") { ffpkyd($0, "MJDREFF", 0.5, -17, "J2000.0 TT: fraction of MJD", &$1) }
        try file.call("ffpkys(TIMEUNIT)") { ffpkys($0, "TIMEUNIT", "s", "TT2000 columns: TUNITn = ns since MJDREF", &$1) }
    }
}
