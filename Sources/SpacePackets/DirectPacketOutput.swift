#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CDirectIO
import Synchronization

/// One split output written with direct I/O (`O_DIRECT`): packets are gathered from the mapping into
/// an aligned staging buffer, which goes to the device without passing through the page cache. The
/// last partial block is written padded and the file truncated to its exact size.
///
/// Why: a split copies every byte of the input once; through the page cache the kernel first has to
/// find and fill fresh cache pages, which cost more than the scan itself on the 2-core VM (writing
/// 600 MB: 0.26-1.78 s of system time buffered against 0.05-0.07 s direct, `dd` with fsync). Files
/// that a split writes are not read back by this process.
///
/// Costs: one 4 MiB aligned buffer from `StagingPool`, reused for the whole output and by later
/// outputs, and one memcpy of the packets into it (none for a long page-aligned run, such as a file
/// of one APID). Where the file system refuses `O_DIRECT` (tmpfs, some network file systems)
/// `open` returns nil and the caller writes buffered. `DOWNLINK_DIRECT_IO=0` turns it off.
final class DirectPacketOutput {
    static let alignment = 4096
    static let stagingCapacity = 4 << 20

    /// Whether direct I/O may be tried at all (`DOWNLINK_DIRECT_IO=0` says no; see CDirectIO).
    static var enabled: Bool { oDirect != 0 }

    let fd: Int32
    let path: String
    private let staging: UnsafeMutableRawPointer
    private let capacity: Int
    private var staged = 0
    /// Set when the file system refused a direct write and the rest goes through the page cache.
    private var buffered = false
    /// Bytes of packets accepted so far (the file's final size).
    private(set) var size = 0

    /// Opens `path` (created or truncated) for direct writes; nil when the file system refuses.
    init?(path: String, capacity: Int = DirectPacketOutput.stagingCapacity) {
        guard Self.enabled else { return nil }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | oDirect, 0o644)
        guard fd >= 0 else { return nil }
        guard let p = StagingPool.shared.take(capacity: capacity) else {
            close(fd)
            return nil
        }
        self.fd = fd
        self.path = path
        staging = p
        self.capacity = capacity
    }

    deinit {
        close(fd)
        StagingPool.shared.give(staging, capacity: capacity)
    }

    /// Appends `bytes` (packets straight from the mapping). A page-aligned run at a block-aligned
    /// file position (a file of one APID starts so) goes to the device straight from the mapping,
    /// without the copy into the staging buffer; the rest of it is staged.
    func append(_ bytes: UnsafeRawPointer, count: Int) throws(SpacePacketError) {
        var done = 0
        if staged == 0, Int(bitPattern: bytes) % Self.alignment == 0, count >= capacity {
            done = count / Self.alignment * Self.alignment
            try writeAll(bytes, done)
        }
        while done < count {
            let n = min(capacity - staged, count - done)
            (staging + staged).copyMemory(from: bytes + done, byteCount: n)
            staged += n
            done += n
            if staged == capacity { try writeStaged(capacity) }
        }
        size += count
    }

    /// Writes what is staged (the last block padded with zeros), cuts the file to its size and syncs.
    func finish() throws(SpacePacketError) {
        if staged > 0 {
            let padded = (staged + Self.alignment - 1) / Self.alignment * Self.alignment
            (staging + staged).initializeMemory(as: UInt8.self, repeating: 0, count: padded - staged)
            try writeStaged(padded)
        }
        guard ftruncate(fd, off_t(size)) == 0, fsync(fd) == 0 else {
            throw .cannotWrite(path: path, reason: MappedFile.systemMessage())
        }
    }

    private func writeStaged(_ count: Int) throws(SpacePacketError) {
        try writeAll(staging, count)
        staged = 0
    }

    private func writeAll(_ source: UnsafeRawPointer, _ count: Int) throws(SpacePacketError) {
        var done = 0
        while done < count {
            // Slices of at most 1 GiB: Linux writes at most 2 GiB - 4 KiB per call anyway.
            let n = write(fd, source + done, min(count - done, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                // A file system that opens with O_DIRECT but refuses the write: go on buffered (the
                // padded tail is cut off by `finish` either way).
                if errno == EINVAL, !buffered {
                    let flags = fcntl(fd, F_GETFL)
                    if flags >= 0, fcntl(fd, F_SETFL, flags & ~oDirect) == 0 {
                        buffered = true
                        continue
                    }
                }
                throw .cannotWrite(path: path, reason: MappedFile.systemMessage())
            }
            done += n
        }
    }
}

/// Aligned staging buffers kept for reuse by later outputs: a split writes its APIDs on every core,
/// and a fresh 4 MiB buffer per output cost as much in first-touch page faults as the copy itself
/// (the 7 outputs of the CYGNSS replica took 28 MiB of fresh pages for 50 MB of packets; with the
/// pool the split stage went from 42-56 to 30-34 ms of CPU).
/// Buffers are kept as addresses under a mutex; a buffer taken is used by one output until it is
/// given back. Keeps at most 16 buffers (64 MiB) between splits.
///
/// Buffers come from `downlink_staging_alloc` (2 MiB transparent huge pages for the 4 MiB buffers):
/// each direct write pins its source pages, and with 1024 small pages a write, pinning (`gup_fast`)
/// was 8% of a mixed split's samples. Wall time fell too (larger segments to the device,
/// presumably). Measured on the 2-core VM (`split --timing`, medians of alternating runs): CYGNSS
/// x3400 split CPU 24.3 -> 20.2 ms, wall 80 -> 60 ms; mixed 256 MiB 67 -> 51 ms CPU, 276 -> 194 ms
/// wall.
final class StagingPool: Sendable {
    static let shared = StagingPool()
    /// Free buffers: address and capacity.
    private let free = Mutex<[(address: Int, capacity: Int)]>([])

    /// A buffer of `capacity` bytes, at least 4 KiB-aligned (the direct I/O granule).
    func take(capacity: Int) -> UnsafeMutableRawPointer? {
        let reused = free.withLock { list -> Int? in
            guard let k = list.firstIndex(where: { $0.capacity == capacity }) else { return nil }
            return list.remove(at: k).address
        }
        if let reused { return UnsafeMutableRawPointer(bitPattern: reused) }
        return downlink_staging_alloc(capacity)
    }

    func give(_ buffer: UnsafeMutableRawPointer, capacity: Int) {
        let address = Int(bitPattern: buffer)
        let kept = free.withLock { list -> Bool in
            guard list.count < 16 else { return false }
            list.append((address, capacity))
            return true
        }
        if !kept { Glibc.free(buffer) }
    }
}

/// The system's `O_DIRECT` (0 where there is none).
private let oDirect = downlink_o_direct()
