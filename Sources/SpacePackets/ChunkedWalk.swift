import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
/// across a seam) is walked again, serially. The real walk does not wait for a late chunk: it claims
/// one whose speculative walk has not started and walks it itself, and stops a running one at its
/// next slice (`sliceBytes`), adopts what it walked and walks the rest (`Lateness.takeOver`).
///
/// Cost: a few 2048-entry tables a chunk and the seam checks; a chunk's rows stay in its own records
/// (`makeIndex` reads the runs in order; a one-APID file's are moved into the real walk's columns).
/// On the 2-core VM, whose two virtual CPUs slow each other down on this walk (PacketScan
/// benchmark, p50, all cores against one): fresh mappings, as the command line sees them, 23 against
/// 19 M packets/s for 1 GiB of 1 KiB packets and 13 against 9 for the mixed 256 MiB; already mapped
/// (warm), 61 against 90 and 18 against 22. Before lanes (`laneWalk`), warm: 72 against 80 and
/// 21-34 against 15-18: each core's lanes now keep the memory system busy on their own.
enum ChunkedWalk {
    /// Below this many bytes a chunk is not worth a thread.
    static let minimumChunkBytes = 4 << 20
    /// Headers that must chain, exactly adjacent, for a chunk to start at the first.
    static let synchronisationDepth = 4
    /// Bytes a speculative walk covers between looks at whether the real walk wants its chunk back:
    /// long enough to be cut in lanes (see `LanePlan`), short enough that the real walk waits for
    /// at most one slice (an estimate, not measured: 1-3 ms at the walk rates measured on the VM).
    static let sliceBytes = 16 << 20

    /// What the real walk does on reaching a chunk whose speculative walk has not finished.
    enum Lateness: Sendable {
        /// Waits for it (tests that count adopted chunks use this: the count does not depend on timing).
        case wait
        /// Takes the chunk over: one whose walk has not started is walked by the real walk; one that
        /// is running is stopped at its next slice, and what it walked is adopted. So a core that runs
        /// late (a busy machine, or virtual CPUs that slow each other down) never holds the real walk up
        /// for more than a slice.
        case takeOver
    }

    /// Runs `walk` over its whole file in `chunks` pieces (serially when 1); returns how many
    /// chunks it adopted (in whole or in part). `helperSlices` (tests) stops every speculative walk
    /// after that many slices, as if the real walk had taken its chunk over.
    @discardableResult
    static func run(_ walk: inout HeaderWalk, chunks: Int, progress: ((Int) -> Void)?, progressStep: Int,
                    lateness: Lateness = .takeOver, sliceBytes: Int = ChunkedWalk.sliceBytes, helperSlices: Int? = nil) -> Int {
        let n = walk.size
        guard chunks > 1 else {
            walk.run(progress: progress, progressStep: progressStep)
            return 0
        }
        // A first stretch walked alone, so that the chunks know which APIDs are believed.
        let position = walk.walk(from: 0, until: min(n / (4 * chunks), 1 << 20), progress: progress, progressStep: progressStep)
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
        let result = ResultBox()
        withUnsafeMutablePointer(to: &walk) { real in
            let realWalk = RealWalk(walk: real, progress: progress)
            DispatchQueue.concurrentPerform(iterations: chunks) { k in
                if k == 0 {
                    let position = realWalk.walk.pointee.walk(from: resume, until: bounds[1], progress: realWalk.progress,
                                                              progressStep: progressStep)
                    // Waiting for a chunk inside the iterations could wait for an iteration that runs
                    // only after this one (one thread): `.wait` stitches after them all instead.
                    if lateness == .takeOver {
                        (result.position, result.adopted) = stitch(realWalk.walk, from: position, chunks: chunks, slots: slots,
                                                                   takingOver: true, progress: realWalk.progress,
                                                                   progressStep: progressStep)
                        result.stitched = true
                    } else {
                        result.position = position
                    }
                } else {
                    slots.speculate(k, from: bounds[k], before: bounds[k + 1], sliceBytes: sliceBytes, slices: helperSlices)
                }
            }
            if !result.stitched {
                (result.position, result.adopted) = stitch(real, from: result.position, chunks: chunks, slots: slots,
                                                           takingOver: false, progress: progress, progressStep: progressStep)
            }
        }
        walk.finish(at: walk.walk(from: result.position, until: n, progress: progress, progressStep: progressStep), progress: progress)
        return result.adopted
    }

    /// The real walk, from `position` at the end of its own chunk, through the further chunks in file
    /// order: it adopts each chunk it arrives at exactly, and walks itself wherever it does not.
    /// `takingOver`: claims or stops each chunk's speculative walk first (else they have all finished).
    private static func stitch(_ w: UnsafeMutablePointer<HeaderWalk>, from start: Int, chunks: Int, slots: ChunkSlots,
                               takingOver: Bool, progress: ((Int) -> Void)?, progressStep: Int) -> (position: Int, adopted: Int) {
        var position = start
        var adopted = 0
        for k in 1..<chunks {
            if takingOver, !slots.claim(k) { slots.stopAndWait(k) }
            guard let chunkStart = slots.start(k) else { continue }
            if position < chunkStart {
                position = w.pointee.walk(from: position, until: chunkStart, progress: progress, progressStep: progressStep)
            }
            if position == chunkStart {
                slots.withChunk(k) { w.pointee.adopt($0) }
                position = slots.end(k)
                adopted += 1
            }
        }
        return (position, adopted)
    }
}

