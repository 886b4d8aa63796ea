import Dispatch

/// A run of a walk's rows in file order: rows `rows` of one set of records (the real walk's or an
/// adopted chunk's).
struct RecordRun: @unchecked Sendable {
    let records: PacketRecords
    let rows: Range<Int>
}

extension HeaderWalk {
    /// Below this many rows the index is built on one core.
    static let minimumParallelRows = 1 << 16

    /// Gathers the file-order records into per-APID columns and reassembles segments.
    ///
    /// Rows are counted by APID over each run (the walk's own and those of adopted chunks, which
    /// are never copied together). Up to `IndexScatter.maximumAPIDs` APIDs, one pass a run then
    /// scatters its rows into the APIDs' columns; with more, a counting sort places row numbers in
    /// `order` and each APID's columns are gathered through it. A file of one APID takes its
    /// records over without a copy (walked in chunks, the chunks' rows are first moved into the real
    /// walk's columns: `joinAdoptedRowsOfOneAPID`). With `workers` > 1 and enough rows, runs are
    /// counted and scattered side by side, then the APIDs (largest first) are finished side by
    /// side. The anomaly list takes the walk's findings as they are (`AnomalyList`).
    mutating func makeIndex(workers: Int = 1, minimumParallelRows: Int = HeaderWalk.minimumParallelRows) -> PacketIndex {
        joinAdoptedRowsOfOneAPID()
        records.trim()
        var runs: [RecordRun] = []
        var ownRow = 0
        for (at, chunk) in adopted {
            if at > ownRow { runs.append(RecordRun(records: records, rows: ownRow..<at)) }
            runs.append(RecordRun(records: chunk, rows: 0..<chunk.count))
            ownRow = at
        }
        if records.count > ownRow || runs.isEmpty { runs.append(RecordRun(records: records, rows: ownRow..<records.count)) }
        let total = runs.reduce(0) { $0 + $1.rows.count }
        let parallel = workers > 1 && total >= minimumParallelRows
        let tables = SortTables(runs: runs.count)
        defer { tables.deallocate() }
        let sortRuns = runs
        // Per run: rows per APID, then (once every run's counts are known) each run's rows, as row
        // numbers within the run's records, into the APID-grouped `order`.
        let count: @Sendable (Int) -> Void = { r in tables.count(sortRuns[r], into: r) }
        if parallel { DispatchQueue.concurrentPerform(iterations: runs.count, execute: count) } else { for r in runs.indices { count(r) } }
        let present = tables.layOut()
        let single = present.count == 1
        // Several APIDs: scattered in one pass a run (`IndexScatter`), or with very many APIDs
        // placed into `order` and gathered APID by APID.
        let scattered = !single && present.count <= IndexScatter.maximumAPIDs
            ? IndexScatter.columns(runs: sortRuns, tables: tables, present: present, parallel: parallel) : nil
        if !single && scattered == nil {
            tables.allocateOrder()
            let place: @Sendable (Int) -> Void = { r in tables.place(sortRuns[r], run: r) }
            if parallel { DispatchQueue.concurrentPerform(iterations: runs.count, execute: place) } else { for r in runs.indices { place(r) } }
        }

        let built = IndexSlots(count: present.count)
        let file = self.file
        let tally = Tally(pointer: self.tally)
        // One slot an APID, the largest first.
        let jobs = present.sorted { tables.total(of: $0) > tables.total(of: $1) }
        let slots = ScatteredSlots(columns: scattered, present: present)
        let job: @Sendable (Int) -> Void = { k in
            if let columns = slots.columns(of: jobs[k]) {
                built[k] = Self.packets(apid: jobs[k], columns: columns, tally: tally, file: file)
            } else {
                built[k] = Self.packets(apid: jobs[k], runs: sortRuns, tables: tables, single: single, tally: tally, file: file)
            }
        }
        if parallel {
            DispatchQueue.concurrentPerform(iterations: jobs.count, execute: job)
        } else {
            for k in jobs.indices { job(k) }
        }
        var orphans: [Anomaly] = []
        var perAPID: [APIDPackets] = []
        perAPID.reserveCapacity(jobs.count)
        for k in jobs.indices {
            let (packets, apidOrphans) = built[k]!
            perAPID.append(packets)
            orphans += apidOrphans
        }
        perAPID.sort { $0.apid < $1.apid }
        let allAnomalies = AnomalyList(file: file, breaks: sequenceBreaks, others: otherAnomalies, later: orphans)
        return PacketIndex(
            file: file, fileSize: size, packetVersion: packetVersion, apids: perAPID, anomalies: allAnomalies, idlePackets: idlePackets,
            idleBytes: idleBytes, skippedBytes: skippedBytes, truncatedBytes: truncatedBytes)
    }

