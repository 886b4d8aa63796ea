#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the generator wrote: the ground truth a scan of the file must reproduce.
public struct SynthesisResult: Sendable, Hashable, Codable {
    public struct APIDCount: Sendable, Hashable, Codable {
        public var apid: UInt16
        /// Packets written (segments, duplicates and orphans included).
        public var packets: Int
        /// Whole logical packets (orphan segments excluded).
        public var logicalPackets: Int
        public var bytes: Int
    }

    public var bytes = 0
    public var apids: [APIDCount] = []
    public var idlePackets = 0
    /// The anomalies a correct scan reports, in offset order (the `file` field is empty).
    public var expectedAnomalies: [Anomaly] = []
}

/// Writes synthetic Level-0 files from a `SynthesisPlan`: deterministic for a seed, any size,
/// several APIDs and lengths, optional CUC 4.2 secondary-header time, and injected faults whose
/// exact consequences (anomalies, counts) are recorded in the `SynthesisResult`.
///
/// Cost: generates about 1-2 GB/s into a 4 MiB buffer that is flushed to the sink.
public enum PacketSynthesizer {
    /// Generates into memory (for tests and fuzzing).
    public static func bytes(_ plan: SynthesisPlan) throws(SpacePacketError) -> ([UInt8], SynthesisResult) {
        var output: [UInt8] = []
        output.reserveCapacity(plan.targetBytes + 70_000)
        let result = try generate(plan) { (chunk) throws(SpacePacketError) in output.append(contentsOf: chunk) }
        return (output, result)
    }

    /// Generates into a file, atomically (temporary file, then rename).
    public static func write(_ plan: SynthesisPlan, to path: String) throws(SpacePacketError) -> SynthesisResult {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotWrite(path: temporary, reason: MappedFile.systemMessage()) }
        do throws(SpacePacketError) {
            let result = try generate(plan) { (chunk) throws(SpacePacketError) in
                try PacketSplitter.writeAll(chunk, to: fd, path: temporary)
            }
            close(fd)
            guard rename(temporary, path) == 0 else { throw .cannotWrite(path: path, reason: MappedFile.systemMessage()) }
            return result
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// Generates, handing the bytes to `sink` in chunks.
    public static func generate(
        _ plan: SynthesisPlan, sink: (UnsafeRawBufferPointer) throws(SpacePacketError) -> Void
    ) throws(SpacePacketError) -> SynthesisResult {
        var generator = try Generator(plan: plan)
        return try generator.run(sink: sink)
    }
}

private enum Fault: Int, CaseIterable {
    case junk, drop, duplicate, segmented, orphan, idle
}

/// The generator's state: one packet at a time into `buffer`.
private struct Generator {
    let plan: SynthesisPlan
    var random: SplitMix64
    var buffer: [UInt8] = []
    var written = 0
    var sequence: [UInt16: UInt16] = [:]
    var lastWritten: [UInt16: UInt16] = [:]
    var pendingDrops: [UInt16: Int] = [:]
    /// Index in `result.expectedAnomalies` of an orphan run still open for an APID.
    var openOrphanRun: [UInt16: Int] = [:]
    var idleSequence: UInt16 = 0
    var time: Double = 0
    var counts: [UInt16: SynthesisResult.APIDCount] = [:]
    var result = SynthesisResult()
    let totalWeight: Int
    let headerBytes: Int

    init(plan: SynthesisPlan) throws(SpacePacketError) {
        guard !plan.streams.isEmpty else { throw .invalidSynthesisPlan(reason: "no streams") }
        headerBytes = plan.timeCode ? 12 : 6
        for stream in plan.streams {
            guard stream.apid < 2047 else { throw .invalidSynthesisPlan(reason: "APID \(stream.apid) is not below 2047") }
            guard stream.minimumLength >= headerBytes + 1, stream.maximumLength >= stream.minimumLength,
                  stream.maximumLength <= PrimaryHeader.maximumPacketLength, stream.weight > 0
            else {
                throw .invalidSynthesisPlan(reason: "APID \(stream.apid): lengths must be \(headerBytes + 1)...65542 and the weight positive")
            }
        }
        guard Set(plan.streams.map(\.apid)).count == plan.streams.count else {
            throw .invalidSynthesisPlan(reason: "an APID appears twice")
        }
        self.plan = plan
        random = SplitMix64(seed: plan.seed)
        totalWeight = plan.streams.reduce(0) { $0 + $1.weight }
        for (i, stream) in plan.streams.enumerated() {
            sequence[stream.apid] = plan.faults.wrapSequenceCounts ? UInt16(16383 - 3 - 2 * (i % 8)) : 0
            counts[stream.apid] = .init(apid: stream.apid, packets: 0, logicalPackets: 0, bytes: 0)
        }
        buffer.reserveCapacity(Self.flushSize + 70_000)
    }

