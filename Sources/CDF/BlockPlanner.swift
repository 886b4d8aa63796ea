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