    /// A file of one APID walked in chunks: moves the adopted chunks' rows into this walk's own
    /// columns, in file order, when their spare capacity holds them all (the capacity was estimated
    /// for the whole file), so that the index takes the columns over as if the file had been walked
    /// in one piece. Only the chunks' rows and the walk's own rows after the first seam are moved;
    /// no new columns are made.
    mutating func joinAdoptedRowsOfOneAPID() {
        guard !adopted.isEmpty else { return }
        var present = 0
        for apid in 0..<2048 where tally[apid].maximumLength > 0 {
            present += 1
            if present > 1 { return }
        }
        let own = records.count
        let total = adopted.reduce(own) { $0 + $1.records.count }
        guard total <= records.capacity else { return }
        let chunks = adopted
        records.offsets.withUnsafeMutableBufferPointer { offsets in
            records.identities.withUnsafeMutableBufferPointer { identities in
                records.lengths.withUnsafeMutableBufferPointer { lengths in
                    // From the back: each stretch of own rows after a seam moves up past the chunks
                    // before it (destinations never lie below sources), then the chunk goes below it.
                    var end = total
                    var ownEnd = own
                    for (at, chunk) in chunks.reversed() {
                        let n = ownEnd - at
                        if n > 0, end - n != at {
                            (offsets.baseAddress! + end - n).update(from: offsets.baseAddress! + at, count: n)
                            (identities.baseAddress! + end - n).update(from: identities.baseAddress! + at, count: n)
                            (lengths.baseAddress! + end - n).update(from: lengths.baseAddress! + at, count: n)
                        }
                        end -= n
                        let c = chunk.count
                        end -= c
                        chunk.offsets.withUnsafeBufferPointer { (offsets.baseAddress! + end).update(from: $0.baseAddress!, count: c) }
                        chunk.identities.withUnsafeBufferPointer { (identities.baseAddress! + end).update(from: $0.baseAddress!, count: c) }
                        chunk.lengths.withUnsafeBufferPointer { (lengths.baseAddress! + end).update(from: $0.baseAddress!, count: c) }
                        ownEnd = at
                    }
                }
            }
        }
        records.count = total
        adopted = []
    }

    /// One APID's columns gathered from the runs, with its segments reassembled.
    ///
    /// One pass over the APID's rows writes all four columns: each row's records are read once,
    /// and the second header word is split into sequence count and flags on the way, without a
    /// temporary column of words (4 bytes a packet of fresh memory, and five more passes).
    private static func packets(apid: Int, runs: [RecordRun], tables: SortTables, single: Bool, tally: Tally,
                                file: String) -> (APIDPackets, [Anomaly]) {
        let count = tables.total(of: apid)
        var offsets: [Int] = []
        var lengths: [UInt32] = []
        var sequenceCounts: [UInt16] = []
        var flags: [SequenceFlags] = []
        var summary = ColumnSummary()
        if single, runs.count == 1, runs[0].rows == 0..<runs[0].records.offsets.count {
            // One APID walked in one piece: the records are the index; take them over.
            offsets = runs[0].records.offsets
            lengths = runs[0].records.lengths
            runs[0].records.identities.withUnsafeBufferPointer { words in
                lengths.withUnsafeBufferPointer { lengths in
                    sequenceCounts = [UInt16](unsafeUninitializedCapacity: count) { counts, countsDone in
                        flags = [SequenceFlags](unsafeUninitializedCapacity: count) { flags, flagsDone in
                            flags.withMemoryRebound(to: UInt8.self) { flags in
                                summary = Self.split(words: words.baseAddress!, lengths: lengths.baseAddress!, count: count,
                                                     sequenceCounts: counts.baseAddress!, flags: flags.baseAddress!)
                            }
                            flagsDone = count
                        }
                        countsDone = count
                    }
                }
            }
        } else {
            offsets = [Int](unsafeUninitializedCapacity: count) { offsetsOut, offsetsDone in
                lengths = [UInt32](unsafeUninitializedCapacity: count) { lengthsOut, lengthsDone in
                    sequenceCounts = [UInt16](unsafeUninitializedCapacity: count) { countsOut, countsDone in
                        flags = [SequenceFlags](unsafeUninitializedCapacity: count) { flagsOut, flagsDone in
                            flagsOut.withMemoryRebound(to: UInt8.self) { flagsOut in
                                summary = tables.gather(
                                    apid: apid, runs: runs, single: single,
                                    into: PacketColumnsOut(offsets: offsetsOut.baseAddress!, lengths: lengthsOut.baseAddress!,
                                                           sequenceCounts: countsOut.baseAddress!, flags: flagsOut.baseAddress!))
                            }
                            flagsDone = count
                        }
                        countsDone = count
                    }
                    lengthsDone = count
                }
                offsetsDone = count
            }
        }
        return packets(apid: apid, columns: IndexScatter.Columns(offsets: offsets, lengths: lengths, sequenceCounts: sequenceCounts,
                                                                  flags: flags, summary: summary),
                       tally: tally, file: file)
    }