    static let flushSize = 4 << 20

    mutating func run(sink: (UnsafeRawBufferPointer) throws(SpacePacketError) -> Void) throws(SpacePacketError) -> SynthesisResult {
        let averageLength = plan.streams.reduce(0) { $0 + $1.weight * ($1.minimumLength + $1.maximumLength) / 2 } / totalWeight
        let estimate = max(plan.targetBytes / max(averageLength, 1), 8)
        var schedule: [(Int, Fault)] = []
        let f = plan.faults
        for (fault, count) in [(Fault.junk, f.junk), (.drop, f.drops), (.duplicate, f.duplicates),
                               (.segmented, f.segmented), (.orphan, f.orphanSegments), (.idle, f.idle)] {
            for _ in 0..<max(count, 0) {
                schedule.append((1 + Int(random.next() % UInt64(max(estimate - 6, 1))), fault))
            }
        }
        schedule.sort { ($0.0, $0.1.rawValue) < ($1.0, $1.1.rawValue) }
        let lastFault = schedule.last?.0 ?? 0
        var cursor = 0
        var index = 0
        while written + buffer.count < plan.targetBytes || index <= lastFault + 4 {
            let stream = pickStream()
            var packetFault: Fault? = nil
            while cursor < schedule.count, schedule[cursor].0 == index {
                switch schedule[cursor].1 {
                case .junk: emitJunk()
                case .idle: emitIdle()
                case .orphan: emitSegment(stream, flags: .continuation, orphan: true)
                case .drop, .duplicate, .segmented: packetFault = schedule[cursor].1
                }
                cursor += 1
            }
            switch packetFault {
            case .drop?:
                sequence[stream.apid] = (sequence[stream.apid]! &+ 1) & 0x3FFF
                if lastWritten[stream.apid] != nil { pendingDrops[stream.apid, default: 0] += 1 }
            case .duplicate?:
                let start = buffer.count
                emitPacket(stream, flags: .unsegmented, logical: true)
                let copy = Array(buffer[start...])
                noteAnomaly(Anomaly(kind: .duplicatePacket, file: "", offset: written + buffer.count, apid: stream.apid,
                                    sequenceCount: lastWritten[stream.apid]))
                buffer.append(contentsOf: copy)
                count(stream.apid, bytes: copy.count, logical: true)
            case .segmented?:
                let segments = 2 + Int(random.next() % 3)
                for s in 0..<segments {
                    let flags: SequenceFlags = s == 0 ? .first : (s == segments - 1 ? .last : .continuation)
                    emitSegment(stream, flags: flags, orphan: false, logical: s == segments - 1)
                }
            default:
                emitPacket(stream, flags: .unsegmented, logical: true)
            }
            index += 1
            if buffer.count >= Self.flushSize { try flush(sink) }
        }
        if plan.faults.truncateFinalPacket {
            let stream = pickStream()
            let start = buffer.count
            let offset = written + start
            let length = writePacket(stream, flags: .unsegmented)
            let keep = 6 + Int(random.next() % UInt64(length - 6))
            buffer.removeLast(length - keep)
            noteAnomaly(Anomaly(kind: .truncatedPacket, file: "", offset: offset, apid: stream.apid, length: keep))
        }
        try flush(sink)
        result.bytes = written
        result.apids = counts.values.filter { $0.packets > 0 }.sorted { $0.apid < $1.apid }
        result.expectedAnomalies.sort { ($0.offset, $0.kind.rawValue) < ($1.offset, $1.kind.rawValue) }
        return result
    }

