import Dataset
import Foundation
import Products

/// Watches an inbox folder for L0 files: indexes each complete arrival and runs every job it made
/// complete, through the catalog's claims, so several watchers on one catalog share the work.
///
/// A file counts as complete when its modification time is older than `settleSeconds` (a file moved
/// in keeps its old time) or when its size has not changed since the previous poll. Polling costs
/// one directory listing and a stat per pending file per poll.
public final class InboxWatcher: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `pending` and `seen` are touched only by `poll`, which the
    // owner calls from one task at a time (`run` loops sequentially).
    public let inbox: String
    public let pipeline: Pipeline
    public let settleSeconds: Double
    /// Soft inputs of days from this day on are waited for; nil: the first L0 day in the catalog.
    public let missionStart: MissionDay?
    private var pending: [String: Int64] = [:]
    private var seen: [String: (size: Int64, mtime: Int64)] = [:]
    public private(set) var rejected: [String: String] = [:]

    public init(inbox: String, pipeline: Pipeline, settleSeconds: Double = 2, missionStart: MissionDay? = nil) {
        self.inbox = inbox; self.pipeline = pipeline; self.settleSeconds = settleSeconds; self.missionStart = missionStart
    }

    /// One poll: index complete new or changed files, then run the jobs they affect.
    public func poll(progress: (@Sendable (JobKey, JobOutcome) -> Void)? = nil) async throws -> RunReport {
        let fm = FileManager.default
        let now = Date().timeIntervalSince1970
        let index = Level0Index(catalog: pipeline.catalog)
        var arrived: [(instrument: String, day: MissionDay)] = []
        for name in try fm.contentsOfDirectory(atPath: inbox).sorted() where !name.hasPrefix(".") {
            let path = "\(inbox)/\(name)"
            guard let attributes = try? fm.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            let mtimeSeconds = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? now
            let mtime = Int64(mtimeSeconds * 1000)
            if let s = seen[path], s.size == size, s.mtime == mtime { continue }
            guard Level0Name(fileName: name) != nil else {
                if rejected[path] == nil { rejected[path] = "not an L0 file name" }
                continue
            }
            let settled = now - mtimeSeconds >= settleSeconds || pending[path] == size
            guard settled else { pending[path] = size; continue }
            pending[path] = nil
            do {
                // New to this watcher, even when another watcher indexed it first: both plan its
                // jobs and the catalog's claims let each job run once.
                let a = try index.index(path: path)
                arrived.append((a.instrument, a.day))
                seen[path] = (size, mtime)
            } catch {
                rejected[path] = "\(error)"
            }
        }
        guard !arrived.isEmpty else { return RunReport() }
        var jobs = Set<JobKey>()
        for a in arrived { jobs.formUnion(pipeline.graph.affected(byLevel0: a.instrument, day: a.day)) }
        guard let start = try missionStart ?? pipeline.catalog.earliestLevel0Day() else { return RunReport() }
        return await pipeline.run(jobs, completeness: .waitForSoftInputs(since: start), progress: progress)
    }

    /// Polls every `interval` seconds until cancelled.
    public func run(interval: Double, progress: (@Sendable (JobKey, JobOutcome) -> Void)? = nil) async throws {
        while !Task.isCancelled {
            _ = try await poll(progress: progress)
            // Between polls a watcher is idle for minutes: the memory of the last run's columns goes
            // back to the kernel rather than staying resident until the next day's files.
            ColumnMemory.releaseUnused()
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
    }
}
