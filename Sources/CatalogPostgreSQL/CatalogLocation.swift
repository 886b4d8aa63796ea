import Pipeline

/// Opens the catalog a user names: a PostgreSQL connection string (`postgresql://...`,
/// `postgres://...` or libpq `key=value` words) or else a SQLite file path.
public enum CatalogLocation {
    public static func isPostgreSQL(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://") || location.contains("host=") || location.contains("dbname=")
    }

    public static func open(_ location: String, staleHeartbeatSeconds: Double = 600) throws -> Catalog {
        isPostgreSQL(location)
            ? try PostgreSQLConnection.catalog(location, staleHeartbeatSeconds: staleHeartbeatSeconds)
            : try Catalog.sqlite(path: location, staleHeartbeatSeconds: staleHeartbeatSeconds)
    }
}
