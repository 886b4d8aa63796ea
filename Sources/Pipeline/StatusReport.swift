import Foundation
import Products

/// Days x products as the catalog sees them: for each product and day, the newest version made and
/// the state of the newest job (a newer job may be running or have failed after a version was made).
public struct StatusReport: Sendable, Codable {
    public struct Cell: Sendable, Codable, Hashable {
        public var product: String
        public var day: String
        /// The newest job's state.
        public var state: String
        /// The newest done version, nil when none was made.
        public var version: Int?
        public var error: String?
    }

    public var cells: [Cell]

    public init(catalog: Catalog, from: MissionDay? = nil, to: MissionDay? = nil) throws {
        let rows = try catalog.read { c in
            try c.query(
                """
                SELECT product, day, state, version, error, id FROM jobs WHERE day >= ? AND day <= ? ORDER BY product, day, id
                """, [.text(from?.description ?? "0000-00-00"), .text(to?.description ?? "9999-99-99")])
        }
        var cells: [String: Cell] = [:]
        var order: [String] = []
        for r in rows {
            guard let product = r[0].text, let day = r[1].text, let state = r[2].text, let version = r[3].int else { continue }
            let key = "\(product) \(day)"
            var cell = cells[key] ?? { order.append(key); return Cell(product: product, day: day, state: state, version: nil, error: nil) }()
            cell.state = state
            cell.error = r[4].text
            if state == JobState.done.rawValue { cell.version = max(cell.version ?? 0, Int(version)) }
            cells[key] = cell
        }
        self.cells = order.map { cells[$0]! }
    }

    /// A text table: one row per day, one column per product; `v2` done, `v1 running`, `FAILED`.
    public func table() -> String {
        let products = Array(Set(cells.map(\.product))).sorted { (ProductID($0) ?? ProductID(instrument: $0, level: .l1a, descriptor: "")) < (ProductID($1) ?? ProductID(instrument: $1, level: .l1a, descriptor: "")) }
        let days = Array(Set(cells.map(\.day))).sorted()
        var byKey: [String: Cell] = [:]
        for c in cells { byKey["\(c.product) \(c.day)"] = c }
        func text(_ c: Cell?) -> String {
            guard let c else { return "-" }
            let v = c.version.map { "v\($0)" } ?? ""
            switch c.state {
            case "done": return v
            case "running": return v.isEmpty ? "running" : "\(v)+running"
            case "failed": return v.isEmpty ? "FAILED" : "\(v) FAILED"
            default: return v.isEmpty ? c.state : "\(v) \(c.state)"
            }
        }
        let widths = products.map { max($0.count, 10) }
        var out = "day       " + zip(products, widths).map { "  " + $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined() + "\n"
        for d in days {
            out += d
            for (p, w) in zip(products, widths) { out += "  " + text(byKey["\(p) \(d)"]).padding(toLength: w, withPad: " ", startingAt: 0) }
            out += "\n"
        }
        let failed = cells.filter { $0.state == "failed" }
        for f in failed { out += "failed \(f.product) \(f.day): \(f.error ?? "")\n" }
        return out
    }

    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }
}
