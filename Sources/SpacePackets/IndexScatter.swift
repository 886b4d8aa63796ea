import Dispatch

/// The columns of the APIDs of a multi-APID file, filled by one pass over each run's rows.
///
/// Why: gathering an APID's rows through the counting sort's `order` reads the records once per
/// APID (each APID's rows are spread over all of them: CYGNSS interleaves 7), and needs `order`
/// itself (4 bytes a packet of fresh memory). Scattering reads each row once, in sequence, and
/// writes it straight into its APID's four columns at that run's place in them.
///
/// The columns are Swift arrays, filled while their `init(unsafeUninitializedCapacity:)` closures
/// run: every APID's columns are made by nested calls (four an APID, `maximumAPIDs` at most), and
/// the scatter runs inside the innermost.
///
/// Cost: the columns (15 bytes a packet) and, per run, a cursor and a summary an APID.
struct IndexScatter {
    /// Most APIDs scattered at once: the nesting is four calls an APID deep. Files with more are
    /// gathered APID by APID.
    static let maximumAPIDs = 64

    /// The APIDs' columns, in the order of `present`, with what the pass learned of each.
    struct Columns {
        var offsets: [Int]
        var lengths: [UInt32]
        var sequenceCounts: [UInt16]
        var flags: [SequenceFlags]
        var summary: ColumnSummary
    }

    /// Scatters the rows of `runs` into new columns for each APID of `present` (rows of APID
    /// `present[k]` in run r go to the APID's columns from `tables`' start of r on), runs side by
    /// side when `parallel`.
    static func columns(runs: [RecordRun], tables: SortTables, present: [Int], parallel: Bool) -> [Columns] {
        let apids = present.count
        let made = MadeColumns(count: apids)
        let out = Outputs(count: apids, runs: runs.count)
        defer { out.deallocate() }
        for (k, apid) in present.enumerated() { out.slotOf[apid] = Int16(k) }
        let counts = present.map { tables.total(of: $0) }
        makeColumns(counts: counts, from: 0, out: out, made: made) {
            let scatterRun: @Sendable (Int) -> Void = { r in
                out.scatter(runs[r], run: r, tables: tables, present: present)
            }
            if parallel {
                DispatchQueue.concurrentPerform(iterations: runs.count, execute: scatterRun)
            } else {
                for r in runs.indices { scatterRun(r) }
            }
        }
        return (0..<apids).map { k in
            var summary = ColumnSummary()
            var flagsAnd: UInt32 = 0xFFFF
            for r in runs.indices {
                summary.bytes &+= out.bytes[r * apids + k]
                flagsAnd &= out.flagsAnd[r * apids + k]
            }
            summary.segmented = flagsAnd & 0xC000 != 0xC000
            return Columns(offsets: made.offsets[k], lengths: made.lengths[k], sequenceCounts: made.sequenceCounts[k],
                           flags: made.flags[k], summary: summary)
        }
    }

    /// Makes APID k's four columns (`counts[k]` rows, uninitialised until `body` fills them), notes
    /// their addresses in `out`, and recurses to the next APID; the innermost call runs `body`.
    private static func makeColumns(counts: [Int], from k: Int, out: Outputs, made: MadeColumns, _ body: () -> Void) {
        guard k < counts.count else {
            body()
            return
        }
        let n = counts[k]
        let offsets = [Int](unsafeUninitializedCapacity: n) { offsetsOut, offsetsDone in
            let lengths = [UInt32](unsafeUninitializedCapacity: n) { lengthsOut, lengthsDone in
                let sequenceCounts = [UInt16](unsafeUninitializedCapacity: n) { countsOut, countsDone in
                    let flags = [SequenceFlags](unsafeUninitializedCapacity: n) { flagsOut, flagsDone in
                        flagsOut.withMemoryRebound(to: UInt8.self) { flagsOut in
                            out.columns[k] = PacketColumnsOut(offsets: offsetsOut.baseAddress!, lengths: lengthsOut.baseAddress!,
                                                              sequenceCounts: countsOut.baseAddress!, flags: flagsOut.baseAddress!)
                            makeColumns(counts: counts, from: k + 1, out: out, made: made, body)
                        }
                        flagsDone = n
                    }
                    made.flags[k] = flags
                    countsDone = n
                }
                made.sequenceCounts[k] = sequenceCounts
                lengthsDone = n
            }
            made.lengths[k] = lengths
            offsetsDone = n
        }
        made.offsets[k] = offsets
    }
}

/// The columns as they are made. Invariant: slot k is written once, by the nesting level of
/// APID k, and read after all levels have returned.
private final class MadeColumns {
    var offsets: [[Int]]
    var lengths: [[UInt32]]
    var sequenceCounts: [[UInt16]]
    var flags: [[SequenceFlags]]

    init(count: Int) {
        offsets = Array(repeating: [], count: count)
        lengths = Array(repeating: [], count: count)
        sequenceCounts = Array(repeating: [], count: count)
        flags = Array(repeating: [], count: count)
    }
}

/// Where the scatter writes: each APID's column addresses (valid while the nested calls that made
/// them run), the APID's slot for each APID number, and per run and slot the bytes and the AND of
/// the second header words. Invariant that makes `@unchecked Sendable` sound: the addresses and
/// slots are written before the scatter starts and only read by it; run r writes only its own
/// rows of every column (its place in them comes from the counting sort, disjoint from every other
/// run's) and its own summaries.
private final class Outputs: @unchecked Sendable {
    let columns: UnsafeMutablePointer<PacketColumnsOut>
    let slotOf: UnsafeMutablePointer<Int16>
    let bytes: UnsafeMutablePointer<Int>
    let flagsAnd: UnsafeMutablePointer<UInt32>
    let apids: Int

    init(count: Int, runs: Int) {
        apids = count
        columns = .allocate(capacity: max(count, 1))
        slotOf = .allocate(capacity: 2048)
        slotOf.initialize(repeating: -1, count: 2048)
        bytes = .allocate(capacity: max(count * runs, 1))
        bytes.initialize(repeating: 0, count: count * runs)
        flagsAnd = .allocate(capacity: max(count * runs, 1))
        flagsAnd.initialize(repeating: 0xFFFF, count: count * runs)
    }

    func deallocate() {
        columns.deallocate()
        slotOf.deallocate()
        bytes.deallocate()
        flagsAnd.deallocate()
    }

    /// Run r's rows into their APIDs' columns, each at the run's place in them.
    func scatter(_ run: RecordRun, run r: Int, tables: SortTables, present: [Int]) {
        let cursor = UnsafeMutablePointer<Int>.allocate(capacity: max(apids, 1))
        defer { cursor.deallocate() }
        for (k, apid) in present.enumerated() { cursor[k] = tables.startWithinAPID(run: r, apid: apid) }
        let bytes = self.bytes + r * apids
        let flagsAnd = self.flagsAnd + r * apids
        let columns = self.columns
        let slotOf = self.slotOf
        run.records.offsets.withUnsafeBufferPointer { offsets in
            run.records.lengths.withUnsafeBufferPointer { lengths in
                run.records.identities.withUnsafeBufferPointer { identities in
                    for row in run.rows {
                        let word = identities[row]
                        let k = Int(slotOf[Int(word >> 16)])
                        let c = cursor[k]
                        cursor[k] = c &+ 1
                        let length = lengths[row]
                        columns[k].store(row: c, offset: offsets[row], length: length, word: word)
                        bytes[k] &+= Int(length)
                        flagsAnd[k] &= word
                    }
                }
            }
        }
    }
}
