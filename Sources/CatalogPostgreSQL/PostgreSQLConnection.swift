import CLibPQ
import Foundation
import Pipeline

/// A catalog connection to PostgreSQL through libpq (the schema and statements are the ones the
/// SQLite catalog runs; `?` placeholders become `$1...`). Parameters go as text and PostgreSQL infers
/// their types from the columns; integer result columns (int2/4/8) come back as `.int`.
///
/// Not thread-safe; owned by a `Catalog`.
public final class PostgreSQLConnection: CatalogConnection {
    public let dialect = SQLDialect.postgresql
    private let conn: OpaquePointer
    private var translated: [String: String] = [:]

    /// Connects with a libpq connection string (`postgresql://user@127.0.0.1:5432/db` or `host=... dbname=...`).
    public init(connectionString: String) throws {
        var why = [CChar](repeating: 0, count: 1024)
        guard dl_libpq_load(&why, why.count) == 0 else {
            throw CatalogError(String(decoding: why.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self))
        }
        guard let c = PQconnectdb(connectionString) else { throw CatalogError("PostgreSQL: out of memory connecting") }
        guard PQstatus(c) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(c)).trimmingTrailingNewlines
            PQfinish(c)
            throw CatalogError("PostgreSQL \(connectionString): \(message)")
        }
        conn = c
        _ = try query("SET client_min_messages = warning", [])
    }

    deinit { PQfinish(conn) }

    /// Opens a catalog on PostgreSQL.
    public static func catalog(_ connectionString: String, staleHeartbeatSeconds: Double = 600) throws -> Catalog {
        try Catalog(connection: PostgreSQLConnection(connectionString: connectionString), staleHeartbeatSeconds: staleHeartbeatSeconds)
    }

    public func query(_ sql: String, _ parameters: [SQLValue]) throws -> [[SQLValue]] {
        let text = numbered(sql)
        let values: [String?] = parameters.map(\.text)
        let result: OpaquePointer? = withCStrings(values) { pointers in
            PQexecParams(conn, text, Int32(values.count), nil, pointers, nil, nil, 0)
        }
        guard let result else { throw CatalogError("PostgreSQL: \(String(cString: PQerrorMessage(conn)))", statement: sql) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw CatalogError("PostgreSQL: \(String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines)", statement: sql)
        }
        let rows = PQntuples(result), columns = PQnfields(result)
        var out: [[SQLValue]] = []
        out.reserveCapacity(Int(rows))
        let integer = (0..<columns).map { [20, 21, 23].contains(PQftype(result, $0)) }
        for r in 0..<rows {
            var row: [SQLValue] = []
            for c in 0..<columns {
                if PQgetisnull(result, r, c) != 0 { row.append(.null); continue }
                let s = String(cString: PQgetvalue(result, r, c))
                row.append(integer[Int(c)] ? (Int64(s).map(SQLValue.int) ?? .text(s)) : .text(s))
            }
            out.append(row)
        }
        return out
    }

    /// `?` → `$n` (the catalog's statements have no `?` inside literals).
    private func numbered(_ sql: String) -> String {
        if let t = translated[sql] { return t }
        var n = 0, out = ""
        for ch in sql {
            if ch == "?" { n += 1; out += "$\(n)" } else { out.append(ch) }
        }
        translated[sql] = out
        return out
    }
}

private func withCStrings<R>(_ values: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    if values.isEmpty { return body(nil) }
    var owned: [UnsafeMutablePointer<CChar>?] = values.map { $0.map { strdup($0) } ?? nil }
    defer { for p in owned { free(p) } }
    return owned.withUnsafeMutableBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)) { body($0) }
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var s = self
        while s.last == "\n" { s.removeLast() }
        return s
    }
}
