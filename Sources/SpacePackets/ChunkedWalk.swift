import Dispatch

/// One file's header walk spread over several cores, with exactly the result of the serial walk.
///
/// Each header's address depends on the length in the one before, so a walk cannot simply be cut
/// in pieces. Instead the file is cut into chunks; the real walk takes the first, and beside it a
/// *speculative* walk per further chunk finds the first offset past the chunk's start where a
/// chain of headers begins (`synchronisation`) and walks the fast path from there. Then,
/// in file order, the real walk adopts a chunk only if it arrives exactly at the chunk's first
/// packet: from that position the real walk would have read the same headers and taken the same
/// decisions: the speculative walk accepts only packets of APIDs the real walk already believed
/// (or, without known APIDs, a new APID's packet that starts a confirmed chain, which `recover`
/// believes whatever came before), and stops wherever the real walk would have to decide from what
/// it has seen (junk, a doubtful header, the end of the file). The sequence check across the seam
/// is redone against the real walk's state. Any chunk the real walk does not land on exactly (junk
/// across a seam) is walked again, serially.
///
/// Cost: a few 2048-entry tables a chunk and the seam checks; a chunk's rows stay in its own records
/// (`makeIndex` reads the runs in order). On the 2-core VM: 1.2-1.5x faster on a 50 MB multi-APID
/// file; on files of large irregular packets, 1.4-1.8x when fresh pages are slow and 0.9x when they
/// are not (the serial walk's prefetching already reads memory at full speed there).
enum ChunkedWalk {
    /// Below this many bytes a chunk is not worth a thread.
    static let minimumChunkBytes = 4 << 20
    /// Headers that must chain, exactly adjacent, for a chunk to start at the first.
    static let synchronisationDepth = 4

    /// Runs `walk` over its whole file in `chunks` pieces (serially when 1); returns how many
    /// chunks it adopted.
    @discardableResult
    static func run(_ walk: inout HeaderWalk, chunks: Int, progress: ((Int) -> Void)?, progressStep: Int) -> Int {
        let n = walk.size
        guard chunks > 1 else {
            walk.run(progress: progress, progressStep: progressStep)
            return 0
        }
        // A first stretch walked alone, so that the chunks know which APIDs are believed.
        var position = walk.walk(from: 0, until: min(n / (4 * chunks), 1 << 20), progress: progress, progressStep: progressStep)
        let bounds = (0...chunks).map { $0 == 0 ? position : $0 * (n / chunks) + ($0 == chunks ? n % chunks : 0) }
        guard position < bounds[1] else {
            walk.finish(at: walk.walk(from: position, until: n, progress: progress, progressStep: progressStep), progress: progress)
            return 0
        }
        let slots = ChunkSlots(count: chunks)
        let estimate = walk.records.capacity
        for k in 1..<chunks {
            let share = estimate / chunks + estimate / (8 * chunks) + 64
            slots.initialize(k, to: HeaderWalk(speculatingFor: walk, capacity: share))
        }
        let resume = position
        withUnsafeMutablePointer(to: &walk) { real in
            let realWalk = RealWalk(walk: real, progress: progress)
            DispatchQueue.concurrentPerform(iterations: chunks) { k in
                if k == 0 {
                    slots.setEnd(0, realWalk.walk.pointee.walk(from: resume, until: bounds[1], progress: realWalk.progress, progressStep: progressStep))
                } else {
                    slots.speculate(k, from: bounds[k], before: bounds[k + 1])
                }
            }
        }
        position = slots.end(0)
        var adopted = 0
        for k in 1..<chunks {
            guard let start = slots.start(k) else { continue }
            if position < start {
                position = walk.walk(from: position, until: start, progress: progress, progressStep: progressStep)
            }
            if position == start {
                slots.withChunk(k) { walk.adopt($0) }
                position = slots.end(k)
                adopted += 1
            }
        }
        position = walk.walk(from: position, until: n, progress: progress, progressStep: progressStep)
        walk.finish(at: position, progress: progress)
        return adopted
    }
}

/// The real walk and its progress callback, lent to the first `concurrentPerform` iteration.
/// Invariant: only iteration 0 touches them, and the caller uses them again only after
/// `concurrentPerform` has returned.
private struct RealWalk: @unchecked Sendable {
    let walk: UnsafeMutablePointer<HeaderWalk>
    let progress: ((Int) -> Void)?
}

/// The speculative walks and where each started and stopped. Invariant: slot k (and its start and
/// end) is written only by iteration k of one `concurrentPerform`, and read only after it returns.
private final class ChunkSlots: @unchecked Sendable {
    private let walks: UnsafeMutablePointer<HeaderWalk>
    private let starts: UnsafeMutablePointer<Int>
    private let ends: UnsafeMutablePointer<Int>
    private let count: Int

    init(count: Int) {
        self.count = count
        walks = .allocate(capacity: count)
        starts = .allocate(capacity: count)
        starts.initialize(repeating: -1, count: count)
        ends = .allocate(capacity: count)
        ends.initialize(repeating: 0, count: count)
    }

    deinit {
        (walks + 1).deinitialize(count: count - 1)
        walks.deallocate()
        starts.deallocate()
        ends.deallocate()
    }

    func initialize(_ k: Int, to walk: consuming HeaderWalk) {
        (walks + k).initialize(to: walk)
    }

