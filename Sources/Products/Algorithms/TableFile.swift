#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A small numeric CSV table (calibration and lookup tables named by recipes): one row per line,
/// comma-separated numbers, `#` comments, blank lines ignored, and a first non-numeric line taken as
/// a header. With `labelled`, a row may start with a name (`x,0.412`). Every problem is a
/// `ConfigurationError` naming the file and line.
///
/// Costs one read of the file and one array per row, once when the mission is loaded.
struct TableFile {
    struct Row { var line: Int; var label: String?; var values: [Double] }
    let path: String
    let rows: [Row]

    /// Reads `path`; `referencedAt` is where the recipe names it (for a missing file).
    init(path: String, referencedAt location: ConfigLocation, labelled: Bool = false) throws(ConfigurationError) {
        self.path = path
        guard let text = Self.read(path) else {
            throw ConfigurationError("cannot read table file '\(path)'", at: location)
        }
        var rows: [Row] = []
        var firstContent = true
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters() }
            if fields.allSatisfy(\.isEmpty) { continue }
            var label: String?
            if labelled, fields.count > 1, Double(fields[0]) == nil, fields.dropFirst().allSatisfy({ Double($0) != nil }) {
                label = fields.removeFirst()
            }
            let numbers = fields.map { Double($0) }
            defer { firstContent = false }
            if numbers.contains(where: { $0 == nil }) {
                if firstContent && label == nil { continue }  // a header line
                let bad = fields.first { Double($0) == nil } ?? ""
                throw ConfigurationError("'\(bad)' is not a number", at: ConfigLocation(file: path, line: lineNumber))
            }
            rows.append(Row(line: lineNumber, label: label, values: numbers.map { $0! }))
        }
        self.rows = rows
    }

    /// The location of a row, for errors about its contents.
    func location(_ row: Row) -> ConfigLocation { ConfigLocation(file: path, line: row.line) }

    private static func read(_ path: String) -> String? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count { break }
        }
        if ferror(f) != 0 { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\r\n" }
        guard let s = firstIndex(where: { !isSpace($0) }) else { return "" }
        let e = lastIndex(where: { !isSpace($0) })!
        return String(self[s...e])
    }
}
