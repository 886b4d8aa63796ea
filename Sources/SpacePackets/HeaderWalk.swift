import CPrefetch

/// Per-APID state kept while a file is walked: only what the walk itself needs (the sequence
/// check, and lengths seen for recognising a lone packet between junk runs). Counts and byte
/// totals are computed afterwards from the records, off the hot loop.
struct APIDTally {
    var lastSequence: Int32 = -1
    var gaps = 0
    var missing = 0
    var duplicates = 0
    var minimumLength = Int.max
    var maximumLength = 0

    /// Notes a packet the walk takes: its length, and its sequence count against the APID's one
    /// before. Returns that previous count when this one does not follow it (a gap or a
    /// duplicate, for the walk to record), else nil.
    @inline(__always)
    mutating func take(length: Int, sequence: Int32) -> Int32? {
        if length != minimumLength {
            if length < minimumLength { minimumLength = length }
            if length > maximumLength { maximumLength = length }
        }
        let last = lastSequence
        lastSequence = sequence
        return sequence != (last &+ 1) & 0x3FFF && last >= 0 ? last : nil
    }
}

/// One pass over the primary headers of a mapped file: the scan's engine.
///
/// The fast path reads a header, checks it is plausible and that the next header is too, and
/// appends one row to `PacketRecords`: two loads, a table look-up and a few compares a packet, no
/// allocation. Anything else (a new APID, junk, a truncated end) takes `recover`, which confirms
/// headers by chaining (see `ScanRules`) and accounts for every byte it skips. Sequence counts are
/// checked per APID with 14-bit rollover as packets are accepted. Long clean stretches of long,
/// irregular packets are walked as interleaved lanes (`laneWalk`), with the same result.
///
/// Cost: 2048-entry APID tables (~80 KB) plus 16 bytes a packet in `PacketRecords`.
struct HeaderWalk: ~Copyable {
    let bytes: UnsafeRawBufferPointer
    let file: String
    let size: Int
    let maximumLength: Int
    let restricted: Bool
    let knownDepth: Int
    let newDepth: Int
    /// The packet version bits every header must carry, in place (bits 13-15 of the first word),
    /// and the mask that selects them (0 when any version is accepted).
    var versionBits: UInt16 = 0
    var versionMask: UInt16 = 0xE000
    /// APIDs believed to be real: the known set, or (without one) those confirmed so far.
    let allowed: UnsafeMutablePointer<Bool>
    let tally: UnsafeMutablePointer<APIDTally>
    var records: PacketRecords
    /// Sequence gaps and duplicates as the walk finds them, 16 bytes each (in a file concatenated
    /// from pieces they can be one packet in six); they become `Anomaly`s only when the index's
    /// `AnomalyList` is read.
    var sequenceBreaks = SequenceBreakStore()
    /// The other (rare) findings, each with the number of sequence breaks recorded before it, so
    /// that `makeIndex` can merge both in walk order.
    var otherAnomalies: [(breaksBefore: Int, anomaly: Anomaly)] = []
    var idlePackets = 0
    var idleBytes = 0
    var skippedBytes = 0
    var truncatedBytes = 0
    /// A walk over one chunk of a file, run beside the real walk (see `ChunkedWalk`): it stops
    /// where the real walk would have to recover, and its sequence checks start afresh.
    var speculative = false
    /// Chunks' records taken over by `adopt`, each with the row count of `records` when it was:
    /// the file's rows are this walk's and the chunks', interleaved in that order (see `makeIndex`).
    var adopted: [(at: Int, records: PacketRecords)] = []
    /// How long stretches are cut into lanes (see `laneWalk`), and the offset before which lanes
    /// are not tried again after they stopped short.
    var lanes = LanePlan()
    var laneRetryAt = 0
    /// Rows recorded by lanes (and kept), for tests and measurements.
    var laneRows = 0
    /// Bytes the walk maps ahead of itself at a time (`MappedPages.populate`), or nil: for a file not
    /// yet in the page cache, walked by one thread, so that the kernel sees one reader going front
    /// to back (see `PacketScanner.scanOutcome`). Production uses `readAheadBytes`; tests, small
    /// windows that fall everywhere.
    var readAheadWindow: Int?
    /// Windows mapped ahead so far, for tests.
    var readAheadWindows = 0

