#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the packets of each APID to a file of their own, byte-identical to the input packets
/// and in input order (files in the order given, packets in file order): what
/// `ccsdspy.split_by_apid` produces, for inputs of any size.
///
/// Runs of adjacent packets are written straight from the mapping, many runs per `writev` (a
/// single-APID file is one write). Every output is written to a temporary file in the output
/// folder, synced, and renamed only when all outputs are complete: a failure leaves no output.
public enum PacketSplitter {
    public struct Output: Sendable, Hashable {
        public var apid: UInt16
        public var path: String
        public var packets: Int
        public var bytes: Int
    }

    /// Splits `files` into `directory`, naming each output `<prefix>_apid<APID>.pkts`.
    /// Idle packets are not indexed and so never written.
    public static func split(_ files: [ScannedFile], into directory: String, prefix: String) throws(SpacePacketError) -> [Output] {
        var apids = Set<UInt16>()
        for file in files { for packets in file.index.apids { apids.insert(packets.apid) } }
        var outputs: [Output] = []
        var temporaries: [(temporary: String, final: String)] = []
        do throws(SpacePacketError) {
            for apid in apids.sorted() {
                let final = "\(directory)/\(prefix)_apid\(apid).pkts"
                let temporary = "\(directory)/.\(prefix)_apid\(apid).pkts.tmp-\(getpid())"
                temporaries.append((temporary, final))
                let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw SpacePacketError.cannotWrite(path: temporary, reason: MappedFile.systemMessage()) }
                defer { close(fd) }
                var packets = 0
                var bytes = 0
                for file in files {
                    guard let list = file.index.packets(apid: apid) else { continue }
                    try withExtendedLifetime(file.mapping) { () throws(SpacePacketError) in
                        try writeRuns(of: list, from: file.mapping.bytes, to: fd, path: temporary)
                    }
                    packets += list.count
                    bytes += list.bytes
                }
                guard fsync(fd) == 0 else { throw SpacePacketError.cannotWrite(path: temporary, reason: MappedFile.systemMessage()) }
                outputs.append(Output(apid: apid, path: final, packets: packets, bytes: bytes))
            }
            for (temporary, final) in temporaries {
                guard rename(temporary, final) == 0 else {
                    throw SpacePacketError.cannotWrite(path: final, reason: MappedFile.systemMessage())
                }
            }
        } catch {
            for (temporary, _) in temporaries { unlink(temporary) }
            throw error
        }
        return outputs
    }

    /// Writes the packets as runs of adjacent packets, up to 1024 runs per `writev`, straight from
    /// the mapping: interleaved APIDs make runs short, and a syscall per run would dominate.
    private static func writeRuns(of list: APIDPackets, from mapped: UnsafeRawBufferPointer, to fd: Int32, path: String) throws(SpacePacketError) {
        guard let base = mapped.baseAddress else { return }
        let batch = 1024
        let vectors = UnsafeMutablePointer<iovec>.allocate(capacity: batch)
        defer { vectors.deallocate() }
        var used = 0
        var i = 0
        let count = list.count
        while i < count {
            let start = list.offsets[i]
            var end = start + Int(list.lengths[i])
            i += 1
            while i < count, list.offsets[i] == end {
                end += Int(list.lengths[i])
                i += 1
            }
            vectors[used] = iovec(iov_base: UnsafeMutableRawPointer(mutating: base + start), iov_len: end - start)
            used += 1
            if used == batch || i == count {
                try writeVectors(vectors, count: used, to: fd, path: path)
                used = 0
            }
        }
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