    func speculate(_ k: Int, from lower: Int, before upper: Int) {
        guard let start = walks[k].synchronisation(from: lower, before: upper) else { return }
        starts[k] = start
        ends[k] = walks[k].walk(from: start, until: upper, progress: nil, progressStep: Int.max)
    }

    func setEnd(_ k: Int, _ end: Int) { ends[k] = end }
    func end(_ k: Int) -> Int { ends[k] }
    func start(_ k: Int) -> Int? { starts[k] >= 0 ? starts[k] : nil }
    func withChunk(_ k: Int, _ body: (borrowing HeaderWalk) -> Void) { body(walks[k]) }
}

extension HeaderWalk {
    /// A speculative walk over a chunk of `real`'s file: the same rules, the APIDs `real` believes
    /// now, fresh sequence state and records.
    init(speculatingFor real: borrowing HeaderWalk, capacity: Int) {
        bytes = real.bytes
        file = real.file
        size = real.size
        maximumLength = real.maximumLength
        restricted = real.restricted
        knownDepth = real.knownDepth
        newDepth = real.newDepth
        versionBits = real.versionBits
        versionMask = real.versionMask
        allowed = .allocate(capacity: 2048)
        allowed.initialize(from: real.allowed, count: 2048)
        tally = .allocate(capacity: 2048)
        tally.initialize(repeating: APIDTally(), count: 2048)
        records = PacketRecords(capacity: capacity)
        speculative = true
    }

    /// The first offset in `lower..<upper` where `synchronisationDepth` plausible headers chain
    /// exactly (or reach the end of the file exactly), the first of a believed APID. (Where it
    /// lands decides only whether the chunk is adopted, never what the index holds.)
    func synchronisation(from lower: Int, before upper: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = lower
        let last = min(upper, size &- PrimaryHeader.byteCount &+ 1)
        candidates: while offset < last {
            defer { offset &+= 1 }
            var at = offset
            for depth in 0..<ChunkedWalk.synchronisationDepth {
                if at == size { break }
                guard at <= size &- PrimaryHeader.byteCount else { continue candidates }
                let word0 = (base + at).loadUnaligned(as: UInt16.self).bigEndian
                let length = Int((base + at + 4).loadUnaligned(as: UInt16.self).bigEndian) &+ 7
                guard word0 & versionMask == versionBits, depth > 0 || allowed[Int(word0 & 0x07FF)], length <= maximumLength,
                      at &+ length <= size, !restricted || allowed[Int(word0 & 0x07FF)] else { continue candidates }
                at &+= length
            }
            return offset
        }
        return nil
    }

    /// Takes over a speculative walk that starts exactly where this walk has arrived: its rows,
    /// idle counts and sequence findings, plus the sequence check of each APID's first packet in
    /// the chunk against the last one this walk saw.
    mutating func adopt(_ chunk: borrowing HeaderWalk) {
        var present = 0
        for apid in 0..<2048 where chunk.tally[apid].maximumLength > 0 { present += 1 }
        // Seam breaks, found in row (file) order.
        var seam: [SequenceBreak] = []
        if present > 0 {
            var seen = [Bool](repeating: false, count: 2048)
            chunk.records.identities.withUnsafeBufferPointer { identities in
                chunk.records.offsets.withUnsafeBufferPointer { offsets in
                    var row = 0
                    while present > 0, row < chunk.records.count {
                        let apid = Int(identities[row] >> 16)
                        if !seen[apid] {
                            seen[apid] = true
                            present -= 1
                            let sequence = Int32(identities[row] & 0x3FFF)
                            let last = tally[apid].lastSequence
                            if last >= 0, sequence != (last &+ 1) & 0x3FFF {
                                let expected = (last &+ 1) & 0x3FFF
                                if sequence == last {
                                    tally[apid].duplicates += 1
                                } else {
                                    tally[apid].gaps += 1
                                    tally[apid].missing += Int((sequence &- expected) & 0x3FFF)
                                }
                                seam.append(SequenceBreak(offset: offsets[row], apid: UInt16(apid), sequence: UInt16(sequence),
                                                          expected: UInt16(expected)))
                            }
                        }
                        row += 1
                    }
                }
            }
        }
        for apid in 0..<2048 where chunk.tally[apid].maximumLength > 0 {
            let theirs = chunk.tally[apid]
            tally[apid].lastSequence = theirs.lastSequence
            tally[apid].gaps += theirs.gaps
            tally[apid].missing += theirs.missing
            tally[apid].duplicates += theirs.duplicates
            tally[apid].minimumLength = min(tally[apid].minimumLength, theirs.minimumLength)
            tally[apid].maximumLength = max(tally[apid].maximumLength, theirs.maximumLength)
        }
        // Both lists are in file order: merge.
        sequenceBreaks.reserveCapacity(sequenceBreaks.count + chunk.sequenceBreaks.count + seam.count)
        var next = 0
        for found in chunk.sequenceBreaks {
            while next < seam.count, seam[next].offset < found.offset {
                sequenceBreaks.append(seam[next])
                next += 1
            }
            sequenceBreaks.append(found)
        }
        while next < seam.count {
            sequenceBreaks.append(seam[next])
            next += 1
        }
        adopted.append((records.count, chunk.records))
        // APIDs the chunk came to believe, as this walk would have on the same packets.
        for apid in 0..<2048 where chunk.allowed[apid] { allowed[apid] = true }
        idlePackets += chunk.idlePackets
        idleBytes += chunk.idleBytes
    }
}

