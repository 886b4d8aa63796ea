import Foundation
import Products

/// The file and job tracker of a science data center: files (L0 and products, every version),
/// jobs (one row per product, day and input hash, with state, owner and error) and provenance (the
/// input files of every output file). The same schema and statements run on SQLite (embedded, one
/// host) and PostgreSQL (several hosts); only `SQLDialect` differs.
///
/// Claiming and completing a job each run in one write transaction holding the catalog-wide write
/// lock, so two processes never own the same job and a product is registered in the same
/// transaction that marks its job done.
///
/// Thread safety: the connection is used only under `lock` (invariant of this `@unchecked
/// Sendable` class). Calls block the calling thread for the duration of one statement or transaction
/// (tens of microseconds locally; up to the busy timeout when another process holds the write lock).
public final class Catalog: @unchecked Sendable {
    private let connection: CatalogConnection
    private let lock = NSLock()
    public var dialect: SQLDialect { connection.dialect }

    /// A running job's owner counts as dead when its process is gone (`isAlive`, this host) or its
    /// heartbeat is older than this (any host: a host that died, a process that hung).
    public let staleHeartbeatSeconds: Double

    public init(connection: CatalogConnection, staleHeartbeatSeconds: Double = 600) throws {
        self.connection = connection
        self.staleHeartbeatSeconds = staleHeartbeatSeconds
        try migrate()
    }

    /// Opens a SQLite catalog file (created when absent).
    public static func sqlite(path: String, staleHeartbeatSeconds: Double = 600) throws -> Catalog {
        try Catalog(connection: SQLiteConnection(path: path), staleHeartbeatSeconds: staleHeartbeatSeconds)
    }

    public static let schemaVersion = 1

