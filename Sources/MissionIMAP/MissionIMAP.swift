import Products

/// IMAP's mission-specific product steps, registered under the names testdata/missions/imap recipes use.
public enum MissionIMAP {
    /// Adds IMAP's steps to `library`:
    /// - `imap.mag.l1a` (MAGL1A): MAG vectors per sensor, `sensor: mago | magi`;
    /// - `imap.swapi.l1` (SWAPIL1): SWAPI science sweeps, decompressed counts, flags, uncertainties;
    /// - `imap.swapi.l2` (SWAPIL2): SWAPI count rates and their uncertainties (and ESA energies when
    ///   the recipe names the two lookup tables).
    public static func register(into library: inout AlgorithmLibrary) {
        library.register("imap.mag.l1a", MAGL1A.factory)
        library.register("imap.swapi.l1", SWAPIL1.factory)
        library.register("imap.swapi.l2", SWAPIL2.factory)
    }
}
