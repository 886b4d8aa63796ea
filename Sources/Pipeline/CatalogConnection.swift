/// A value bound to or read from a catalog statement. The catalog stores only integers and text, so
/// that SQLite and PostgreSQL hold the same schema with the same meaning.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case text(String)

    public var int: Int64? { if case .int(let v) = self { return v }; if case .text(let t) = self { return Int64(t) }; return nil }
    public var text: String? {
        switch self {
        case .text(let t): return t
        case .int(let v): return String(v)
        case .null: return nil
        }
    }
}

/// What differs between the catalog's SQL engines: the identity column and how a write transaction
/// takes the catalog-wide lock that makes job claiming atomic across processes and hosts.
public struct SQLDialect: Sendable {
    public var name: String
    /// Column definition of an auto-assigned 64-bit primary key.
    public var identityColumn: String
    /// Statements that open a write transaction holding the catalog's write lock.
    public var beginWrite: [String]

    public static let sqlite = SQLDialect(name: "SQLite", identityColumn: "INTEGER PRIMARY KEY", beginWrite: ["BEGIN IMMEDIATE"])
    /// `pg_advisory_xact_lock` serializes writers like SQLite's single writer; the lock ends with the transaction.
    public static let postgresql = SQLDialect(
        name: "PostgreSQL", identityColumn: "BIGSERIAL PRIMARY KEY",
        beginWrite: ["BEGIN", "SELECT pg_advisory_xact_lock(7007001)"])
}

/// One open connection to a catalog database. Statements use `?` placeholders (a PostgreSQL
/// connection numbers them). Not thread-safe: `Catalog` owns one and serializes its use.
public protocol CatalogConnection: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs one statement with parameters and returns its rows (empty for statements without results).
    func query(_ sql: String, _ parameters: [SQLValue]) throws -> [[SQLValue]]
}

/// A catalog database failure: the engine's message and the statement that caused it.
public struct CatalogError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var statement: String?
    public init(_ message: String, statement: String? = nil) { self.message = message; self.statement = statement }
    public var description: String {
        statement.map { "catalog: \(message) (in: \($0.prefix(120)))" } ?? "catalog: \(message)"
    }
}
