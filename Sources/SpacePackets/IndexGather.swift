import Dispatch

/// A run of a walk's rows in file order: rows `rows` of one set of records (the real walk's or an
/// adopted chunk's).
private struct RecordRun: @unchecked Sendable {
    let records: PacketRecords
    let rows: Range<Int>
}

extension HeaderWalk {
    /// Below this many rows the index is built on one core.
    static let minimumParallelRows = 1 << 16

    /// Gathers the file-order records into per-APID columns and reassembles segments.
    ///
    /// A counting sort by APID over each run of rows (the walk's own and those of adopted chunks,
    /// which are never copied together), then one gather per column and APID; a file of one APID
    /// takes its records over without a copy (walked in chunks, the chunks' rows are first moved into
    /// the real walk's columns: `joinAdoptedRowsOfOneAPID`). With `workers` > 1 and enough
    /// rows, the runs are sorted side by side, then the APIDs (largest first) and the anomaly list
    /// are built side by side.
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
        let place: @Sendable (Int) -> Void = { r in tables.place(sortRuns[r], run: r) }
        if !single {
            if parallel { DispatchQueue.concurrentPerform(iterations: runs.count, execute: place) } else { for r in runs.indices { place(r) } }
        }

        let built = IndexSlots(count: present.count + 1)
        let file = self.file
        let breaks = sequenceBreaks
        let others = otherAnomalies
        let tally = Tally(pointer: self.tally)
        // Slot 0: the walk's anomalies; then one slot an APID, the largest first.
        let jobs = present.sorted { tables.total(of: $0) > tables.total(of: $1) }
        let job: @Sendable (Int) -> Void = { k in
            if k == 0 {
                built.anomalies = Self.anomalies(sequenceBreaks: breaks, others: others, file: file)
            } else {
                built[k] = Self.packets(apid: jobs[k - 1], runs: sortRuns, tables: tables, single: single, tally: tally, file: file)
            }
        }
        if parallel {
            DispatchQueue.concurrentPerform(iterations: jobs.count + 1, execute: job)
        } else {
            for k in 0...jobs.count { job(k) }
        }
        let anomalies = built.anomalies
        var allAnomalies = anomalies
        var perAPID: [APIDPackets] = []
        perAPID.reserveCapacity(jobs.count)
        for k in 1..<(jobs.count + 1) {
            let (packets, orphans) = built[k]!
            perAPID.append(packets)
            // (Appending nothing would still copy the whole list: it is shared with `anomalies`.)
            if !orphans.isEmpty { allAnomalies += orphans }
        }
        perAPID.sort { $0.apid < $1.apid }
        // The walk records in file order; only orphan segments, found afterwards, need sorting in.
        if allAnomalies.count > anomalies.count {
            allAnomalies.sort { ($0.offset, $0.kind.rawValue) < ($1.offset, $1.kind.rawValue) }
        }
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
    private static func packets(apid: Int, runs: [RecordRun], tables: SortTables, single: Bool, tally: Tally,
                                file: String) -> (APIDPackets, [Anomaly]) {
        let count = tables.total(of: apid)
        let offsets: [Int]
        let lengths: [UInt32]
        // This APID's second header words, in file order: the walk's own column when it is taken
        // over, else gathered.
        let gathered: UnsafeMutablePointer<UInt32>?
        let identities: [UInt32]
        if single, runs.count == 1, runs[0].rows == 0..<runs[0].records.offsets.count {
            // One APID walked in one piece: the records are the index; take them over.
            offsets = runs[0].records.offsets
            lengths = runs[0].records.lengths
            identities = runs[0].records.identities
            gathered = nil
        } else {
            offsets = [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
                tables.gather(apid: apid, runs: runs, single: single, column: \.offsets, into: buffer.baseAddress!)
                initialized = count
            }
            lengths = [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
                tables.gather(apid: apid, runs: runs, single: single, column: \.lengths, into: buffer.baseAddress!)
                initialized = count
            }
            let words = UnsafeMutablePointer<UInt32>.allocate(capacity: max(count, 1))
            tables.gather(apid: apid, runs: runs, single: single, column: \.identities, into: words)
            gathered = words
            identities = []
        }
        defer { gathered?.deallocate() }
        var bytes = 0
        lengths.withUnsafeBufferPointer { for length in $0 { bytes &+= Int(length) } }
        var segmented = false
        var sequenceCounts: [UInt16] = []
        var flags: [SequenceFlags] = []
        func split(_ words: UnsafePointer<UInt32>) {
            sequenceCounts = [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
                var flagsAnd: UInt32 = 0xFFFF
                for i in 0..<count {
                    flagsAnd &= words[i]
                    buffer[i] = UInt16(truncatingIfNeeded: words[i]) & 0x3FFF
                }
                segmented = flagsAnd & 0xC000 != 0xC000
                initialized = count
            }
            flags = [SequenceFlags](unsafeUninitializedCapacity: count) { buffer, initialized in
                // SequenceFlags' cases are declared in raw-value order, so its in-memory tag is
                // its raw value: the two flag bits store directly.
                buffer.withMemoryRebound(to: UInt8.self) { raw in
                    for i in 0..<count { raw[i] = UInt8(truncatingIfNeeded: words[i] >> 14) & 3 }
                }
                initialized = count
            }
        }
        if let gathered {
            split(gathered)
        } else {
            identities.withUnsafeBufferPointer { split($0.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<UInt32>.alignment)!) }
        }
        let t = tally.pointer[apid]
        var packets = APIDPackets(
            apid: UInt16(apid), offsets: offsets, lengths: lengths, sequenceCounts: sequenceCounts,
            sequenceFlags: flags, bytes: bytes, minimumLength: t.minimumLength, maximumLength: t.maximumLength,
            gaps: t.gaps, missingPackets: t.missing, duplicates: t.duplicates, logicalPackets: nil)
        var orphans: [Anomaly] = []
        if segmented {
            let assembled = SegmentAssembler.assemble(packets, file: file)
            packets.logicalPackets = assembled.logicalPackets
            orphans = assembled.orphans
        }
        return (packets, orphans)
    }
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
/// Cost: 16 KiB a run of counts and cursors, 4 bytes a row of `order`.
private final class SortTables: @unchecked Sendable {
    let runs: Int
    /// Rows of each APID in each run, `counts[run * 2048 + apid]`, and (after `layOut`) where
    /// they begin in `order`.
    let counts: UnsafeMutablePointer<Int>
    let starts: UnsafeMutablePointer<Int>
    /// Rows of each APID over all runs, and where they begin in `order`.
    let totals: UnsafeMutablePointer<Int>
    let firsts: UnsafeMutablePointer<Int>
    var order: UnsafeMutablePointer<Int32>

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
        order.deallocate()
        order = .allocate(capacity: max(next, 1))
        return present
    }

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

    /// One APID's values of one records column, in file order. With a single APID (no `order`)
    /// each run's rows are copied whole.
    func gather<T>(apid: Int, runs: [RecordRun], single: Bool, column: KeyPath<PacketRecords, [T]>,
                   into out: UnsafeMutablePointer<T>) {
        var written = 0
        for (r, run) in runs.enumerated() {
            let n = counts[r * 2048 + apid]
            guard n > 0 else { continue }
            run.records[keyPath: column].withUnsafeBufferPointer { source in
                if single {
                    (out + written).update(from: source.baseAddress! + run.rows.lowerBound, count: n)
                } else {
                    let rows = order + starts[r * 2048 + apid]
                    for i in 0..<n { out[written + i] = source[Int(rows[i])] }
                }
            }
            written += n
        }
    }
}

/// What `makeIndex`'s builders return. Invariant: slot k (slot 0: the anomaly list) is written by
/// exactly one builder, and read only after all have finished.
private final class IndexSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<(APIDPackets, [Anomaly])?>
    private let count: Int
    var anomalies: [Anomaly] = []

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