    init(bytes: UnsafeRawBufferPointer, file: String, rules: ScanRules) {
        self.bytes = bytes
        self.file = file
        size = bytes.count
        maximumLength = rules.maximumPacketLength
        knownDepth = rules.confirmationDepth
        newDepth = rules.newAPIDConfirmationDepth
        allowed = .allocate(capacity: 2048)
        tally = .allocate(capacity: 2048)
        tally.initialize(repeating: APIDTally(), count: 2048)
        if let known = rules.knownAPIDs {
            restricted = true
            allowed.initialize(repeating: false, count: 2048)
            for apid in known where apid < 2048 { allowed[Int(apid)] = true }
        } else {
            restricted = false
            allowed.initialize(repeating: false, count: 2048)
        }
        allowed[Int(PrimaryHeader.idleAPID)] = true
        // A first guess at the packet count from the lengths of the first headers; the records
        // double if it is low (each doubling touches fresh memory and copies: worth avoiding).
        records = PacketRecords(capacity: Self.estimatedPacketCount(bytes))
        switch rules.packetVersion {
        case let .exactly(version):
            versionBits = UInt16(version & 7) << 13
        case .any:
            versionMask = 0
        case .automatic:
            // A file starting with version 0 is standard; another version is believed only when a
            // chain of it confirms; assorted versions only when the chain's headers share one APID
            // (single-APID ground-test files), since with any version nearly any bytes chain.
            if let first = PrimaryHeader(bytes, at: 0), first.version != 0 {
                versionBits = UInt16(first.version) << 13
                if !confirmed(at: 0, depth: newDepth, exactEnd: true) {
                    versionBits = 0
                    versionMask = 0
                    if !confirmed(at: 0, depth: newDepth, exactEnd: true, sameAPID: first.apid) { versionMask = 0xE000 }
                }
            }
        }
    }

    /// How the walk hints the memory ahead. After a packet of the same length as the one before, the
    /// stream looks regular and one hint goes to where the header 8 packets on would be; after any
    /// other, every cache line up to `prefetchDistance` past the next header is asked for once, in
    /// order (headers then land anywhere in those lines). Asking for every line of a regular stream
    /// of long packets would read the whole file through the caches for nothing.
    /// Measured with a C walk over page-cached files, ns a packet on a fresh mapping, none / every
    /// line / this: fixed 1 KiB packets 14.7 / 31.4 / 10.9; 64 B-8 KiB 169.6 / 68.3 / 65.6;
    /// 200 B-2 KiB 156.9 / 37.5 / 35.5; CYGNSS (147 B, 7 APIDs) 38.0 / 9.2 / 9.5.
    static let prefetchDistance = 4096

