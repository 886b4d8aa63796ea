import Dataset

/// A run of consecutive records of one variable stored in one VVR or CVVR. Costs its compressed
/// bytes, if any (raw blocks are written straight from the column).
struct DataBlock: Sendable {
    /// First and last CDF record numbers.
    let first: Int
    let last: Int
    /// Index of the first record in the column.
    let columnRecord: Int
    var count: Int { last - first + 1 }
    /// The gzip stream, when compression shrank the block; nil: stored raw.
    var compressed: [UInt8]?
}

/// Splits a variable's records into blocks: one per run of consecutive record numbers, cut into
/// `blockRecords` pieces when compressed.
///
/// Costs: one entry per block.
enum BlockPlanner {
    static func blocks(for rv: ResolvedVariable) -> [DataBlock] {
        let n = rv.column.records
        guard n > 0, rv.recordBytes > 0 else { return [] }
        var runs: [(first: Int, columnRecord: Int, count: Int)] = []
        if let rn = rv.recordNumbers {
            var start = 0
            for i in 1...n where i == n || rn[i] != rn[i - 1] + 1 {
                runs.append((rn[start], start, i - start))
                start = i
            }
        } else {
            runs = [(0, 0, n)]
        }
        var out: [DataBlock] = []
        for run in runs {
            let size = rv.gzipLevel == nil ? run.count : rv.blockRecords
            var k = 0
            while k < run.count {
                let c = min(size, run.count - k)
                out.append(DataBlock(first: run.first + k, last: run.first + k + c - 1, columnRecord: run.columnRecord + k))
                k += c
            }
        }
        return out
    }
}

/// Slots for the results of parallel block compression.
///
/// Invariant that makes `@unchecked Sendable` sound: slot `i` is written by exactly one worker (the
/// one that owns job `i`), and all slots are read only after every worker has finished
/// (`DispatchQueue.concurrentPerform` returns only then). Costs one optional per job.
final class CompressionSlots: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Result<[UInt8], any Error>?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    func set(_ i: Int, _ r: Result<[UInt8], any Error>) { slots[i] = r }
    func get(_ i: Int) -> Result<[UInt8], any Error>? { slots[i] }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
}

/// Hands out job indices 0, 1, 2, ... to worker threads. Invariant for `@unchecked Sendable`: `value`
/// is read and written only while `lock` is held. Costs one uncontended lock per job (a job is ~1 MiB).
final class JobCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// Compresses the blocks of all compressed variables in parallel, keeping a block's gzip stream only
/// when it is smaller than the raw records.
///
/// Costs: CPU of gzip per block, spread over `maxConcurrency` threads; memory of the compressed output.
enum BlockCompressor {
    /// One block to compress: the column (shared, not copied) and the byte range of its records.
    struct Job: Sendable {
        let variable: Int
        let block: Int
        let column: Column
        let byteRange: Range<Int>
        let level: Int
    }

    static func compress(_ plans: inout [[DataBlock]], variables: [ResolvedVariable], maxConcurrency: Int) throws {
        var jobs: [Job] = []
        for (vi, rv) in variables.enumerated() {
            guard let level = rv.gzipLevel else { continue }
            for (bi, b) in plans[vi].enumerated() {
                let start = b.columnRecord * rv.recordBytes
                jobs.append(Job(variable: vi, block: bi, column: rv.column, byteRange: start..<(start + b.count * rv.recordBytes), level: level))
            }
        }
        guard !jobs.isEmpty else { return }
        let slots = CompressionSlots(count: jobs.count)
        let workers = max(1, min(maxConcurrency, jobs.count))
        let work = jobs
        let queue = JobCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            // Workers take the next job as they finish one, so uneven blocks (noise next to
            // constant data) do not leave a core idle. Each reuses one compressor per level.
            var compressor: GzipCompressor?
            while let j = queue.next(below: work.count) {
                let job = work[j]
                if compressor?.level != job.level { compressor = GzipCompressor(level: job.level) }
                let c = compressor!
                let r = Result { () throws -> [UInt8] in
                    try job.column.withUnsafeBytes { raw in
                        try c.compress(UnsafeRawBufferPointer(rebasing: raw[job.byteRange]))
                    }
                }
                slots.set(j, r)
            }
        }
        for (j, job) in jobs.enumerated() {
            let bytes = try slots.get(j)!.get()
            if bytes.count < job.byteRange.count { plans[job.variable][job.block].compressed = bytes }
        }
    }
}

import Foundation