    private func migrate() throws {
        let id = connection.dialect.identityColumn
        let statements = [
            """
            CREATE TABLE IF NOT EXISTS files (
                id \(id), path TEXT NOT NULL UNIQUE, instrument TEXT NOT NULL, level TEXT NOT NULL,
                descriptor TEXT NOT NULL, day TEXT NOT NULL, version INTEGER NOT NULL, size BIGINT NOT NULL,
                checksum TEXT NOT NULL, mtime BIGINT NOT NULL, registered_at BIGINT NOT NULL, job_id BIGINT)
            """,
            "CREATE INDEX IF NOT EXISTS files_by_day ON files (instrument, level, descriptor, day)",
            "CREATE INDEX IF NOT EXISTS files_by_job ON files (job_id)",
            """
            CREATE TABLE IF NOT EXISTS jobs (
                id \(id), product TEXT NOT NULL, day TEXT NOT NULL, input_hash TEXT NOT NULL,
                version INTEGER NOT NULL, state TEXT NOT NULL, inputs TEXT NOT NULL,
                software_version TEXT NOT NULL, configuration_digest TEXT NOT NULL, host TEXT NOT NULL,
                pid INTEGER NOT NULL, attempts INTEGER NOT NULL, started_at BIGINT NOT NULL,
                ended_at BIGINT, error TEXT, heartbeat_at BIGINT NOT NULL, UNIQUE (product, day, input_hash))
            """,
            "CREATE INDEX IF NOT EXISTS jobs_by_product_day ON jobs (product, day, state)",
            """
            CREATE TABLE IF NOT EXISTS provenance (
                output_file BIGINT NOT NULL, input_file BIGINT NOT NULL, PRIMARY KEY (output_file, input_file))
            """,
            "CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ]
        try write {
            for s in statements { _ = try $0.query(s, []) }
            _ = try $0.query(
                "INSERT INTO catalog_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING",
                [.text(String(Catalog.schemaVersion))])
        }
    }

    // MARK: transactions

    /// Runs `body` in a write transaction holding the catalog's write lock; rolls back on error.
    public func write<T>(_ body: (CatalogConnection) throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        for s in connection.dialect.beginWrite { _ = try connection.query(s, []) }
        do {
            let result = try body(connection)
            _ = try connection.query("COMMIT", [])
            return result
        } catch {
            _ = try? connection.query("ROLLBACK", [])
            throw error
        }
    }

    /// Runs `body` with the connection outside an explicit transaction (each statement is atomic).
    public func read<T>(_ body: (CatalogConnection) throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        return try body(connection)
    }

    // MARK: files

    static let fileColumns = "id, path, instrument, level, descriptor, day, version, size, checksum, mtime, registered_at, job_id"

    static func file(_ r: [SQLValue]) throws -> CatalogFile {
        guard r.count == 12, let id = r[0].int, let path = r[1].text, let instrument = r[2].text, let level = r[3].text,
              let descriptor = r[4].text, let dayText = r[5].text, let day = MissionDay(dayText), let version = r[6].int,
              let size = r[7].int, let checksum = r[8].text, let mtime = r[9].int, let registered = r[10].int
        else { throw CatalogError("malformed files row \(r)") }
        return CatalogFile(id: id, path: path, instrument: instrument, level: level, descriptor: descriptor, day: day,
                           version: Int(version), size: size, checksum: checksum, mtime: mtime,
                           registeredAtMs: registered, jobID: r[11].int)
    }

    /// Records an arrived L0 file; a path seen before with another checksum is updated (a replaced
    /// file). Returns the record and whether anything changed.
    @discardableResult
    public func registerLevel0(path: String, instrument: String, day: MissionDay, version: Int = 1,
                               size: Int64, checksum: String, mtime: Int64) throws -> (file: CatalogFile, changed: Bool) {
        try write { c in
            let existing = try c.query("SELECT \(Catalog.fileColumns) FROM files WHERE path = ?", [.text(path)])
            if let row = existing.first {
                let f = try Catalog.file(row)
                if f.checksum == checksum && f.size == size { return (f, false) }
                _ = try c.query("UPDATE files SET size = ?, checksum = ?, mtime = ?, registered_at = ? WHERE id = ?",
                                [.int(size), .text(checksum), .int(mtime), .int(nowMs()), .int(f.id)])
                var g = f; g.size = size; g.checksum = checksum; g.mtime = mtime
                return (g, true)
            }
            let rows = try c.query(
                """
                INSERT INTO files (path, instrument, level, descriptor, day, version, size, checksum, mtime, registered_at, job_id)
                VALUES (?, ?, 'l0', '', ?, ?, ?, ?, ?, ?, NULL) RETURNING \(Catalog.fileColumns)
                """,
                [.text(path), .text(instrument), .text(day.description), .int(Int64(version)), .int(size),
                 .text(checksum), .int(mtime), .int(nowMs())])
            guard let row = rows.first else { throw CatalogError("insert of \(path) returned nothing") }
            return (try Catalog.file(row), true)
        }
    }

    /// The file recorded at `path`, if any.
    public func file(path: String) throws -> CatalogFile? {
        try read { c in try c.query("SELECT \(Catalog.fileColumns) FROM files WHERE path = ?", [.text(path)]).first.map(Catalog.file) }
    }

    /// The L0 files of an instrument for one day.
    public func level0(instrument: String, day: MissionDay) throws -> [CatalogFile] {
        try read { c in
            try c.query("SELECT \(Catalog.fileColumns) FROM files WHERE instrument = ? AND level = 'l0' AND descriptor = '' AND day = ? ORDER BY path",
                        [.text(instrument), .text(day.description)]).map(Catalog.file)
        }
    }

    /// Every (instrument, day) with L0 data, optionally within days.
    public func level0Days(from: MissionDay? = nil, to: MissionDay? = nil) throws -> [(instrument: String, day: MissionDay)] {
        try read { c in
            try c.query("SELECT DISTINCT instrument, day FROM files WHERE level = 'l0' AND day >= ? AND day <= ? ORDER BY day, instrument",
                        [.text(from?.description ?? "0000-00-00"), .text(to?.description ?? "9999-99-99")]).compactMap { r in
                guard let i = r[0].text, let d = r[1].text.flatMap({ MissionDay($0) }) else { return nil }
                return (i, d)
            }
        }
    }

    /// The first day with L0 data of any instrument, nil when none arrived.
    public func earliestLevel0Day() throws -> MissionDay? {
        try read { c in try c.query("SELECT MIN(day) FROM files WHERE level = 'l0'", []).first?.first?.text.flatMap { MissionDay($0) } }
    }

    /// Every file, all versions (tests, status).
    public func allFiles() throws -> [CatalogFile] {
        try read { c in try c.query("SELECT \(Catalog.fileColumns) FROM files ORDER BY id", []).map(Catalog.file) }
    }

    /// The input files recorded for an output file.
    public func provenance(of fileID: Int64) throws -> [CatalogFile] {
        try read { c in
            try c.query("SELECT \(Catalog.fileColumns.split(separator: ",").map { "f." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")) FROM provenance p JOIN files f ON f.id = p.input_file WHERE p.output_file = ? ORDER BY f.path",
                        [.int(fileID)]).map(Catalog.file)
        }
    }

    // MARK: jobs

    static let jobColumns = "id, product, day, input_hash, version, state, inputs, software_version, configuration_digest, host, pid, attempts, started_at, ended_at, error, heartbeat_at"

    static func job(_ r: [SQLValue]) throws -> CatalogJob {
        guard r.count == 16, let id = r[0].int, let product = r[1].text, let day = r[2].text.flatMap({ MissionDay($0) }),
              let hash = r[3].text, let version = r[4].int, let state = r[5].text.flatMap(JobState.init(rawValue:)),
              let inputs = r[6].text, let software = r[7].text, let config = r[8].text, let host = r[9].text,
              let pid = r[10].int, let attempts = r[11].int, let started = r[12].int
        else { throw CatalogError("malformed jobs row \(r)") }
        return CatalogJob(id: id, product: product, day: day, inputHash: hash, version: Int(version), state: state,
                          inputs: inputs.isEmpty ? [] : inputs.split(separator: "\n").map(String.init),
                          softwareVersion: software, configurationDigest: config, host: host, pid: Int32(pid),
                          attempts: Int(attempts), startedAtMs: started, endedAtMs: r[13].int, error: r[14].text,
                          heartbeatAtMs: r[15].int ?? started)
    }

    /// Jobs, optionally of one product and day, oldest first.
    public func jobs(product: ProductID? = nil, day: MissionDay? = nil) throws -> [CatalogJob] {
        var conditions: [String] = [], parameters: [SQLValue] = []
        if let product { conditions.append("product = ?"); parameters.append(.text(product.description)) }
        if let day { conditions.append("day = ?"); parameters.append(.text(day.description)) }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try read { c in
            try c.query("SELECT \(Catalog.jobColumns) FROM jobs \(filter) ORDER BY id", parameters).map(Catalog.job)
        }
    }

    /// The newest done version of a product for a day, with its files.
    public func latestProduct(_ product: ProductID, day: MissionDay) throws -> (job: CatalogJob, files: [CatalogFile])? {
        try read { c in
            guard let row = try c.query(
                "SELECT \(Catalog.jobColumns) FROM jobs WHERE product = ? AND day = ? AND state = 'done' ORDER BY version DESC LIMIT 1",
                [.text(product.description), .text(day.description)]).first else { return nil }
            let job = try Catalog.job(row)
            let files = try c.query("SELECT \(Catalog.fileColumns) FROM files WHERE job_id = ? ORDER BY path", [.int(job.id)]).map(Catalog.file)
            return (job, files)
        }
    }


    /// Claims the job (product, day, input hash) for `owner` atomically: a new job gets the next
    /// version; a job left running by a dead owner is taken over with its version; a failed one is
    /// retried with the next version.
    public func claim(product: ProductID, day: MissionDay, inputHash: String, inputs: [String],
                      softwareVersion: String, configurationDigest: String, owner: JobOwner,
                      isAlive ownerAlive: @Sendable (JobOwner) -> Bool = JobOwner.isAlive) throws -> ClaimResult {
        let p = SQLValue.text(product.description), d = SQLValue.text(day.description)
        let staleBefore = nowMs() - Int64(staleHeartbeatSeconds * 1000)
        func isAlive(_ job: CatalogJob) -> Bool { job.heartbeatAtMs >= staleBefore && ownerAlive(JobOwner(host: job.host, pid: job.pid)) }
        return try write { c in
            let rows = try c.query("SELECT \(Catalog.jobColumns) FROM jobs WHERE product = ? AND day = ? AND input_hash = ?", [p, d, .text(inputHash)])
            // Running jobs of this product and day whose owner died with other inputs are superseded.
            for r in try c.query("SELECT \(Catalog.jobColumns) FROM jobs WHERE product = ? AND day = ? AND state = 'running' AND input_hash <> ?", [p, d, .text(inputHash)]) {
                let j = try Catalog.job(r)
                if !isAlive(j) {
                    _ = try c.query("UPDATE jobs SET state = 'interrupted', ended_at = ?, error = 'owner died; superseded' WHERE id = ?", [.int(nowMs()), .int(j.id)])
                }
            }
            let next = (try c.query("SELECT COALESCE(MAX(version), 0) FROM jobs WHERE product = ? AND day = ? AND state IN ('done', 'running')", [p, d]).first?.first?.int ?? 0) + 1
            if let row = rows.first {
                let job = try Catalog.job(row)
                let jobOwner = JobOwner(host: job.host, pid: job.pid)
                switch job.state {
                case .done: return .alreadyDone(version: job.version)
                case .running where isAlive(job): return .busy(owner: jobOwner)
                case .running, .failed, .interrupted:
                    let version = job.state == .running ? Int64(job.version) : next
                    _ = try c.query(
                        "UPDATE jobs SET state = 'running', version = ?, host = ?, pid = ?, attempts = attempts + 1, started_at = ?, heartbeat_at = ?, ended_at = NULL, error = NULL WHERE id = ?",
                        [.int(version), .text(owner.host), .int(Int64(owner.pid)), .int(nowMs()), .int(nowMs()), .int(job.id)])
                    return .claimed(jobID: job.id, version: Int(version), resumed: job.state == .running)
                }
            }
            let inserted = try c.query(
                """
                INSERT INTO jobs (product, day, input_hash, version, state, inputs, software_version, configuration_digest, host, pid, attempts, started_at, heartbeat_at)
                VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id
                """,
                [p, d, .text(inputHash), .int(next), .text(inputs.joined(separator: "\n")), .text(softwareVersion),
                 .text(configurationDigest), .text(owner.host), .int(Int64(owner.pid)), .int(nowMs()), .int(nowMs())])
            guard let id = inserted.first?.first?.int else { throw CatalogError("job insert returned no id") }
            return .claimed(jobID: id, version: Int(next), resumed: false)
        }
    }

    /// Registers a job's output files with their provenance and marks it done, in one transaction.
    /// Throws when `owner` no longer owns the job (nothing is registered then).
    public func complete(jobID: Int64, product: ProductID, day: MissionDay, version: Int, outputs: [OutputFile],
                         inputFileIDs: [Int64], owner: JobOwner) throws {
        try write { c in
            let updated = try c.query(
                "UPDATE jobs SET state = 'done', ended_at = ?, error = NULL WHERE id = ? AND state = 'running' AND host = ? AND pid = ? RETURNING id",
                [.int(nowMs()), .int(jobID), .text(owner.host), .int(Int64(owner.pid))])
            guard !updated.isEmpty else { throw CatalogError("job \(jobID) (\(product) \(day)) is no longer owned by this process") }
            for o in outputs {
                let rows = try c.query(
                    """
                    INSERT INTO files (path, instrument, level, descriptor, day, version, size, checksum, mtime, registered_at, job_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (path) DO UPDATE SET size = excluded.size, checksum = excluded.checksum, mtime = excluded.mtime,
                        registered_at = excluded.registered_at, job_id = excluded.job_id, version = excluded.version
                    RETURNING id
                    """,
                    [.text(o.path), .text(product.instrument), .text(product.level.rawValue), .text(product.descriptor),
                     .text(day.description), .int(Int64(version)), .int(o.size), .text(o.checksum), .int(o.mtime),
                     .int(nowMs()), .int(jobID)])
                guard let fileID = rows.first?.first?.int else { throw CatalogError("file insert returned no id") }
                _ = try c.query("DELETE FROM provenance WHERE output_file = ?", [.int(fileID)])
                for input in Set(inputFileIDs) {
                    _ = try c.query("INSERT INTO provenance (output_file, input_file) VALUES (?, ?)", [.int(fileID), .int(input)])
                }
            }
        }
    }

    /// Tells other processes that `owner` is still making the job (one autocommit statement).
    public func heartbeat(jobID: Int64, owner: JobOwner) throws {
        _ = try read { c in
            try c.query("UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND state = 'running' AND host = ? AND pid = ?",
                        [.int(nowMs()), .int(jobID), .text(owner.host), .int(Int64(owner.pid))])
        }
    }

    /// Marks an owned job failed with its error.
    public func fail(jobID: Int64, error: String, owner: JobOwner) throws {
        try write { c in
            _ = try c.query("UPDATE jobs SET state = 'failed', ended_at = ?, error = ? WHERE id = ? AND state = 'running' AND host = ? AND pid = ?",
                            [.int(nowMs()), .text(error), .int(jobID), .text(owner.host), .int(Int64(owner.pid))])
        }
    }
}

func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

extension JobOwner {
    /// This process.
    public static var current: JobOwner {
        JobOwner(host: ProcessInfo.processInfo.hostName, pid: getpid())
    }

    /// A job owner on this host is alive when its pid exists (`kill(pid, 0)`); one on another host
    /// is judged by its heartbeat alone (`Catalog.staleHeartbeatSeconds`).
    @Sendable public static func isAlive(_ owner: JobOwner) -> Bool {
        guard owner.host == ProcessInfo.processInfo.hostName else { return true }
        return kill(owner.pid, 0) == 0 || errno == EPERM
    }
}
