#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CDirectIO
import CPrefetch
import Dispatch

/// Writes the packets of each APID to a file of their own, byte-identical to the input packets
/// and in input order (files in the order given, packets in file order): what
/// `ccsdspy.split_by_apid` produces, for inputs of any size.
///
/// Outputs of 1 MiB or more are gathered into an aligned buffer and written with direct I/O
/// (`DirectPacketOutput`); smaller ones, or where the file system refuses direct I/O, are written
/// straight from the mapping, many runs of adjacent packets per `writev`. Every output is written to
/// a temporary file in the output folder, synced, and renamed only when all outputs are complete: a
/// failure leaves no output.
public enum PacketSplitter {
    public struct Output: Sendable, Hashable {
        public var apid: UInt16
        public var path: String
        public var packets: Int
        public var bytes: Int
        /// Whether the output went out with direct I/O (see `DirectPacketOutput`).
        public var directIO = false
    }

    /// Splits `files` into `directory`, naming each output `<prefix>_apid<APID>.pkts`.
    /// Idle packets are not indexed and so never written. Outputs are written in parallel (one
    /// APID a worker), so that gathering packets and waiting on the device overlap.
    /// `directIOMinimum`: outputs of at least this many bytes try direct I/O.
    public static func split(
        _ files: [ScannedFile], into directory: String, prefix: String, directIOMinimum: Int = PacketSplitter.directMinimum
    ) throws(SpacePacketError) -> [Output] {
        var apidSet = Set<UInt16>()
        for file in files { for packets in file.index.apids { apidSet.insert(packets.apid) } }
        let apids = apidSet.sorted()
        let temporaries = apids.map { apid in
            (temporary: "\(directory)/.\(prefix)_apid\(apid).pkts.tmp-\(getpid())", final: "\(directory)/\(prefix)_apid\(apid).pkts")
        }
        let results = OutputSlots(count: apids.count)
        DispatchQueue.concurrentPerform(iterations: apids.count) { k in
            results[k] = Result { () throws(SpacePacketError) in
                try writeOutput(apid: apids[k], of: files, to: temporaries[k].temporary, naming: temporaries[k].final,
                                directIOMinimum: directIOMinimum)
            }
        }
        do throws(SpacePacketError) {
            let outputs = try results.values.map { result throws(SpacePacketError) in try result.get() }
            for (temporary, final) in temporaries {
                // An earlier split's file is freed on a background thread, not in the rename.
                guard downlink_rename_replacing(temporary, final) == 0 else {
                    throw SpacePacketError.cannotWrite(path: final, reason: MappedFile.systemMessage())
                }
            }
            return outputs
        } catch {
            for (temporary, _) in temporaries { unlink(temporary) }
            throw error
        }
    }

    /// Writes and syncs one APID's packets from every file to `temporary`.
    private static func writeOutput(
        apid: UInt16, of files: [ScannedFile], to temporary: String, naming final: String, directIOMinimum: Int
    ) throws(SpacePacketError) -> Output {
        let lists = files.compactMap { file in file.index.packets(apid: apid).map { (file, $0) } }
        var output = Output(apid: apid, path: final, packets: lists.reduce(0) { $0 + $1.1.count }, bytes: lists.reduce(0) { $0 + $1.1.bytes })
        if output.bytes >= directIOMinimum, let direct = DirectPacketOutput(path: temporary) {
            for (file, list) in lists {
                try withExtendedLifetime(file.mapping) { () throws(SpacePacketError) in
                    try forEachRun(of: list, in: file.mapping.bytes) { (start, count) throws(SpacePacketError) in
                        try direct.append(start, count: count)
                    }
                }
            }
            try direct.finish()
            output.directIO = true
            return output
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SpacePacketError.cannotWrite(path: temporary, reason: MappedFile.systemMessage()) }
        defer { close(fd) }
        for (file, list) in lists {
            try withExtendedLifetime(file.mapping) { () throws(SpacePacketError) in
                try writeRuns(of: list, from: file.mapping.bytes, to: fd, path: temporary)
            }
        }
        guard fsync(fd) == 0 else { throw SpacePacketError.cannotWrite(path: temporary, reason: MappedFile.systemMessage()) }
        return output
    }

    /// One result slot per output, filled by the parallel writers. `@unchecked Sendable` is sound:
    /// each slot is written by exactly one `concurrentPerform` iteration, through a raw pointer (never
    /// an array, whose mutating accessors would race on the array itself), and read only after
    /// `concurrentPerform` has returned.
    private final class OutputSlots: @unchecked Sendable {
        private let slots: UnsafeMutablePointer<Result<Output, SpacePacketError>?>
        private let count: Int
        init(count: Int) {
            self.count = count
            slots = .allocate(capacity: max(count, 1))
            slots.initialize(repeating: nil, count: count)
        }
        deinit {
            slots.deinitialize(count: count)
            slots.deallocate()
        }
        subscript(k: Int) -> Result<Output, SpacePacketError>? {
            get { slots[k] }
            set { slots[k] = newValue }
        }
        var values: [Result<Output, SpacePacketError>] { (0..<count).map { slots[$0]! } }
    }

