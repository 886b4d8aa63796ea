import Foundation
import Products

/// SWAPI's energy per ESA step, from the team's two lookup tables (ancillary CSVs, not shipped in the
/// imap-processing wheel): the ESA unit-conversion table (per time, sweep and step: an energy, or
/// "Solve" for the fine steps, and an ESA index offset) and the LUT notes (per ESA index: the DAC
/// value in hex and its energy). Follows imap_processing 1.0.40's `solve_full_sweep_energy`: the
/// latest table rows at or before the sweep's start time for its sweep id (else the earliest
/// rows), sorted by time and step, the last 72; "Solve" steps look up the row whose DAC equals the
/// sweep's ESA_LVL5 and step back by the steps' index offsets (negative indices floored to 0).
///
/// Costs: the tables in memory (a few thousand rows); a filter over them per sweep.
public struct SWAPIEnergyTable: Sendable {
    public struct Failure: Error { public let message: String }
    struct Row: Sendable { var minute: Int64; var step: Int; var energy: Double; var sweep: Int; var index: Int }
    let rows: [Row]
    let dacHex: [String]
    let lutEnergy: [Double]

    public init(esaTable: String, lutNotes: String, at location: ConfigLocation) throws(ConfigurationError) {
        func table(_ path: String) throws(ConfigurationError) -> [[String: String]] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("cannot read SWAPI table \(path)", at: location)
            }
            do { return try CSV.records(String(decoding: data, as: UTF8.self)) } catch {
                throw ConfigurationError("\(path):\(error.line): \(error.message)", at: location)
            }
        }
        func number(_ s: String?, _ path: String, _ line: Int) throws(ConfigurationError) -> Double {
            let t = (s ?? "").replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces)
            if t == "Solve" { return -1 }
            guard let v = Double(t) else { throw ConfigurationError("\(path):\(line): cannot read the number '\(s ?? "")'", at: location) }
            return v
        }
        var rows: [Row] = []
        for (n, r) in try table(esaTable).enumerated() {
            let line = n + 2
            guard let stamp = r["timestamp"], let minute = Self.minute(tableStamp: stamp) else {
                throw ConfigurationError("\(esaTable):\(line): cannot read the timestamp '\(r["timestamp"] ?? "")' (M/D/YYYY H:MM)", at: location)
            }
            rows.append(Row(minute: minute, step: Int(try number(r["ESA Step #"], esaTable, line)),
                            energy: try number(r["Energy"], esaTable, line), sweep: Int(try number(r["Sweep #"], esaTable, line)),
                            index: Int(try number(r["ESA Index Number"], esaTable, line))))
        }
        var hex: [String] = [], energy: [Double] = []
        for (n, r) in try table(lutNotes).enumerated() {
            guard let h = r["ESA DAC (Hex)"] else { throw ConfigurationError("\(lutNotes):\(n + 2): no ESA DAC (Hex)", at: location) }
            hex.append(h)
            energy.append(try number(r["Energy"], lutNotes, n + 2))
        }
        guard !rows.isEmpty, !hex.isEmpty else { throw ConfigurationError("SWAPI tables \(esaTable), \(lutNotes) are empty", at: location) }
        self.rows = rows; dacHex = hex; lutEnergy = energy
    }

    /// The 72 energies of a sweep with id `sweep`, starting at `startTime` (ISO UTC), whose last
    /// step's ESA_LVL5 is `esaLvl5`.
    public func energies(sweep: Int, startTime: String, esaLvl5: Int) throws(Failure) -> [Double] {
        guard let time = Self.minute(iso: startTime) else { throw Failure(message: "cannot read the start time '\(startTime)'") }
        // Table times are whole minutes; the sweep time may have seconds: compare in milliseconds.
        var subset = rows.filter { $0.minute * 60_000 <= time && $0.sweep == sweep }
        if subset.isEmpty {
            let earliest = rows.map(\.minute).min()!
            subset = rows.filter { $0.minute == earliest && $0.sweep == sweep }
            guard !subset.isEmpty else {
                throw Failure(message: "no ESA table entry for sweep id \(sweep) at \(startTime), nor at the table's earliest time")
            }
        }
        subset = subset.enumerated().sorted { ($0.element.minute, $0.element.step, $0.offset) < ($1.element.minute, $1.element.step, $1.offset) }.map(\.element)
        let last = Array(subset.suffix(72))
        guard last.count == 72 else { throw Failure(message: "the ESA table has \(last.count) steps for sweep id \(sweep); 72 are needed") }
        var out = last.map(\.energy)
        let solve = last.indices.filter { last[$0].energy < 0 }
        guard !solve.isEmpty else { return out }
        let key = String(esaLvl5, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - key.count)) + key
        guard let base = dacHex.firstIndex(of: padded) else {
            throw Failure(message: "ESA DAC value '\(padded)' not found in the LUT notes table")
        }
        let lastOffset = last[solve[solve.count - 1]].index
        for i in solve {
            let idx = max(0, base + last[i].index - lastOffset)
            guard idx < lutEnergy.count else { throw Failure(message: "LUT index \(idx) is past the LUT notes table") }
            out[i] = lutEnergy[idx]
        }
        return out
    }

    /// Minutes since 1970 of `M/D/YYYY H:MM`.
    static func minute(tableStamp s: String) -> Int64? {
        let parts = s.split(separator: " ")
        guard parts.count == 2 else { return nil }
        let d = parts[0].split(separator: "/").compactMap { Int($0) }, t = parts[1].split(separator: ":").compactMap { Int($0) }
        guard d.count == 3, t.count == 2, (1...12).contains(d[0]), (1...31).contains(d[1]) else { return nil }
        return days(d[2], d[0], d[1]) * 1440 + Int64(t[0] * 60 + t[1])
    }

    /// Milliseconds since 1970 of `YYYY-MM-DDThh:mm:ss.fff`.
    static func minute(iso s: String) -> Int64? {
        let f = s.split(whereSeparator: { "-T:.".contains($0) }).compactMap { Int($0) }
        guard f.count >= 6 else { return nil }
        let ms = f.count > 6 ? f[6] : 0
        return (days(f[0], f[1], f[2]) * 86_400 + Int64(f[3] * 3600 + f[4] * 60 + f[5])) * 1000 + Int64(ms)
    }

    static func days(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = Int64(m <= 2 ? y0 - 1 : y0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * Int64((m + 9) % 12) + 2) / 5 + Int64(d) - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }
}

/// A small RFC 4180 reader for the lookup tables: header row, quoted fields with commas and "".
enum CSV {
    struct Failure: Error { let line: Int; let message: String }

    static func records(_ text: String) throws(Failure) -> [[String: String]] {
        var rows: [[String]] = []
        var field = "", row: [String] = [], quoted = false, line = 1, afterQuote = false
        var it = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() { if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; afterQuote = true; pending = n } } else { quoted = false }
                } else { if c == "\n" { line += 1 }; field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",": row.append(field); field = ""; afterQuote = false
            case "\r": continue
            case "\n":
                row.append(field); field = ""; afterQuote = false
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []; line += 1
            default: field.unicodeScalars.append(c)
            }
        }
        if quoted { throw Failure(line: line, message: "unterminated quoted field") }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        guard let header = rows.first else { throw Failure(line: 1, message: "empty table") }
        var out: [[String: String]] = []
        for (n, r) in rows.dropFirst().enumerated() {
            guard r.count == header.count else { throw Failure(line: n + 2, message: "\(r.count) fields; the header has \(header.count)") }
            out.append(Dictionary(uniqueKeysWithValues: zip(header, r)))
        }
        return out
    }
}
