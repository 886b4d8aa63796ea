import Products

/// A file the catalog tracks: an arrived L0 file (level `l0`, empty descriptor, no job) or one
/// product file written by a job.
public struct CatalogFile: Sendable, Hashable {
    public var id: Int64
    public var path: String
    public var instrument: String
    /// `l0`, `l1a`, `l1b`, `l2`, `l3`.
    public var level: String
    public var descriptor: String
    public var day: MissionDay
    public var version: Int
    public var size: Int64
    /// Hex SHA-256 of the content.
    public var checksum: String
    /// Modification time, milliseconds since 1970.
    public var mtime: Int64
    public var registeredAtMs: Int64
    public var jobID: Int64?

    /// The product this file belongs to, nil for L0.
    public var product: ProductID? {
        ProductLevel(rawValue: level).map { ProductID(instrument: instrument, level: $0, descriptor: descriptor) }
    }
}

/// Where a job is in its life. `interrupted`: left running by a process that died and superseded by
/// a job with other inputs (a job with the same inputs is retried instead).
public enum JobState: String, Sendable, Codable, CaseIterable {
    case running, done, failed, interrupted
}

/// One attempt to make one product for one day from one set of inputs (its input hash).
public struct CatalogJob: Sendable, Hashable {
    public var id: Int64
    public var product: String
    public var day: MissionDay
    public var inputHash: String
    public var version: Int
    public var state: JobState
    /// The input files' paths.
    public var inputs: [String]
    public var softwareVersion: String
    public var configurationDigest: String
    public var host: String
    public var pid: Int32
    public var attempts: Int
    public var startedAtMs: Int64
    public var endedAtMs: Int64?
    public var error: String?
    /// Last sign of life of the owner (ms since 1970): set at claim, renewed while the job runs.
    public var heartbeatAtMs: Int64
}

/// The process that owns a claimed job: host name and pid, checked for liveness when another process
/// finds the job still `running` (a process killed mid-job leaves it so).
public struct JobOwner: Sendable, Hashable {
    public var host: String
    public var pid: Int32
    public init(host: String, pid: Int32) { self.host = host; self.pid = pid }
}

/// What claiming a job gave.
public enum ClaimResult: Sendable, Hashable {
    /// This process now owns the job; write the product with `version`. `resumed`: the job had been
    /// left running by a dead process (its staging folder may hold partial output).
    case claimed(jobID: Int64, version: Int, resumed: Bool)
    /// A job with the same inputs already made this product version.
    case alreadyDone(version: Int)
    /// A live process is making it now.
    case busy(owner: JobOwner)
}

/// One output file of a finished job, as registered.
public struct OutputFile: Sendable, Hashable {
    public var path: String
    public var size: Int64
    public var checksum: String
    public var mtime: Int64
    public init(path: String, size: Int64, checksum: String, mtime: Int64) {
        self.path = path; self.size = size; self.checksum = checksum; self.mtime = mtime
    }
}
