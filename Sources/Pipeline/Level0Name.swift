import Products

/// Reads instrument, day and version from an L0 file name `<mission>_<instrument>_l0_<YYYYMMDD>_v<NNN>.<ext>`
/// (the demo mission's and IMAP's rule). Nil for any other name.
public struct Level0Name: Sendable, Hashable {
    public var instrument: String
    public var day: MissionDay
    public var version: Int

    public init?(fileName: String) {
        let stem = fileName.split(separator: ".", maxSplits: 1).first.map(String.init) ?? fileName
        let parts = stem.split(separator: "_").map(String.init)
        guard let l0 = parts.firstIndex(of: "l0"), l0 >= 1, l0 + 1 < parts.count,
              let day = MissionDay(parts[l0 + 1]) else { return nil }
        instrument = parts[l0 - 1]
        self.day = day
        if l0 + 2 < parts.count, parts[l0 + 2].hasPrefix("v"), let v = Int(parts[l0 + 2].dropFirst()) { version = v } else { version = 1 }
    }
}
