import SpacePackets

/// One UTC calendar day of a mission: the unit L0 files, products and jobs are organised by.
///
/// Costs nothing (three integers); arithmetic goes through a day number (days since 1970-01-01).
public struct MissionDay: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let year: Int, month: Int, day: Int

    /// A valid Gregorian date, or nil.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses `YYYY-MM-DD` or `YYYYMMDD`.
    public init?(_ text: some StringProtocol) {
        let digits = String(text.filter { $0 != "-" })
        guard digits.count == 8, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              text.count == 8 || (text.count == 10 && Array(text)[4] == "-" && Array(text)[7] == "-"),
              let v = Int(digits) else { return nil }
        self.init(year: v / 10000, month: v / 100 % 100, day: v % 100)
    }

    /// Days since 1970-01-01 (negative before).
    public var dayNumber: Int { CivilCalendar.dayNumber(year: year, month: month, day: day) }

    public init(dayNumber: Int) {
        (year, month, day) = CivilCalendar.date(dayNumber: dayNumber)
    }

    public func adding(days: Int) -> MissionDay { MissionDay(dayNumber: dayNumber + days) }

    /// `YYYY-MM-DD`.
    public var description: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
    /// `YYYYMMDD`, as in file names.
    public var compact: String { "\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))" }

    public static func < (a: MissionDay, b: MissionDay) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

}

private func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
