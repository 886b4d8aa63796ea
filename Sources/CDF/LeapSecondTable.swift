/// The UTC leap-second table (TAI - UTC from 1972 on), as TT2000 conversions and the CDF GDR's
/// LeapSecondLastUpdated need it; built in up to 2017-01-01 (37 s), replaceable from a NAIF LSK kernel.
///
/// Costs: a few dozen entries; lookups are a linear scan from the end.
public struct LeapSecondTable: Sendable, Equatable {
    /// One step: from `year-month-day` 00:00:00 UTC on, TAI - UTC = `taiMinusUTC` seconds. Costs nothing.
    public struct Entry: Sendable, Equatable {
        public let year: Int, month: Int, day: Int
        public let taiMinusUTC: Int
        public init(year: Int, month: Int, day: Int, taiMinusUTC: Int) {
            self.year = year; self.month = month; self.day = day; self.taiMinusUTC = taiMinusUTC
        }
    }

    /// Entries sorted by date, the first on 1972-01-01.
    public let entries: [Entry]

    public init(entries: [Entry]) throws {
        guard let first = entries.first else { throw CDFError.leapSecondKernel(line: 0, reason: "no DELTET/DELTA_AT entries") }
        guard first.year == 1972, first.month == 1, first.day == 1 else {
            throw CDFError.leapSecondKernel(line: 0, reason: "the table must start on 1972-01-01")
        }
        for (a, b) in zip(entries, entries.dropFirst()) {
            guard (a.year, a.month, a.day) < (b.year, b.month, b.day), b.taiMinusUTC == a.taiMinusUTC + 1 else {
                throw CDFError.leapSecondKernel(line: 0, reason: "entries must increase by one second at increasing dates")
            }
        }
        self.entries = entries
    }

    /// The table as of the 2017-01-01 leap second (the one in NAIF's naif0012.tls).
    public static let builtin: LeapSecondTable = {
        let raw: [(Int, Int, Int)] = [
            (1972, 1, 1), (1972, 7, 1), (1973, 1, 1), (1974, 1, 1), (1975, 1, 1), (1976, 1, 1), (1977, 1, 1),
            (1978, 1, 1), (1979, 1, 1), (1980, 1, 1), (1981, 7, 1), (1982, 7, 1), (1983, 7, 1), (1985, 7, 1),
            (1988, 1, 1), (1990, 1, 1), (1991, 1, 1), (1992, 7, 1), (1993, 7, 1), (1994, 7, 1), (1996, 1, 1),
            (1997, 7, 1), (1999, 1, 1), (2006, 1, 1), (2009, 1, 1), (2012, 7, 1), (2015, 7, 1), (2017, 1, 1),
        ]
        let e = raw.enumerated().map { Entry(year: $1.0, month: $1.1, day: $1.2, taiMinusUTC: 10 + $0) }
        return try! LeapSecondTable(entries: e)
    }()

    /// The GDR's LeapSecondLastUpdated: the last entry's date as YYYYMMDD.
    public var lastUpdated: Int32 {
        let l = entries[entries.count - 1]
        return Int32(l.year * 10000 + l.month * 100 + l.day)
    }

    /// Parses `DELTET/DELTA_AT = ( 10, @1972-JAN-1 ... )` from a NAIF leap-second text kernel (LSK).
    public init(naifKernel text: String) throws {
        let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        var inData = false, inList = false, pendingValue: Int?
        var entries: [Entry] = []
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("\\begindata") { inData = true; continue }
            if line.hasPrefix("\\begintext") { inData = false; continue }
            guard inData else { continue }
            var body = Substring(line)
            if !inList {
                guard let r = line.range(of: "DELTET/DELTA_AT") else { continue }
                body = line[r.upperBound...]
                guard let eq = body.firstIndex(of: "="), let open = body.firstIndex(of: "(") , eq < open else {
                    throw CDFError.leapSecondKernel(line: n + 1, reason: "expected 'DELTET/DELTA_AT = ('")
                }
                body = body[body.index(after: open)...]
                inList = true
            }
            let closes = body.contains(")")
            let tokens = body.replacingOccurrences(of: ")", with: " ").split(whereSeparator: { $0 == "," || $0 == " " })
            for token in tokens {
                if token.hasPrefix("@") {
                    let parts = token.dropFirst().split(separator: "-")
                    guard let v = pendingValue, parts.count == 3, let y = Int(parts[0]),
                          let m = months.firstIndex(of: parts[1].uppercased()), let d = Int(parts[2]) else {
                        throw CDFError.leapSecondKernel(line: n + 1, reason: "cannot read '\(token)'")
                    }
                    entries.append(Entry(year: y, month: m + 1, day: d, taiMinusUTC: v))
                    pendingValue = nil
                } else {
                    guard let v = Int(token) ?? Double(token).map({ Int($0) }) else {
                        throw CDFError.leapSecondKernel(line: n + 1, reason: "cannot read '\(token)'")
                    }
                    pendingValue = v
                }
            }
            if closes { break }
        }
        guard inList else { throw CDFError.leapSecondKernel(line: 0, reason: "no DELTET/DELTA_AT in a \\begindata section") }
        try self.init(entries: entries)
    }

    /// Reads a NAIF LSK file.
    public init(naifKernelAt path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CDFError.io(path: path, operation: "read leap-second kernel", errno: errno)
        }
        try self.init(naifKernel: text)
    }
}

import Foundation