    /// The file size over the mean length of its first 256 packets, with 1/8 to spare.
    static func estimatedPacketCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        var packets = 0
        while packets < 256, let header = PrimaryHeader(bytes, at: offset) {
            offset += header.packetLength
            packets += 1
        }
        guard packets > 0, offset > 0 else { return bytes.count / 1024 }
        let meanLength = max(offset / packets, 7)
        return min(bytes.count / meanLength + bytes.count / meanLength / 8 + 64, bytes.count / 7 + 1)
    }

    /// The packet version the walk accepts; nil when any is.
    var packetVersion: UInt8? { versionMask == 0 ? nil : UInt8(versionBits >> 13) }

    deinit {
        allowed.deallocate()
        tally.deallocate()
    }

    /// The read-ahead window for a cold file (`readAheadWindow`): long enough that the kernel reads
    /// in large pieces, short enough that the progress line moves while a large file is read.
    static let readAheadBytes = 16 << 20

    mutating func run(progress: ((Int) -> Void)?, progressStep: Int) {
        let end = walk(from: 0, until: size, progress: progress, progressStep: progressStep)
        finish(at: end, progress: progress)
    }

    /// Walks from `start`, a packet boundary, and returns the first packet boundary at or beyond
    /// `stop` (or the end of the walkable bytes). A speculative walk (see `ChunkedWalk`) returns
    /// early instead where the bytes need `recover`: the real walk, which alone has seen what lies
    /// before, decides there.
    mutating func walk(from start: Int, until stop: Int, progress: ((Int) -> Void)?, progressStep: Int) -> Int {
        let n = size
        var position = start
        var nextReport = progress == nil ? Int.max : start &+ progressStep
        // Where the read-ahead window ends: the fast path and lanes stop there for the next one.
        var mapped = readAheadWindow == nil ? Int.max : start
        while position < stop, position <= n &- PrimaryHeader.byteCount {
            if position >= nextReport {
                progress?(position)
                nextReport = position &+ progressStep
            }
            if let window = readAheadWindow, position >= mapped {
                mapped = min(stop, position &+ max(window, 1))
                MappedPages.populate(bytes, position..<mapped)
                readAheadWindows += 1
            }
            let limit = min(nextReport, stop &- 1, n &- PrimaryHeader.byteCount, mapped)
            // A clean probe first, then lanes (see `laneWalk`), then the fast path again from
            // wherever the lanes stopped.
            let probeLimit = min(limit, position &+ lanes.probeBytes)
            position = fastPath(from: position, limit: probeLimit)
            if position > probeLimit, position <= limit {
                position = laneWalk(from: position, limit: limit)
                position = fastPath(from: position, limit: limit)
            }
            guard position < stop, position <= n &- PrimaryHeader.byteCount, position < nextReport, position < mapped else { continue }
            if records.count == records.capacity { records.grow() }
            // The fast path stopped here: the general path decides (idle packets, new APIDs,
            // junk, a truncated end).
            let header = PrimaryHeader(unchecked: bytes, at: position)
            let length = Int(header.word2) &+ 7
            let next = position &+ length
            if header.word0 & versionMask == versionBits, allowed[Int(header.word0 & 0x07FF)], length <= maximumLength, next <= n,
               next == n || (next <= n &- PrimaryHeader.byteCount && plausibleSuccessor(at: next))
            {
                accept(at: position, header: header, length: length)
                position = next
                continue
            }
            if speculative {
                // What `recover` believes first, a due packet that starts a confirmed chain, does
                // not depend on what the walk has seen (without known APIDs); anything else is
                // left to the real walk.
                guard !restricted, let header = plausibleHeader(at: position) else { return position }
                let end = position &+ header.packetLength
                guard end <= n, end == n || confirmed(at: position, depth: knownDepth) else { return position }
                allowed[Int(header.apid)] = true
                accept(at: position, header: header, length: header.packetLength)
                position = end
                continue
            }
            position = recover(at: position)
        }
        return position
    }

    /// Accounts for the bytes after the walk's last packet boundary (a header or packet the file
    /// cuts short).
    mutating func finish(at position: Int, progress: ((Int) -> Void)?) {
        if position < size {
            record(.truncatedPacket, at: position, length: size - position)
            truncatedBytes += size - position
        }
        progress?(size)
    }

    /// The common case in a tight loop over local copies of everything it touches: a packet of
    /// a believed APID followed by a plausible header. Returns the offset where it stopped: at
    /// `limit` or beyond, or at a packet the general path must look at (including idle packets
    /// and full records, so that this loop stays small).
    private mutating func fastPath(from start: Int, limit: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let n = size
        let allowed = self.allowed
        let tally = self.tally
        let mask = versionMask
        let bits = versionBits
        let maximumLength = self.maximumLength
        var offsetsColumn = records.offsets
        var identitiesColumn = records.identities
        var lengthsColumn = records.lengths
        records.offsets = []
        records.identities = []
        records.lengths = []
        defer {
            records.offsets = offsetsColumn
            records.identities = identitiesColumn
            records.lengths = lengthsColumn
        }
        let capacity = offsetsColumn.count
        var count = records.count
        var position = start
        // Prefetch hints (see `prefetchDistance`): `ahead` is how far every line has been asked for,
        // `lastLength` the previous packet's length.
        var ahead = start
        var lastLength = 0
        let prefetchDistance = HeaderWalk.prefetchDistance
        offsetsColumn.withUnsafeMutableBufferPointer { offsetsBuffer in
        identitiesColumn.withUnsafeMutableBufferPointer { identitiesBuffer in
        lengthsColumn.withUnsafeMutableBufferPointer { lengthsBuffer in
        let offsets = offsetsBuffer.baseAddress!
        let identities = identitiesBuffer.baseAddress!
        let lengths = lengthsBuffer.baseAddress!
        while position <= limit, count < capacity {
            let first = (base + position).loadUnaligned(as: UInt32.self).bigEndian
            let word0 = UInt16(truncatingIfNeeded: first >> 16)
            let length = Int((base + position + 4).loadUnaligned(as: UInt16.self).bigEndian) &+ 7
            let next = position &+ length
            let apid = Int(word0 & 0x07FF)
            guard word0 & mask == bits, allowed[apid], apid != 2047, length <= maximumLength, next <= n else { break }
            if next != n {
                guard next <= n &- PrimaryHeader.byteCount else { break }
                let nextWord0 = (base + next).loadUnaligned(as: UInt16.self).bigEndian
                let nextLength = Int((base + next + 4).loadUnaligned(as: UInt16.self).bigEndian) &+ 7
                guard nextWord0 & mask == bits, allowed[Int(nextWord0 & 0x07FF)], nextLength <= maximumLength else { break }
            }
            // Headers lie cache lines apart and each address depends on the previous header:
            // without hints every one is a miss (see CPrefetch).
            if length == lastLength {
                downlink_prefetch(base + min(next &+ 8 &* length, n))
            } else {
                let horizon = min(next &+ prefetchDistance, n)
                if ahead < next { ahead = next }
                while ahead < horizon {
                    downlink_prefetch(base + ahead)
                    ahead &+= 64
                }
            }
            lastLength = length
            offsets[count] = position
            identities[count] = UInt32(truncatingIfNeeded: apid) << 16 | (first & 0xFFFF)
            lengths[count] = UInt32(truncatingIfNeeded: length)
            count &+= 1
            let sequence = Int32(truncatingIfNeeded: first & 0x3FFF)
            if let last = (tally + apid).pointee.take(length: length, sequence: sequence) {
                sequenceBreak(at: position, apid: UInt16(apid), sequence: sequence, last: last, expected: (last + 1) & 0x3FFF)
            }
            position = next
        }
        }
        }
        }
        records.count = count
        return position
    }

    @inline(__always)
    private func plausibleSuccessor(at offset: Int) -> Bool {
        let word0 = bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self).bigEndian
        let word2 = bytes.loadUnaligned(fromByteOffset: offset &+ 4, as: UInt16.self).bigEndian
        return word0 & versionMask == versionBits && allowed[Int(word0 & 0x07FF)] && Int(word2) &+ 7 <= maximumLength
    }

    /// A header with the file's version, an admissible length and (when APIDs are known) a known APID.
    private func plausibleHeader(at offset: Int) -> PrimaryHeader? {
        guard let header = PrimaryHeader(bytes, at: offset), header.word0 & versionMask == versionBits,
              header.packetLength <= maximumLength else { return nil }
        if restricted && !allowed[Int(header.apid)] { return nil }
        return header
    }

    /// True when `start` begins a chain of plausible, exactly adjacent packets deep enough to
    /// believe, or one that runs into the end of the file (exactly, or into a final packet or
    /// header that the file cuts short: nothing more can be checked there).
    /// With `exactEnd`, only a chain that ends exactly at the end of the file counts there; with
    /// `sameAPID`, every header of the chain must carry that APID.
    private func confirmed(at start: Int, depth: Int? = nil, exactEnd: Bool = false, sameAPID: UInt16? = nil) -> Bool {
        guard let first = plausibleHeader(at: start) else { return false }
        let depth = depth ?? (allowed[Int(first.apid)] ? knownDepth : newDepth)
        var offset = start
        var steps = 0
        while steps < depth {
            if offset == size { return steps > 0 }
            if offset > size - PrimaryHeader.byteCount { return steps > 0 && !exactEnd }
            guard let header = plausibleHeader(at: offset), sameAPID == nil || header.apid == sameAPID else { return false }
            offset += header.packetLength
            if offset > size { return steps > 0 && !exactEnd }
            steps += 1
        }
        return true
    }

    /// A plausible header of an APID already believed.
    private func believedHeader(at offset: Int) -> Bool {
        guard let header = plausibleHeader(at: offset) else { return false }
        return allowed[Int(header.apid)]
    }

    /// The first offset after `start` where a confirmed chain begins. Chains starting with an APID
    /// already believed are preferred: a random header inside a payload whose length happens to
    /// land on a real packet would otherwise "confirm" through the real packets after it.
    private func nextConfirmed(after start: Int) -> Int? {
        if let found = search(after: start, believedOnly: true) { return found }
        return restricted ? nil : search(after: start, believedOnly: false)
    }

    private func search(after start: Int, believedOnly: Bool) -> Int? {
        var offset = start + 1
        let last = size - 7
        while offset <= last {
            if UInt16(bytes[offset]) << 8 & versionMask == versionBits,
               !believedOnly || allowed[Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self).bigEndian & 0x07FF)],
               confirmed(at: offset, exactEnd: !believedOnly)
            {
                return offset
            }
            offset += 1
        }
        return nil
    }

    /// The first packet inside `range` that stands alone between two runs of junk: a believed
    /// APID already seen, a length within the lengths seen for it, and room before the range ends.
    private func island(in range: Range<Int>) -> Int? {
        var offset = range.lowerBound
        while offset < range.upperBound {
            if let header = plausibleHeader(at: offset), allowed[Int(header.apid)] {
                let seen = tally[Int(header.apid)]
                let length = header.packetLength
                if seen.lastSequence >= 0, length >= seen.minimumLength, length <= seen.maximumLength,
                   offset + length <= range.upperBound
                {
                    return offset
                }
            }
            offset += 1
        }
        return nil
    }

    /// The slow path: decides what the bytes at `position` are and returns where to go on.
    ///
    /// `position` is where a packet is due (the file's start, or the end of the previous packet),
    /// so a plausible packet there is believed, even of a new APID, when the next header is of a
    /// believed APID (or the file ends) or when a chain confirms it. Resynchronisation candidates
    /// elsewhere must confirm more strictly (`nextConfirmed`).
    private mutating func recover(at position: Int) -> Int {
        if let header = plausibleHeader(at: position) {
            let end = position + header.packetLength
            if end <= size, end == size || believedHeader(at: end) || confirmed(at: position, depth: knownDepth) {
                allowed[Int(header.apid)] = true
                accept(at: position, header: header, length: header.packetLength)
                return end
            }
        }
        let resume = nextConfirmed(after: position)
        if let header = plausibleHeader(at: position), allowed[Int(header.apid)],
           position + header.packetLength <= (resume ?? size)
        {
            // A packet of a believed APID with junk after it: keep the packet.
            accept(at: position, header: header, length: header.packetLength)
            return position + header.packetLength
        }
        if let resume {
            // A packet may stand between this junk and more junk before `resume`.
            let end = island(in: (position + 1)..<resume) ?? resume
            record(.skippedBytes, at: position, length: end - position)
            skippedBytes += end - position
            return end
        }
        if let header = plausibleHeader(at: position), position + header.packetLength > size {
            record(.truncatedPacket, at: position, apid: header.apid, length: size - position)
            truncatedBytes += size - position
        } else {
            record(.skippedBytes, at: position, length: size - position)
            skippedBytes += size - position
        }
        return size
    }

    @inline(__always)
    private mutating func accept(at offset: Int, header: PrimaryHeader, length: Int) {
        let apid = header.word0 & 0x07FF
        if apid == PrimaryHeader.idleAPID {
            idlePackets += 1
            idleBytes += length
            return
        }
        records.append(offset: offset, apid: apid, word1: header.word1, length: length)
        let sequence = Int32(header.word1 & 0x3FFF)
        if let last = (tally + Int(apid)).pointee.take(length: length, sequence: sequence) {
            sequenceBreak(at: offset, apid: apid, sequence: sequence, last: last, expected: (last + 1) & 0x3FFF)
        }
    }

    mutating func sequenceBreak(at offset: Int, apid: UInt16, sequence: Int32, last: Int32, expected: Int32) {
        let entry = tally + Int(apid)
        if sequence == last {
            entry.pointee.duplicates += 1
        } else {
            entry.pointee.gaps += 1
            entry.pointee.missing += Int((sequence - expected) & 0x3FFF)
        }
        sequenceBreaks.append(SequenceBreak(offset: offset, apid: apid, sequence: UInt16(sequence), expected: UInt16(expected)))
    }

    private mutating func record(_ kind: Anomaly.Kind, at offset: Int, apid: UInt16? = nil, length: Int? = nil, sequenceCount: UInt16? = nil) {
        otherAnomalies.append((sequenceBreaks.count,
                               Anomaly(kind: kind, file: file, offset: offset, apid: apid, length: length, sequenceCount: sequenceCount)))
    }

}

/// A sequence gap or duplicate as the walk records it (see `HeaderWalk.sequenceBreaks`): a duplicate
/// when `sequence` is the one before `expected`.
struct SequenceBreak {
    var offset: Int
    var apid: UInt16
    var sequence: UInt16
    var expected: UInt16

    var kind: Anomaly.Kind { sequence == (expected &- 1) & 0x3FFF ? .duplicatePacket : .sequenceGap }

    func anomaly(in file: String) -> Anomaly {
        if kind == .duplicatePacket {
            return Anomaly(kind: .duplicatePacket, file: file, offset: offset, apid: apid, sequenceCount: sequence)
        }
        return Anomaly(kind: .sequenceGap, file: file, offset: offset, apid: apid, sequenceCount: sequence,
                       expectedSequenceCount: expected, missingPackets: Int((sequence &- expected) & 0x3FFF))
    }
}
