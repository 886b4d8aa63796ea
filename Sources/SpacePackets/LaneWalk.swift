import CPrefetch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a walk cuts a long stretch into lanes walked side by side on one core (see `laneWalk`).
/// Tests set small sizes so that lanes (and their seams) fall everywhere in small inputs.
struct LanePlan: Sendable {
    /// Below this many bytes a lane does not repay finding its first header.
    var minimumLaneBytes = 512 << 10
    /// Lanes walked at once: enough to keep a core's outstanding loads busy (the C model of the
    /// walk still gained from 16 to 32).
    var maximumLanes = 32
    /// Fewer lanes than this and the stretch is walked as one.
    var minimumLanes = 4
    /// After lanes stopped short (a packet the general path must see, a lane that does not join
    /// the next), this many bytes are walked as one before lanes are tried again.
    var retryBytes = 16 << 20
    /// Bytes the fast path walks as one first, each time it starts: lanes are tried only where the
    /// stream has just run clean (not at the start of a file, while its APIDs are still being
    /// believed one by one, nor right after junk).
    var probeBytes = 64 << 10
    /// Lanes only where packets have been this long on average: shorter packets put a header in
    /// nearly every cache line, so the fast path's prefetch of every line wastes little, and
    /// the lanes' extra passes cost more than they save (CYGNSS, 147 B: 12% more CPU with lanes).
    var minimumMeanLength = 256
    /// No lanes where more than this share of the last rows walked had the length of the row
    /// before: a regular stream is prefetched exactly by the fast path (one hint eight packets
    /// ahead), and lanes would only add their extra passes (1 GiB of 1 KiB packets, one core:
    /// 20.7 -> 44.8 ms of CPU with lanes).
    var maximumRegularShare = 0.5
}