    /// Outputs of at least this many bytes are written with direct I/O when the file system allows
    /// (`DirectPacketOutput`); smaller ones are not worth a device round trip per write.
    public static let directMinimum = 1 << 20

    /// Calls `body` with each run of adjacent packets of `list` in the mapping (start and byte count).
    ///
    /// Where APIDs interleave, an APID's packets are short runs scattered through the file, long
    /// evicted from the cache since the scan: each copy waited on memory. The first lines of the
    /// packet `prefetchPackets` ahead are hinted, so that the copies overlap those waits.
    private static func forEachRun(
        of list: APIDPackets, in mapped: UnsafeRawBufferPointer,
        _ body: (UnsafeRawPointer, Int) throws(SpacePacketError) -> Void
    ) throws(SpacePacketError) {
        guard let base = mapped.baseAddress else { return }
        try list.offsets.withUnsafeBufferPointer { (offsets) throws(SpacePacketError) in
            try list.lengths.withUnsafeBufferPointer { (lengths) throws(SpacePacketError) in
                var i = 0
                let count = offsets.count
                let ahead = count &- prefetchPackets
                @inline(__always) func hint(_ k: Int) {
                    guard k < ahead else { return }
                    let at = base + offsets[k &+ prefetchPackets]
                    let lines = min(Int(lengths[k &+ prefetchPackets]), prefetchBytes)
                    var line = 0
                    while line < lines {
                        downlink_prefetch(at + line)
                        line &+= 64
                    }
                }
                while i < count {
                    hint(i)
                    let start = offsets[i]
                    var end = start + Int(lengths[i])
                    i += 1
                    while i < count, offsets[i] == end {
                        hint(i)
                        end += Int(lengths[i])
                        i += 1
                    }
                    try body(base + start, end - start)
                }
            }
        }
    }

    /// How far ahead (in packets) and how much of each packet (in bytes) `forEachRun` hints.
    /// Measured (`split --timing` on CYGNSS x3400, 147-byte packets of 7 APIDs, medians of 15
    /// alternating runs): split CPU 37.2 ms without hints, 27.8 / 26.4 / 25.4 ms at 8 / 16 / 32
    /// packets ahead; in two other windows 33.9 -> 24.1 and 32.7 -> 24.3 ms at 16.
    static let prefetchPackets = 16
    static let prefetchBytes = 256

    /// Writes the packets as runs of adjacent packets, up to 1024 runs per `writev`, straight from
    /// the mapping: interleaved APIDs make runs short, and a syscall per run would dominate.
    private static func writeRuns(of list: APIDPackets, from mapped: UnsafeRawBufferPointer, to fd: Int32, path: String) throws(SpacePacketError) {
        let batch = 1024
        let vectors = UnsafeMutablePointer<iovec>.allocate(capacity: batch)
        defer { vectors.deallocate() }
        var used = 0
        try forEachRun(of: list, in: mapped) { (start, count) throws(SpacePacketError) in
            vectors[used] = iovec(iov_base: UnsafeMutableRawPointer(mutating: start), iov_len: count)
            used += 1
            if used == batch {
                try writeVectors(vectors, count: used, to: fd, path: path)
                used = 0
            }
        }
        if used > 0 { try writeVectors(vectors, count: used, to: fd, path: path) }
    }

    /// `writev` until every vector is written, resuming after partial writes.
    private static func writeVectors(_ vectors: UnsafeMutablePointer<iovec>, count: Int, to fd: Int32, path: String) throws(SpacePacketError) {
        var first = 0
        while first < count {
            let written = writev(fd, vectors + first, Int32(count - first))
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path: path, reason: MappedFile.systemMessage())
            }
            var remaining = written
            while first < count, remaining >= vectors[first].iov_len {
                remaining -= vectors[first].iov_len
                first += 1
            }
            if remaining > 0 {
                vectors[first].iov_base = vectors[first].iov_base + remaining
                vectors[first].iov_len -= remaining
            }
        }
    }

    static func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32, path: String) throws(SpacePacketError) {
        var done = 0
        while done < buffer.count {
            let written = write(fd, buffer.baseAddress! + done, buffer.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path: path, reason: MappedFile.systemMessage())
            }
            done += written
        }
    }
}
