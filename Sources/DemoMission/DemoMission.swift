import Foundation

/// The embedded demo mission (testdata/missions/demo): three instruments whose Level-0 files the
/// generator in this module writes, with values shaped like real data and a ground-truth manifest.
///
/// The clock: packets carry SHCOARSE (uint32, whole seconds) and SHFINE (uint16, 1/65536 s) of
/// mission elapsed time (MET) counted from 2010-01-01T00:00:00 UTC **as UTC seconds ignoring leap
/// seconds**: every UTC day is exactly 86400 MET seconds, so midnight of a day is at MET
/// 86400 * (days since 2010-01-01), and MET converts to UTC with no table. TT2000 follows from the
/// UTC time through the leap second table. The same statement heads each definition file.
///
/// Layouts (agreed with the mission's recipes; see definitions/*.xml), after the 6-byte primary
/// header and the 6-byte secondary header:
/// - mag, APID 1100, DEMO_MAG_SCI: MODE u8, RANGE u8, VECTOR_COUNT u8, 16 vectors x (x, y, z) as
///   20-bit two's complement counts packed MSB-first (120 bytes). 135 bytes, one a second.
/// - spec, APID 1200, DEMO_SPEC_SCI: MODE u8, SWEEP u16, ACCUM_MS u16, 32 count codes u8. 49 bytes,
///   one every 4 s.
/// - hk, APID 1300, DEMO_HK: MODE u8, MAG_TEMP, SPEC_TEMP, BUS_VOLTAGE, BUS_CURRENT u16, HV_STATE u1,
///   SPARE u7. 22 bytes, one every 10 s.
public enum DemoMission {
    /// Days from 1970-01-01 to the MET epoch 2010-01-01.
    public static let epochDayNumber = 14610
    /// nT per count by RANGE (0..3).
    public static let nanoteslaPerCount: [Double] = [0.0078125, 0.03125, 0.125, 0.5]
    /// Per-axis zero offsets in nT (x, y, z), as in calibration/mag_calibration.csv:
    /// B = counts * nanoteslaPerCount[RANGE] - offset. The generator adds them before quantising.
    public static let magnetometerOffsets: [Double] = [0.412, -0.275, 0.138]
    /// Number of energy steps of a spectrometer sweep.
    public static let energySteps = 32
    /// Centre energy of each step in eV: 10 eV * 2000^(step / 31) (calibration/spec_energies.csv).
    public static let energies: [Double] = (0..<32).map { 10 * pow(2000, Double($0) / 31) }

    /// MET (seconds) of midnight UTC starting `day`.
    public static func met(atStartOf day: DemoDate) -> Int64 {
        Int64(day.dayNumber - epochDayNumber) * 86400
    }
}
