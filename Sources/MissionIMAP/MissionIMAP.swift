import Products

/// IMAP's mission-specific product steps, registered under the names testdata/missions/imap recipes use.
public enum MissionIMAP {
    /// Adds IMAP's steps to `library`.
    public static func register(into library: inout AlgorithmLibrary) {}
}
