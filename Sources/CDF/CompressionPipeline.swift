import Dataset

/// Compresses the blocks of all compressed variables on background threads while the writer
/// consumes the results in file order: the writer waits only for the block it needs next, so
/// compression and writing overlap. A block's gzip stream is kept only when it is smaller than the
/// raw records.
///
/// Costs: gzip CPU spread over `maxConcurrency` threads; memory for the blocks compressed but not yet
/// written. Invariant for `@unchecked Sendable`: `results`, `next` and `cancelled` are read and
/// written only while `condition` is locked; each result slot is written by the one worker that took
/// its job.
final class CompressionPipeline: @unchecked Sendable {
    struct Job: Sendable {
        let variable: Int
        let block: Int
        /// The column (shared, not copied) and the byte range of the block's records.
        let column: Column
        let byteRange: Range<Int>
        let level: Int
    }

    let jobs: [Job]
    /// Job index of (variable, block).
    private let index: [Int: [Int: Int]]
    private let condition = NSCondition()
    private var results: [Result<[UInt8], any Error>?]
    private var next = 0
    private var cancelled = false

    init(variables: [ResolvedVariable], blocks: [[DataBlock]]) {
        var jobs: [Job] = []
        var index: [Int: [Int: Int]] = [:]
        for (vi, rv) in variables.enumerated() {
            guard let level = rv.gzipLevel else { continue }
            for (bi, b) in blocks[vi].enumerated() {
                let start = b.columnRecord * rv.recordBytes
                index[vi, default: [:]][bi] = jobs.count
                jobs.append(Job(variable: vi, block: bi, column: rv.column, byteRange: start..<(start + b.count * rv.recordBytes), level: level))
            }
        }
        self.jobs = jobs
        self.index = index
        self.results = Array(repeating: nil, count: jobs.count)
    }

    /// Starts `maxConcurrency` workers (returns at once).
    func start(maxConcurrency: Int) {
        guard !jobs.isEmpty else { return }
        let workers = max(1, min(maxConcurrency, jobs.count))
        DispatchQueue.global(qos: .userInitiated).async {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in self.work() }
        }
    }

    private func work() {
        // Workers take the next job as they finish one (uneven blocks leave no core idle) and reuse
        // one compressor per level.
        var compressor: GzipCompressor?
        while let j = take() {
            let job = jobs[j]
            if compressor?.level != job.level { compressor = GzipCompressor(level: job.level) }
            let c = compressor!
            let r = Result { () throws -> [UInt8] in
                try job.column.withUnsafeBytes { raw in
                    try c.compress(UnsafeRawBufferPointer(rebasing: raw[job.byteRange]))
                }
            }
            condition.lock()
            results[j] = r
            condition.broadcast()
            condition.unlock()
        }
    }

    private func take() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled, next < jobs.count else { return nil }
        next += 1
        return next - 1
    }

    /// Waits for the blocks of variable `vi` and records the ones that shrank in `blocks`.
    func collect(variable vi: Int, into blocks: inout [DataBlock], recordBytes: Int) throws {
        guard let map = index[vi] else { return }
        for (bi, j) in map.sorted(by: { $0.key < $1.key }) {
            condition.lock()
            while results[j] == nil { condition.wait() }
            let r = results[j]!
            results[j] = .success([])      // release the memory; the writer owns the bytes now
            condition.unlock()
            let bytes = try r.get()
            if bytes.count < blocks[bi].count * recordBytes { blocks[bi].compressed = bytes }
        }
    }

    /// Stops handing out jobs (after an error); running ones finish.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.unlock()
    }
}

import Foundation