/// Where iteration 0 left the real walk. Invariant: written only by iteration 0 (or, after
/// `concurrentPerform` has returned, by the caller), read after `concurrentPerform` returns.
private final class ResultBox: @unchecked Sendable {
    var position = 0
    var adopted = 0
    var stitched = false
}

/// The real walk and its progress callback, lent to the first `concurrentPerform` iteration.
/// Invariant: only iteration 0 touches them, and the caller uses them again only after
/// `concurrentPerform` has returned.
private struct RealWalk: @unchecked Sendable {
    let walk: UnsafeMutablePointer<HeaderWalk>
    let progress: ((Int) -> Void)?
}

/// The speculative walks, where each started and stopped, and who owns each chunk.
///
/// Invariant that makes `@unchecked Sendable` sound: slot k's walk, start and end are written only by
/// the speculative walk of chunk k, and only between its winning `open -> running` exchange of
/// `states[k]` and its releasing store of `done`; the real walk reads them only after an acquiring
/// load of `done` (or never, when it won `open -> claimed` instead, in which case the speculative walk
/// never touches the slot). `stops[k]` is only a request, read with no ordering.
private final class ChunkSlots: @unchecked Sendable {
    private static let open = 0, running = 1, done = 2, claimed = 3
    private let walks: UnsafeMutablePointer<HeaderWalk>
    private let starts: UnsafeMutablePointer<Int>
    private let ends: UnsafeMutablePointer<Int>
    private let states: UnsafeMutablePointer<Atomic<Int>>
    private let stops: UnsafeMutablePointer<Atomic<Bool>>
    private let count: Int

    init(count: Int) {
        self.count = count
        walks = .allocate(capacity: count)
        starts = .allocate(capacity: count)
        starts.initialize(repeating: -1, count: count)
        ends = .allocate(capacity: count)
        ends.initialize(repeating: 0, count: count)
        states = .allocate(capacity: count)
        stops = .allocate(capacity: count)
        for k in 0..<count {
            (states + k).initialize(to: Atomic(Self.open))
            (stops + k).initialize(to: Atomic(false))
        }
    }

    deinit {
        (walks + 1).deinitialize(count: count - 1)
        walks.deallocate()
        starts.deallocate()
        ends.deallocate()
        states.deinitialize(count: count)
        states.deallocate()
        stops.deinitialize(count: count)
        stops.deallocate()
    }

    func initialize(_ k: Int, to walk: consuming HeaderWalk) {
        (walks + k).initialize(to: walk)
    }

    /// Chunk k's speculative walk, in slices of `sliceBytes`, until the chunk ends, the walk stops on
    /// its own, `slices` slices are done (tests), or the real walk asks for the chunk back. Does
    /// nothing when the real walk has already claimed the chunk.
    func speculate(_ k: Int, from lower: Int, before upper: Int, sliceBytes: Int, slices: Int?) {
        guard states[k].compareExchange(expected: Self.open, desired: Self.running, ordering: .acquiringAndReleasing).exchanged else {
            return
        }
        defer { states[k].store(Self.done, ordering: .releasing) }
        guard let start = walks[k].synchronisation(from: lower, before: upper) else { return }
        starts[k] = start
        var position = start
        var walked = 0
        while position < upper {
            let sliceEnd = min(upper, position &+ max(sliceBytes, 1))
            let next = walks[k].walk(from: position, until: sliceEnd, progress: nil, progressStep: Int.max)
            position = next
            walked += 1
            // Short of the slice's end: the walk stopped on its own (the real walk decides there).
            if next < sliceEnd || stops[k].load(ordering: .relaxed) || walked == slices { break }
        }
        ends[k] = position
    }

    /// Claims chunk k for the real walk if its speculative walk has not started.
    func claim(_ k: Int) -> Bool {
        states[k].compareExchange(expected: Self.open, desired: Self.claimed, ordering: .acquiringAndReleasing).exchanged
    }

    /// Asks chunk k's speculative walk to stop at its next slice and waits until it has.
    func stopAndWait(_ k: Int) {
        stops[k].store(true, ordering: .relaxed)
        waitUntilDone(k)
    }

    /// Waits until chunk k's speculative walk, which has started (`claim` failed), has finished. A
    /// stop request is seen between slices, not while the walk still looks for its first header
    /// (a chunk of junk is searched byte by byte to its end).
    func waitUntilDone(_ k: Int) {
        while states[k].load(ordering: .acquiring) != Self.done { sched_yield() }
    }

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
        lanes = real.lanes
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
        sequenceBreaks.reserve(sequenceBreaks.count + chunk.sequenceBreaks.count + seam.count)
        var next = 0
        for i in 0..<chunk.sequenceBreaks.count {
            let found = chunk.sequenceBreaks[i]
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
        laneRows += chunk.laneRows
    }
}