extension HeaderWalk {
    /// Walks `start...limit` (a fast-path stretch) as several lanes interleaved on one core, when
    /// it is long enough; returns where the walk has arrived (`start` when it did not try).
    ///
    /// Why: each header's address comes from the header before, so one walk waits a memory round
    /// trip a packet unless every cache line ahead is fetched (`prefetchDistance`), which reads the
    /// whole file through the caches: for packets of a kilobyte, 16 lines for every one needed.
    /// Lanes are independent chains of headers, so their loads overlap: the core keeps one in flight
    /// per lane, and each lane hints only the one header it will read after the next.
    ///
    /// How it stays exactly the serial walk: lane 0 starts at `start`; lane j > 0 at the first
    /// offset past its share of the stretch where headers chain (`synchronisation`). Each lane takes
    /// only packets the fast path would take (version, believed APID, not idle, admissible length,
    /// a plausible header after it) and records rows in its own stretch of the records' spare
    /// capacity. Then, in order, a lane counts only if the lane before arrived exactly at its first
    /// header: from there the serial walk would have read the same headers. Rows of counted lanes
    /// are moved together and accounted for (lengths, sequence checks) in file order; the walk
    /// goes on from where the last counted lane stopped, and the fast path resumes there.
    ///
    /// Cost: per lane a search for its first header and a move of its rows (16 bytes a packet);
    /// lanes that do not join are walked again. Measured with a C model of this walk on fresh
    /// mappings of page-cached files (ns a packet, one lane / prefetch sweep / 16 lanes / 32 lanes):
    /// 200 B-2 KiB packets 168 / 58-63 / 30-39 / 26-28; the mixed 256 MiB file 70-100 / 38-48 /
    /// 37-39; CYGNSS (147 B) 20-23 / 18-22 / 16-20.
    mutating func laneWalk(from start: Int, limit: Int) -> Int {
        let plan = lanes
        guard start >= laneRetryAt, limit > start, let base = bytes.baseAddress else { return start }
        let span = limit &- start
        let laneCount = min(plan.maximumLanes, span / max(plan.minimumLaneBytes, 1))
        guard laneCount >= plan.minimumLanes else { return start }
        // Spare rows for the stretch at the density walked so far, with a quarter to spare (a
        // lane that fills its share stops there, and the lanes after it are walked again); the
        // records grow at most once here.
        let walkedRows = records.count + adopted.reduce(0) { $0 + $1.records.count }
        let walkedBytes = records.count > 0 ? start &- records.offsets[0] : 0
        let density = walkedRows > 0 && walkedBytes > 0 ? Double(walkedRows) / Double(walkedBytes) : 1.0 / 64
        // Mean length so far = 1 / density.
        guard Double(plan.minimumMeanLength) * density <= 1, regularShare(lastRows: 512) <= plan.maximumRegularShare else {
            return start
        }
        let wanted = Int(Double(span) * density * 1.25) + laneCount * 4
        if records.capacity &- records.count < wanted { records.grow() }
        let spareRows = records.capacity &- records.count

        // Lane j walks [starts[j], ends[j]): it stops at or past the next lane's first header (the
        // last lane past `limit`, as the fast path does). Rows go to rows[j]..<rowLimits[j].
        // Idle packets (counted, not recorded) and their bytes, per lane.
        let state = UnsafeMutablePointer<Int>.allocate(capacity: laneCount * 7)
        defer { state.deallocate() }
        let starts = state, ends = state + laneCount, positions = state + 2 * laneCount
        let rows = state + 3 * laneCount, rowLimits = state + 4 * laneCount
        let idle = state + 5 * laneCount, idleLaneBytes = state + 6 * laneCount
        (state + 5 * laneCount).initialize(repeating: 0, count: 2 * laneCount)
        starts[0] = start
        var lanesFound = 1
        let share = span / laneCount
        for j in 1..<laneCount {
            // A lane starts within its own share of the stretch, or not at all (then the lane
            // before runs on through that share).
            let lower = start &+ share * j
            guard let first = synchronisation(from: lower, before: min(lower &+ share, limit &+ 1)) else { continue }
            starts[lanesFound] = first
            lanesFound += 1
        }
        guard lanesFound >= plan.minimumLanes else {
            laneRetryAt = start &+ plan.retryBytes
            return start
        }
        let count = lanesFound
        var row = records.count
        for j in 0..<count {
            ends[j] = j + 1 < count ? starts[j + 1] : limit &+ 1
            positions[j] = starts[j]
            let laneBytes = ends[j] &- starts[j]
            // The lane's share of the spare rows, as its share of the stretch's bytes (the rows
            // lanes leave unused stay spare: the lanes' rows are moved together).
            let rowShare = Int((Double(spareRows) * Double(min(laneBytes, span)) / Double(span + 1)).rounded(.down))
            rows[j] = row
            row = min(row &+ rowShare, records.capacity)
            rowLimits[j] = row
        }

        walkLanes(base: base, count: count, ends: ends, positions: positions, rows: rows, rowLimits: rowLimits,
                  idle: idle, idleBytes: idleLaneBytes)

        // Lanes in file order, while each arrived exactly where the next begins.
        var joined = 1
        while joined < count, positions[joined - 1] == starts[joined] { joined += 1 }
        let firstRow = records.count
        var end = rows[0]
        records.offsets.withUnsafeMutableBufferPointer { offsets in
            records.identities.withUnsafeMutableBufferPointer { identities in
                records.lengths.withUnsafeMutableBufferPointer { lengths in
                    for j in 1..<joined {
                        // Lane j's rows begin where the lane before's were bounded.
                        let laneFirst = rowLimits[j - 1]
                        let n = rows[j] &- laneFirst
                        if n > 0, laneFirst != end {
                            memmove(offsets.baseAddress! + end, offsets.baseAddress! + laneFirst, n * MemoryLayout<Int>.stride)
                            memmove(identities.baseAddress! + end, identities.baseAddress! + laneFirst, n * MemoryLayout<UInt32>.stride)
                            memmove(lengths.baseAddress! + end, lengths.baseAddress! + laneFirst, n * MemoryLayout<UInt32>.stride)
                        }
                        end &+= n
                    }
                }
            }
        }
        records.count = end
        laneRows &+= end &- firstRow
        for j in 0..<joined {
            idlePackets &+= idle[j]
            idleBytes &+= idleLaneBytes[j]
        }
        account(rows: firstRow..<end)
        let arrived = positions[joined - 1]
        if joined < count || arrived <= limit { laneRetryAt = arrived &+ plan.retryBytes }
        return arrived
    }

    /// The share of the last `lastRows` rows of this walk's records whose length equals the row
    /// before's (0 with fewer than two rows).
    private func regularShare(lastRows: Int) -> Double {
        let count = records.count
        guard count >= 2 else { return 0 }
        let first = max(1, count - lastRows)
        var same = 0
        records.lengths.withUnsafeBufferPointer { lengths in
            for row in first..<count where lengths[row] == lengths[row - 1] { same += 1 }
        }
        return Double(same) / Double(count - first)
    }