    mutating func flush(_ sink: (UnsafeRawBufferPointer) throws(SpacePacketError) -> Void) throws(SpacePacketError) {
        var failure: SpacePacketError?
        buffer.withUnsafeBytes { chunk in
            do throws(SpacePacketError) { try sink(chunk) } catch { failure = error }
        }
        if let failure { throw failure }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func pickStream() -> SynthesisPlan.Stream {
        var pick = Int(random.next() % UInt64(totalWeight))
        for stream in plan.streams {
            if pick < stream.weight { return stream }
            pick -= stream.weight
        }
        return plan.streams[0]
    }

    mutating func noteAnomaly(_ anomaly: Anomaly) { result.expectedAnomalies.append(anomaly) }

    mutating func count(_ apid: UInt16, bytes: Int, logical: Bool) {
        counts[apid]!.packets += 1
        counts[apid]!.bytes += bytes
        if logical { counts[apid]!.logicalPackets += 1 }
    }

    /// Appends one packet with the stream's next sequence count; returns its length.
    mutating func writePacket(_ stream: SynthesisPlan.Stream, flags: SequenceFlags, withTime: Bool = true) -> Int {
        let span = stream.maximumLength - stream.minimumLength
        let length = stream.minimumLength + (span > 0 ? Int(random.next() % UInt64(span + 1)) : 0)
        let seq = sequence[stream.apid]!
        sequence[stream.apid] = (seq &+ 1) & 0x3FFF
        let timed = plan.timeCode && withTime
        let header = PrimaryHeader(hasSecondaryHeader: timed, apid: stream.apid, sequenceFlags: flags,
                                   sequenceCount: seq, dataLength: UInt16(length - 7))
        let start = buffer.count
        buffer.append(contentsOf: header.bytes)
        buffer.append(contentsOf: repeatElement(0, count: length - 6))
        var payload = 6
        if timed {
            let whole = UInt32(truncatingIfNeeded: Int(plan.startSeconds) + Int(time))
            let fine = UInt16(truncatingIfNeeded: Int((time - time.rounded(.down)) * 65536))
            buffer.replaceSubrange((start + 6)..<(start + 12), with: [
                UInt8(whole >> 24), UInt8((whole >> 16) & 0xFF), UInt8((whole >> 8) & 0xFF), UInt8(whole & 0xFF),
                UInt8(fine >> 8), UInt8(fine & 0xFF),
            ])
            payload = 12
            time += plan.cadence
        }
        buffer.withUnsafeMutableBytes { random.fill($0.baseAddress! + start + payload, count: length - payload) }
        return length
    }

    /// Appends a packet, noting the gap its sequence count reveals after drops.
    mutating func emitPacket(_ stream: SynthesisPlan.Stream, flags: SequenceFlags, logical: Bool, withTime: Bool = true) {
        let apid = stream.apid
        let offset = written + buffer.count
        let seq = sequence[apid]!
        if let missing = pendingDrops[apid], missing > 0, let last = lastWritten[apid] {
            noteAnomaly(Anomaly(kind: .sequenceGap, file: "", offset: offset, apid: apid, sequenceCount: seq,
                                expectedSequenceCount: (last &+ 1) & 0x3FFF, missingPackets: missing))
            pendingDrops[apid] = 0
        }
        let length = writePacket(stream, flags: flags, withTime: withTime)
        lastWritten[apid] = seq
        count(apid, bytes: length, logical: logical)
        if flags == .unsegmented || flags == .first { openOrphanRun[apid] = nil }
    }

    mutating func emitSegment(_ stream: SynthesisPlan.Stream, flags: SequenceFlags, orphan: Bool, logical: Bool = false) {
        let offset = written + buffer.count
        let seq = sequence[stream.apid]!
        emitPacket(stream, flags: flags, logical: logical, withTime: flags == .first)
        guard orphan else { return }
        if let open = openOrphanRun[stream.apid] {
            result.expectedAnomalies[open].length! += 1
        } else {
            noteAnomaly(Anomaly(kind: .orphanSegment, file: "", offset: offset, apid: stream.apid, length: 1, sequenceCount: seq))
            openOrphanRun[stream.apid] = result.expectedAnomalies.count - 1
        }
    }

    mutating func emitJunk() {
        let length = 1 + Int(random.next() % 64)
        let offset = written + buffer.count
        // Junk right after junk is one run to any reader: extend the run.
        if let previous = result.expectedAnomalies.indices.last, result.expectedAnomalies[previous].kind == .skippedBytes,
           result.expectedAnomalies[previous].offset + result.expectedAnomalies[previous].length! == offset
        {
            result.expectedAnomalies[previous].length! += length
        } else {
            noteAnomaly(Anomaly(kind: .skippedBytes, file: "", offset: offset, length: length))
        }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: length))
        buffer.withUnsafeMutableBytes { random.fill($0.baseAddress! + start, count: length) }
        // A first byte with version bits 0 could pass for a header: corruption is made unambiguous.
        buffer[start] |= 0x20
    }

    mutating func emitIdle() {
        let header = PrimaryHeader(hasSecondaryHeader: false, apid: PrimaryHeader.idleAPID, sequenceCount: idleSequence, dataLength: 9)
        idleSequence = (idleSequence &+ 1) & 0x3FFF
        buffer.append(contentsOf: header.bytes)
        buffer.append(contentsOf: repeatElement(0x55, count: 10))
        result.idlePackets += 1
    }
}
