/// File names of a mission: `naming.product` and `naming.level0` with `{mission}`, `{instrument}`,
/// `{level}`, `{descriptor}`, `{date}`, `{version}` and `{ext}` placeholders.
///
/// Costs: string substitution per file; the L0 pattern is matched by a small hand-written matcher.
public struct NamingRule: Sendable, Hashable {
    public static let defaultProduct = "{mission}_{instrument}_{level}_{descriptor}_{date}_v{version}.{ext}"
    public static let defaultLevel0 = "{mission}_{instrument}_l0_{date}_v{version}.pkts"
    public static let placeholders: Set<String> = ["mission", "instrument", "level", "descriptor", "date", "version", "ext"]

    public var product: String
    public var level0: String

    public init(product: String = NamingRule.defaultProduct, level0: String = NamingRule.defaultLevel0) {
        self.product = product; self.level0 = level0
    }

    /// The file name of a product file.
    public func fileName(mission: String, product id: ProductID, day: MissionDay, version: Int, format: ProductFormat) -> String {
        NamingRule.render(product, [
            "mission": mission, "instrument": id.instrument, "level": id.level.rawValue, "descriptor": id.descriptor,
            "date": day.compact, "version": NamingRule.version(version), "ext": format.fileExtension,
        ])
    }

    /// The Logical_file_id: the file name without extension.
    public func logicalFileID(mission: String, product id: ProductID, day: MissionDay, version: Int) -> String {
        var name = fileName(mission: mission, product: id, day: day, version: version, format: .cdf)
        if name.hasSuffix(".cdf") { name.removeLast(4) }
        return name
    }

    /// Whether `fileName` is an L0 file of `instrument` for `day` (any version).
    public func isLevel0(_ fileName: String, mission: String, instrument: String, day: MissionDay) -> Bool {
        let fixed = ["mission": mission, "instrument": instrument, "date": day.compact, "level": "l0"]
        return NamingRule.match(Array(fileName), pattern: Array(level0), fixed: fixed)
    }

    /// Whether `fileName` is an L0 file of `instrument` for any day (the date is any digits).
    public func isLevel0(_ fileName: String, mission: String, instrument: String) -> Bool {
        NamingRule.match(Array(fileName), pattern: Array(level0), fixed: ["mission": mission, "instrument": instrument, "level": "l0"])
    }

    /// Three digits at least: `v001`.
    public static func version(_ v: Int) -> String {
        let s = String(v)
        return s.count >= 3 ? s : String(repeating: "0", count: 3 - s.count) + s
    }

    static func render(_ pattern: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let key = String(rest[rest.index(after: open)..<close])
            out += values[key] ?? "{\(key)}"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Placeholders in a pattern that are not known, for the loader's check.
    static func unknownPlaceholders(_ pattern: String) -> [String] {
        var out: [String] = []
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let key = String(rest[rest.index(after: open)..<close])
            if !placeholders.contains(key) { out.append(key) }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// Matches a name against a pattern whose placeholders are either fixed text or (for the others,
    /// e.g. {version}) one or more characters other than '_' and '.'.
    private static func match(_ name: [Character], pattern: [Character], fixed: [String: String]) -> Bool {
        func go(_ i: Int, _ j: Int) -> Bool {
            if j == pattern.count { return i == name.count }
            if pattern[j] == "{", let close = pattern[j...].firstIndex(of: "}") {
                let key = String(pattern[(j + 1)..<close])
                if let value = fixed[key] {
                    let v = Array(value)
                    guard i + v.count <= name.count, Array(name[i..<(i + v.count)]) == v else { return false }
                    return go(i + v.count, close + 1)
                }
                var k = i
                while k < name.count, name[k] != "_", name[k] != "." {
                    k += 1
                    if go(k, close + 1) { return true }
                }
                return false
            }
            guard i < name.count, name[i] == pattern[j] else { return false }
            return go(i + 1, j + 1)
        }
        return go(0, 0)
    }
}
