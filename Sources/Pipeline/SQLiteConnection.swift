import CSQLite

/// A SQLite catalog file opened in WAL mode (readers never block the writer; commits need no fsync
/// with synchronous=NORMAL, a crash loses at most the last commits, never consistency).
/// Statements are prepared once and cached by text: a planning pass runs a few statements per job.
///
/// Not thread-safe; owned by a `Catalog`.
public final class SQLiteConnection: CatalogConnection {
    public let dialect = SQLDialect.sqlite
    public let path: String
    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (creating) the database at `path`. `busyTimeoutMs`: how long a writer waits for another
    /// process's write transaction before failing.
    public init(path: String, busyTimeoutMs: Int32 = 60_000) throws {
        self.path = path
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw CatalogError("\(path): \(message)")
        }
        db = handle
        sqlite3_busy_timeout(handle, busyTimeoutMs)
        _ = try query("PRAGMA journal_mode=WAL", [])
        _ = try query("PRAGMA synchronous=NORMAL", [])
        _ = try query("PRAGMA foreign_keys=ON", [])
    }

    deinit {
        for s in statements.values { sqlite3_finalize(s) }
        sqlite3_close(db)
    }

    public func query(_ sql: String, _ parameters: [SQLValue]) throws -> [[SQLValue]] {
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        for (i, p) in parameters.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch p {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .int(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .text(let t): rc = csqlite_bind_text(statement, index, t, -1)
            }
            guard rc == SQLITE_OK else { throw error(sql) }
        }
        var rows: [[SQLValue]] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(sql) }
            let n = sqlite3_column_count(statement)
            var row: [SQLValue] = []
            row.reserveCapacity(Int(n))
            for c in 0..<n {
                switch sqlite3_column_type(statement, c) {
                case SQLITE_NULL: row.append(.null)
                case SQLITE_INTEGER: row.append(.int(sqlite3_column_int64(statement, c)))
                default:
                    let text = sqlite3_column_text(statement, c).map { String(cString: $0) } ?? ""
                    row.append(.text(text))
                }
            }
            rows.append(row)
        }
        return rows
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let s = statements[sql] { return s }
        var s: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &s, nil) == SQLITE_OK, let s else { throw error(sql) }
        statements[sql] = s
        return s
    }

    private func error(_ sql: String) -> CatalogError {
        CatalogError("\(path): \(String(cString: sqlite3_errmsg(db)))", statement: sql)
    }
}
