/// What the pipeline did with one planned job.
public enum JobOutcome: Sendable, Hashable, CustomStringConvertible {
    /// Made now, as this version.
    case made(version: Int)
    /// The newest version was made from the same inputs, software and configuration.
    case upToDate(version: Int)
    /// Inputs are missing (required ones) or not yet arrived (watching); nothing recorded.
    case notReady(String)
    /// Another live process was still making it when the wait (`PipelineSettings.busyWaitSeconds`) ended.
    case busy
    /// The job failed; recorded in the catalog with this error.
    case failed(String)

    public var description: String {
        switch self {
        case .made(let v): return "made v\(v)"
        case .upToDate(let v): return "up to date (v\(v))"
        case .notReady(let why): return "not ready: \(why)"
        case .busy: return "busy in another process"
        case .failed(let e): return "failed: \(e)"
        }
    }
}

/// The outcome of every planned job of one run.
public struct RunReport: Sendable {
    public var outcomes: [JobKey: JobOutcome] = [:]
    /// Seconds spent in jobs (planning each, catalog, moving files, the maker), summed over lanes.
    public var jobSeconds: Double = 0
    /// Of which in `ProductMaker.make`.
    public var makeSeconds: Double = 0
    public init() {}
    public var made: [JobKey] { outcomes.filter { if case .made = $0.value { return true }; return false }.map(\.key) }
    public var failed: [JobKey] { outcomes.filter { if case .failed = $0.value { return true }; return false }.map(\.key) }
    public var upToDate: Int { outcomes.values.filter { if case .upToDate = $0 { return true }; return false }.count }
    public var notReady: Int { outcomes.values.filter { if case .notReady = $0 { return true }; return false }.count }
    public var busy: Int { outcomes.values.filter { $0 == .busy }.count }
    public mutating func merge(_ other: RunReport) {
        outcomes.merge(other.outcomes) { $1 }; jobSeconds += other.jobSeconds; makeSeconds += other.makeSeconds
    }
    public var summary: String {
        "\(made.count) made, \(upToDate) up to date, \(failed.count) failed, \(notReady) not ready, \(busy) busy elsewhere"
    }
}
