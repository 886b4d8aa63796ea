import Dispatch

/// Splits a step's records into contiguous ranges and runs them on all cores (`concurrentPerform`).
///
/// What it is for: the element-wise steps of a day-long chain (unpack, expand, scale, magnitude) run
/// over hundreds of millions of elements; on one core they leave the others idle while the product
/// waits, and the first writes to their output pages (the kernel zeroing fresh memory) are serial too.
/// What it costs: one `concurrentPerform` per call; below `minimumRecords` per range `body` simply runs
/// once on the caller's thread. `body` must write only its own range's outputs. The split depends on
/// the record count only, never on the machine's cores, so steps that merge per-range partial sums get
/// the same bits on a laptop and on a 64-core host.
enum ParallelRecords {
    /// Ranges at most: enough to keep a many-core host busy, few enough that per-range partial results
    /// (a bin table each) stay small.
    static let maximumRanges = 64

    static func forEach(records: Int, minimumRecords: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
        forEach(ranges(records: records, minimumRecords: minimumRecords)) { _, range in body(range) }
    }

    /// The ranges `forEach` splits `records` into (at least one, possibly empty).
    static func ranges(records: Int, minimumRecords: Int = 1 << 16) -> [Range<Int>] {
        let parts = max(1, min(maximumRanges, records / max(1, minimumRecords)))
        let step = (records + parts - 1) / parts
        return (0..<parts).map { i in min(records, i * step)..<min(records, (i + 1) * step) }
    }

    /// Runs `body(i, ranges[i])` for every range, in parallel when there are several; for steps that
    /// keep per-range partial results (sums, counts) and merge them in range order afterwards.
    static func forEach(_ ranges: [Range<Int>], _ body: (Int, Range<Int>) -> Void) {
        guard ranges.count > 1 else {
            if let only = ranges.first { body(0, only) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = RangeBody(body: body)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { i in
                if !ranges[i].isEmpty { shared.body(i, ranges[i]) }
            }
        }
    }
}

/// A step's per-range closure, called from `concurrentPerform`'s threads.
/// Invariant that makes `@unchecked Sendable` sound: `concurrentPerform` returns only when every
/// call has finished, so the closure and what it captures (buffers of columns the step owns) outlive
/// the calls; each call reads shared inputs only and writes only the outputs of its own range.
private struct RangeBody: @unchecked Sendable {
    let body: (Int, Range<Int>) -> Void
}