    /// One APID's index from its columns, with its segments reassembled.
    private static func packets(apid: Int, columns: IndexScatter.Columns, tally: Tally, file: String) -> (APIDPackets, [Anomaly]) {
        let t = tally.pointer[apid]
        var packets = APIDPackets(
            apid: UInt16(apid), offsets: columns.offsets, lengths: columns.lengths, sequenceCounts: columns.sequenceCounts,
            sequenceFlags: columns.flags, bytes: columns.summary.bytes, minimumLength: t.minimumLength, maximumLength: t.maximumLength,
            gaps: t.gaps, missingPackets: t.missing, duplicates: t.duplicates, logicalPackets: nil)
        var orphans: [Anomaly] = []
        if columns.summary.segmented {
            let assembled = SegmentAssembler.assemble(packets, file: file)
            packets.logicalPackets = assembled.logicalPackets
            orphans = assembled.orphans
        }
        return (packets, orphans)
    }

    /// Splits taken-over second header words into sequence counts and flags, and sums lengths.
    @inline(__always)
    fileprivate static func split(words: UnsafePointer<UInt32>, lengths: UnsafePointer<UInt32>, count: Int,
                                  sequenceCounts: UnsafeMutablePointer<UInt16>, flags: UnsafeMutablePointer<UInt8>) -> ColumnSummary {
        var bytes = 0
        var flagsAnd: UInt32 = 0xFFFF
        for i in 0..<count {
            let word = words[i]
            flagsAnd &= word
            sequenceCounts[i] = UInt16(truncatingIfNeeded: word) & 0x3FFF
            // SequenceFlags' cases are declared in raw-value order, so its in-memory tag is its
            // raw value: the two flag bits store directly.
            flags[i] = UInt8(truncatingIfNeeded: word >> 14) & 3
            bytes &+= Int(lengths[i])
        }
        return ColumnSummary(bytes: bytes, segmented: flagsAnd & 0xC000 != 0xC000)
    }
}

/// Where one APID's gathered columns go (uninitialised memory of the APID's row count).
struct PacketColumnsOut {
    let offsets: UnsafeMutablePointer<Int>
    let lengths: UnsafeMutablePointer<UInt32>
    let sequenceCounts: UnsafeMutablePointer<UInt16>
    let flags: UnsafeMutablePointer<UInt8>

    /// Writes one packet's row: `word` is the record's identity (APID above the second header word).
    @inline(__always)
    func store(row i: Int, offset: Int, length: UInt32, word: UInt32) {
        offsets[i] = offset
        lengths[i] = length
        sequenceCounts[i] = UInt16(truncatingIfNeeded: word) & 0x3FFF
        // SequenceFlags' cases are declared in raw-value order, so its in-memory tag is its raw
        // value: the two flag bits store directly.
        flags[i] = UInt8(truncatingIfNeeded: word >> 14) & 3
    }
}

/// What a gather learns on the way: the APID's bytes, and whether any packet is a segment
/// (sequence flags other than unsegmented).
struct ColumnSummary {
    var bytes = 0
    var segmented = false
}

/// The walk's per-APID tallies, read by `makeIndex`'s builders. Invariant: not written while
/// they run.
private struct Tally: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<APIDTally>
}

/// The counting sort's tables over several runs of rows. Invariant: `count(_:into:)` writes only
/// its run's counts, `place` only its run's cursors and its own stretch of `order` (disjoint from
/// every other run's), `layOut` runs alone between the two phases, and the builders only read.
///
/// Cost: 16 KiB a run of counts and cursors, and 4 bytes a row of `order` when gathering.
final class SortTables: @unchecked Sendable {
    let runs: Int
    /// Rows of each APID in each run, `counts[run * 2048 + apid]`, and (after `layOut`) where
    /// they begin in `order`.
    let counts: UnsafeMutablePointer<Int>
    let starts: UnsafeMutablePointer<Int>
    /// Rows of each APID over all runs, and where they begin in `order`.
    let totals: UnsafeMutablePointer<Int>
    let firsts: UnsafeMutablePointer<Int>
    var order: UnsafeMutablePointer<Int32>
    /// Rows of all runs (after `layOut`).
    var totalRows = 0

