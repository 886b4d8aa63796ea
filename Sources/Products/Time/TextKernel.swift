import SpacePackets
import Foundation

/// The variables of a NAIF SPICE text kernel (LSK, SCLK, ...), read directly: the `\begindata`
/// sections' assignments `NAME = value`, `NAME = ( v1, v2 ... )` (lists may span lines) and
/// `NAME += ...`, with numbers (Fortran `D` exponents allowed), quoted strings and `@` dates. Each
/// variable remembers the line it was assigned on, so that a missing or malformed value is reported as
/// `file:line`.
///
/// `@` dates are "formal calendar" seconds past J2000 (2000-01-01T12:00:00, no leap seconds), as the
/// SPICE kernel pool stores them; the result is the double nearest to the exact decimal value, which
/// is what CSPICE gives for the IMAP kernels (checked bit for bit in ClockSPICETests).
///
/// Costs: one pass over the text; kernels are kilobytes and are read once per mission.
public struct TextKernel: Sendable {
    /// One value of a variable.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case string(String)
        /// An `@` date, seconds past J2000 on the formal calendar.
        case date(Double)

        /// The value as a number (dates count as their seconds past J2000).
        public var number: Double? {
            switch self { case .number(let v), .date(let v): v; case .string: nil }
        }
    }

    /// A variable: its values and the line of its (last) assignment.
    public struct Variable: Sendable {
        public var values: [Value]
        public var line: Int
    }

    /// The file the kernel was read from, for messages.
    public let file: String
    public private(set) var variables: [String: Variable] = [:]

    /// Reads the kernel at `path`.
    public init(contentsOf path: String) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read SPICE text kernel", at: ConfigLocation(file: path, line: 0))
        }
        try self.init(text: String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses kernel text; `file` names it in errors.
    public init(text: String, file: String) throws(ConfigurationError) {
        self.file = file
        var inData = false
        var sawData = false
        // Assignment state: the variable being assigned, whether it appends, whether inside ( ).
        var pendingName: (name: String, line: Int)?
        var appending = false
        var expectingValue = false
        var inList = false
        var current: [Value] = []
        func fail(_ message: String, _ line: Int) -> ConfigurationError {
            ConfigurationError(message, at: ConfigLocation(file: file, line: line))
        }
        func finish(_ line: Int) {
            guard let p = pendingName else { return }
            if appending, var v = variables[p.name] {
                v.values += current; v.line = p.line
                variables[p.name] = v
            } else {
                variables[p.name] = Variable(values: current, line: p.line)
            }
            pendingName = nil; current = []; expectingValue = false; inList = false; appending = false
        }

        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line == "\\begindata" { inData = true; sawData = true; continue }
            if line == "\\begintext" {
                if pendingName != nil { throw fail("assignment of \(pendingName!.name) is not finished before \\begintext", lineNumber) }
                inData = false; continue
            }
            guard inData else { continue }
            var tokens: [Substring] = []
            var i = line.startIndex
            while i < line.endIndex {
                let c = line[i]
                if c == " " || c == "\t" || c == "," { i = line.index(after: i); continue }
                if c == "(" || c == ")" || c == "=" {
                    tokens.append(line[i...i]); i = line.index(after: i); continue
                }
                if c == "+", line.index(after: i) < line.endIndex, line[line.index(after: i)] == "=" {
                    let j = line.index(i, offsetBy: 2); tokens.append(line[i..<j]); i = j; continue
                }
                if c == "'" {
                    // Quoted string; '' is a quote inside it.
                    var j = line.index(after: i)
                    while true {
                        guard j < line.endIndex else { throw fail("unterminated string", lineNumber) }
                        if line[j] == "'" {
                            let k = line.index(after: j)
                            if k < line.endIndex, line[k] == "'" { j = line.index(after: k); continue }
                            j = k; break
                        }
                        j = line.index(after: j)
                    }
                    tokens.append(line[i..<j]); i = j; continue
                }
                var j = i
                while j < line.endIndex, !" \t,()='".contains(line[j]) {
                    if line[j] == "+", line.index(after: j) < line.endIndex, line[line.index(after: j)] == "=" { break }
                    j = line.index(after: j)
                }
                tokens.append(line[i..<j]); i = j
            }
            for token in tokens {
                if pendingName == nil {
                    guard token != "=", token != "+=", token != "(", token != ")" else {
                        throw fail("expected a variable name, found '\(token)'", lineNumber)
                    }
                    guard token.count <= 32 else { throw fail("variable name '\(token)' is longer than 32 characters", lineNumber) }
                    pendingName = (String(token), lineNumber)
                    continue
                }
                if !expectingValue {
                    guard token == "=" || token == "+=" else {
                        throw fail("expected '=' or '+=' after \(pendingName!.name), found '\(token)'", lineNumber)
                    }
                    appending = token == "+="
                    expectingValue = true
                    continue
                }
                if token == "(" {
                    guard !inList, current.isEmpty else { throw fail("unexpected '(' in the value of \(pendingName!.name)", lineNumber) }
                    inList = true
                    continue
                }
                if token == ")" {
                    guard inList else { throw fail("unexpected ')' in the value of \(pendingName!.name)", lineNumber) }
                    finish(lineNumber)
                    continue
                }
                current.append(try Self.value(String(token), variable: pendingName!.name, line: lineNumber, file: file))
                if !inList { finish(lineNumber) }
            }
            if pendingName != nil, expectingValue, !inList, !current.isEmpty { finish(lineNumber) }
        }
        if let p = pendingName { throw fail("assignment of \(p.name) is not finished at the end of the file", p.line) }
        guard sawData else { throw fail("no \\begindata section: not a SPICE text kernel", 0) }
    }

    /// The variable `name`, or an error naming the file.
    public func variable(_ name: String) throws(ConfigurationError) -> Variable {
        guard let v = variables[name] else {
            throw ConfigurationError("the kernel does not define \(name)", at: ConfigLocation(file: file, line: 0))
        }
        return v
    }

    /// The numbers of variable `name`, checking their count (nil: any count of at least one).
    public func numbers(_ name: String, count: Int? = nil) throws(ConfigurationError) -> [Double] {
        let v = try variable(name)
        var out: [Double] = []
        for value in v.values {
            guard let n = value.number else {
                throw ConfigurationError("\(name) must hold numbers", at: ConfigLocation(file: file, line: v.line))
            }
            out.append(n)
        }
        if let count, out.count != count {
            throw ConfigurationError("\(name) must hold \(count) value(s), found \(out.count)", at: ConfigLocation(file: file, line: v.line))
        }
        if out.isEmpty { throw ConfigurationError("\(name) is empty", at: ConfigLocation(file: file, line: v.line)) }
        return out
    }

    public func location(of name: String) -> ConfigLocation {
        ConfigLocation(file: file, line: variables[name]?.line ?? 0)
    }

    static func value(_ token: String, variable: String, line: Int, file: String) throws(ConfigurationError) -> Value {
        if token.hasPrefix("'") {
            return .string(String(token.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'"))
        }
        if token.hasPrefix("@") {
            guard let seconds = formalSecondsPastJ2000(String(token.dropFirst())) else {
                throw ConfigurationError("cannot read the date '\(token)' in \(variable)", at: ConfigLocation(file: file, line: line))
            }
            return .date(seconds)
        }
        let normalized = token.replacingOccurrences(of: "D", with: "e").replacingOccurrences(of: "d", with: "e")
        guard let v = Double(normalized), v.isFinite else {
            throw ConfigurationError("cannot read the number '\(token)' in \(variable)", at: ConfigLocation(file: file, line: line))
        }
        return .number(v)
    }

    private static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

    /// Seconds past J2000 of a kernel date: `1972-JAN-1`, `01-JAN-2010-00:01:06.184`,
    /// `2009-07-09T12:20:32`, `2010-01-01/00:00:00` (year, month and day in either order when the
    /// month is a name). Nil when it cannot be read.
    static func formalSecondsPastJ2000(_ text: String) -> Double? {
        // Split the date from the time of day at the first 'T', '/' or the third '-'.
        var dateFields: [Substring] = []
        var rest = Substring(text.uppercased())
        var timePart: Substring = ""
        for _ in 0..<3 {
            guard let sep = rest.firstIndex(where: { $0 == "-" || $0 == "T" || $0 == "/" }) else {
                dateFields.append(rest); rest = ""; break
            }
            dateFields.append(rest[..<sep])
            rest = rest[rest.index(after: sep)...]
        }
        if dateFields.count == 3 { timePart = rest } else if !rest.isEmpty { return nil }
        guard dateFields.count == 3 else { return nil }
        var year: Int, month: Int, day: Int
        if let m = months.firstIndex(of: String(dateFields[1])) {
            month = m + 1
            guard let a = Int(dateFields[0]), let b = Int(dateFields[2]) else { return nil }
            if dateFields[0].count == 4 { year = a; day = b } else { year = b; day = a }
        } else {
            guard let y = Int(dateFields[0]), let m = Int(dateFields[1]), let d = Int(dateFields[2]) else { return nil }
            year = y; month = m; day = d
        }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = ""
        if !timePart.isEmpty {
            let hms = timePart.split(separator: ":", omittingEmptySubsequences: false)
            guard hms.count >= 1, hms.count <= 3, let h = Int(hms[0]) else { return nil }
            hour = h
            if hms.count >= 2 { guard let m = Int(hms[1]) else { return nil }; minute = m }
            if hms.count == 3 {
                let parts = hms[2].split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count <= 2, let s = Int(parts[0]) else { return nil }
                second = s
                if parts.count == 2 {
                    guard parts[1].allSatisfy(\.isNumber) else { return nil }
                    fraction = String(parts[1])
                }
            }
            guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        }
        let days = Int64(CivilCalendar.days(year: year, month: month, day: day)) - CivilCalendar.j2000Days
        let whole = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - 43_200
        // The exact decimal whole.fraction, rounded once to the nearest double.
        if fraction.isEmpty || whole >= 0 { return Double("\(whole).\(fraction.isEmpty ? "0" : fraction)") }
        // Negative with a fraction: whole + 0.f = -((|whole| - 1) + (1 - 0.f)).
        let scale = pow(10, Double(fraction.count))
        guard fraction.count <= 15, let f = Int64(fraction) else { return nil }
        if f == 0 { return Double(whole) }
        let complement = String(Int64(scale) - f)
        let padded = String(repeating: "0", count: fraction.count - complement.count) + complement
        return Double("-\(-whole - 1).\(padded)")
    }
}

extension CivilCalendar {
    /// Days from 1970-01-01 to 2000-01-01 (J2000's day).
    static let j2000Days: Int64 = 10_957

    /// `dayNumber(year:month:day:)` as the clocks' Int64 nanosecond arithmetic wants it.
    static func days(year: Int, month: Int, day: Int) -> Int64 { Int64(dayNumber(year: year, month: month, day: day)) }
}