    /// The lanes' interleaved walk: one packet of each live lane in turn, until each has reached
    /// its end, stopped at a packet the walk's general path must decide, or filled its rows. Idle
    /// packets the general path would take (the same checks) are counted in the lane; every other
    /// packet taken is one the fast path would take. Once a lane stops short of its end, the lanes
    /// after it stop too: they can no longer be joined, and walking on would be wasted.
    private mutating func walkLanes(base: UnsafeRawPointer, count: Int, ends: UnsafeMutablePointer<Int>, positions: UnsafeMutablePointer<Int>,
                                    rows: UnsafeMutablePointer<Int>, rowLimits: UnsafeMutablePointer<Int>,
                                    idle: UnsafeMutablePointer<Int>, idleBytes: UnsafeMutablePointer<Int>) {
        let n = size
        let allowed = self.allowed
        let mask = versionMask
        let bits = versionBits
        let maximumLength = self.maximumLength
        // Live lanes' numbers, compacted as lanes finish.
        let live = UnsafeMutablePointer<Int>.allocate(capacity: count)
        defer { live.deallocate() }
        for j in 0..<count { live[j] = j }
        var liveCount = count
        var firstShort = Int.max
        // Each lane writes only its own rows.
        records.offsets.withUnsafeMutableBufferPointer { offsetsBuffer in
        records.identities.withUnsafeMutableBufferPointer { identitiesBuffer in
        records.lengths.withUnsafeMutableBufferPointer { lengthsBuffer in
        let offsets = offsetsBuffer.baseAddress!
        let identities = identitiesBuffer.baseAddress!
        let lengths = lengthsBuffer.baseAddress!
        while liveCount > 0 {
            var i = 0
            while i < liveCount {
                let j = live[i]
                let position = positions[j]
                let row = rows[j]
                let finished = position >= ends[j] || position > n &- PrimaryHeader.byteCount
                var stop = finished || j > firstShort || row >= rowLimits[j]
                if !stop {
                    let first = (base + position).loadUnaligned(as: UInt32.self).bigEndian
                    let word0 = UInt16(truncatingIfNeeded: first >> 16)
                    let length = Int((base + position + 4).loadUnaligned(as: UInt16.self).bigEndian) &+ 7
                    let next = position &+ length
                    let apid = Int(word0 & 0x07FF)
                    if word0 & mask == bits, allowed[apid], length <= maximumLength, next <= n {
                        var plausible = true
                        if next != n {
                            if next <= n &- PrimaryHeader.byteCount {
                                let nextWord0 = (base + next).loadUnaligned(as: UInt16.self).bigEndian
                                let nextLength = Int((base + next + 4).loadUnaligned(as: UInt16.self).bigEndian) &+ 7
                                plausible = nextWord0 & mask == bits && allowed[Int(nextWord0 & 0x07FF)] && nextLength <= maximumLength
                                // The header after the next: this lane's only hint.
                                downlink_prefetch(base + min(next &+ nextLength, n &- 1))
                            } else {
                                plausible = false
                            }
                        }
                        if plausible, apid == 2047 {
                            idle[j] &+= 1
                            idleBytes[j] &+= length
                            positions[j] = next
                        } else if plausible {
                            offsets[row] = position
                            identities[row] = UInt32(truncatingIfNeeded: apid) << 16 | (first & 0xFFFF)
                            lengths[row] = UInt32(truncatingIfNeeded: length)
                            rows[j] = row &+ 1
                            positions[j] = next
                        } else {
                            stop = true
                        }
                    } else {
                        stop = true
                    }
                }
                if stop {
                    if !finished, j < firstShort { firstShort = j }
                    liveCount -= 1
                    live[i] = live[liveCount]
                } else {
                    i += 1
                }
            }
        }
        }
        }
        }
    }

    /// What the fast path does for each packet it takes, for rows recorded by lanes: lengths seen
    /// and the sequence check, in file order.
    private mutating func account(rows: Range<Int>) {
        guard !rows.isEmpty else { return }
        let tally = self.tally
        // Read through copies of the columns (shared, not copied), so that recording a sequence
        // break (which mutates the walk) does not overlap an access to `records`.
        let offsetsColumn = records.offsets
        let identitiesColumn = records.identities
        let lengthsColumn = records.lengths
        offsetsColumn.withUnsafeBufferPointer { offsets in
            identitiesColumn.withUnsafeBufferPointer { identities in
                lengthsColumn.withUnsafeBufferPointer { lengths in
                    for row in rows {
                        let identity = identities[row]
                        let apid = Int(identity >> 16)
                        let length = Int(lengths[row])
                        let sequence = Int32(truncatingIfNeeded: identity & 0x3FFF)
                        if let last = (tally + apid).pointee.take(length: length, sequence: sequence) {
                            sequenceBreak(at: offsets[row], apid: UInt16(apid), sequence: sequence, last: last, expected: (last + 1) & 0x3FFF)
                        }
                    }
                }
            }
        }
    }
}