    init(runs: Int) {
        self.runs = runs
        counts = .allocate(capacity: runs * 2048)
        counts.initialize(repeating: 0, count: runs * 2048)
        starts = .allocate(capacity: runs * 2048)
        totals = .allocate(capacity: 2048)
        firsts = .allocate(capacity: 2048)
        order = .allocate(capacity: 1)
    }

    func deallocate() {
        counts.deallocate()
        starts.deallocate()
        totals.deallocate()
        firsts.deallocate()
        order.deallocate()
    }

    func count(_ run: RecordRun, into r: Int) {
        let counts = self.counts + r * 2048
        run.records.identities.withUnsafeBufferPointer { identities in
            for row in run.rows { counts[Int(identities[row] >> 16)] &+= 1 }
        }
    }

    /// Sums the runs' counts and gives each run its place in `order`; returns the APIDs present.
    func layOut() -> [Int] {
        var present: [Int] = []
        var next = 0
        for apid in 0..<2048 {
            firsts[apid] = next
            var total = 0
            for r in 0..<runs {
                starts[r * 2048 + apid] = next + total
                total += counts[r * 2048 + apid]
            }
            totals[apid] = total
            next += total
            if total > 0 { present.append(apid) }
        }
        totalRows = next
        return present
    }

    /// Makes `order` (4 bytes a row) for `place` and `gather`; the scatter does without.
    func allocateOrder() {
        order.deallocate()
        order = .allocate(capacity: max(totalRows, 1))
    }

    /// Where run r's rows of `apid` begin in that APID's columns.
    func startWithinAPID(run r: Int, apid: Int) -> Int { starts[r * 2048 + apid] - firsts[apid] }

    func total(of apid: Int) -> Int { totals[apid] }

    func place(_ run: RecordRun, run r: Int) {
        let cursor = UnsafeMutablePointer<Int>.allocate(capacity: 2048)
        defer { cursor.deallocate() }
        cursor.update(from: starts + r * 2048, count: 2048)
        let order = self.order
        run.records.identities.withUnsafeBufferPointer { identities in
            for row in run.rows {
                let apid = Int(identities[row] >> 16)
                order[cursor[apid]] = Int32(truncatingIfNeeded: row)
                cursor[apid] &+= 1
            }
        }
    }

    /// One APID's rows of every run, in file order, into its four columns. With a single APID (no
    /// `order`) each run's rows are read in sequence.
    func gather(apid: Int, runs: [RecordRun], single: Bool, into out: PacketColumnsOut) -> ColumnSummary {
        var written = 0
        var bytes = 0
        var flagsAnd: UInt32 = 0xFFFF
        for (r, run) in runs.enumerated() {
            let n = counts[r * 2048 + apid]
            guard n > 0 else { continue }
            let rows = order + starts[r * 2048 + apid]
            let first = run.rows.lowerBound
            run.records.offsets.withUnsafeBufferPointer { offsets in
                run.records.lengths.withUnsafeBufferPointer { lengths in
                    run.records.identities.withUnsafeBufferPointer { identities in
                        let (offsets, lengths, identities) = (offsets.baseAddress!, lengths.baseAddress!, identities.baseAddress!)
                        @inline(__always) func copy(row: Int, to i: Int) {
                            let word = identities[row]
                            let length = lengths[row]
                            out.store(row: i, offset: offsets[row], length: length, word: word)
                            flagsAnd &= word
                            bytes &+= Int(length)
                        }
                        if single {
                            for i in 0..<n { copy(row: first + i, to: written + i) }
                        } else {
                            for i in 0..<n { copy(row: Int(rows[i]), to: written + i) }
                        }
                    }
                }
            }
            written += n
        }
        return ColumnSummary(bytes: bytes, segmented: flagsAnd & 0xC000 != 0xC000)
    }
}

/// What `makeIndex`'s builders return. Invariant: slot k is written by exactly one builder, and
/// read only after all have finished.
private final class IndexSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<(APIDPackets, [Anomaly])?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    subscript(k: Int) -> (APIDPackets, [Anomaly])? {
        get { slots[k] }
        set { slots[k] = newValue }
    }
}

/// The scattered columns, found by APID for `makeIndex`'s builders. Invariant: made before the
/// builders start, only read by them.
private struct ScatteredSlots: @unchecked Sendable {
    let columns: [IndexScatter.Columns]?
    let slotOf: [Int: Int]

    init(columns: [IndexScatter.Columns]?, present: [Int]) {
        self.columns = columns
        slotOf = columns == nil ? [:] : Dictionary(uniqueKeysWithValues: present.enumerated().map { ($0.element, $0.offset) })
    }

    func columns(of apid: Int) -> IndexScatter.Columns? {
        guard let columns, let k = slotOf[apid] else { return nil }
        return columns[k]
    }
}
