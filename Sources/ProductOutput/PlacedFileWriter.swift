#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CDirectIO

/// Writes byte ranges at given offsets of a file a C library has already laid out (libhdf5 leaves
/// room for contiguous datasets it never writes): the 4 KiB-aligned body of each range with direct
/// I/O (`O_DIRECT`), straight from the caller's memory when that is page-aligned (large columns are)
/// and through one aligned 8 MiB staging buffer otherwise; the unaligned head and tail buffered.
///
/// Why: writing hundreds of MB through the page cache made the kernel find and fill fresh cache pages
/// for every byte, the largest cost of an uncompressed product on the 2-core VM (`dd` of 600 MB with
/// fsync: 0.26-1.78 s of system time buffered, 0.05-0.07 s direct). The product is not read back here.
///
/// Where the file system refuses `O_DIRECT` (tmpfs, some network file systems), or with
/// `DOWNLINK_DIRECT_IO=0`, everything is written buffered. The caller syncs (e.g. `TemporaryDestination`).
/// Not Sendable: one writer owns it.
public final class PlacedFileWriter {
    public static let alignment = 4096

    /// Whether direct I/O may be tried (`DOWNLINK_DIRECT_IO=0` says no; see CDirectIO).
    public static var directEnabled: Bool { oDirect != 0 }

    public let path: String
    private let buffered: Int32
    private let direct: Int32
    private var staging: UnsafeMutableRawPointer?
    private let stagingCapacity = 8 << 20
    /// Bytes written with direct I/O so far (for tests and diagnostics).
    public private(set) var directBytes = 0

    /// Opens the existing file `path` for writing (never truncates it).
    public init(path: String) throws {
        self.path = path
        buffered = open(path, O_WRONLY | O_CLOEXEC)
        guard buffered >= 0 else { throw OutputError.io(path: path, operation: "open for writing", errno: errno) }
        direct = Self.directEnabled ? open(path, O_WRONLY | O_CLOEXEC | oDirect) : -1
    }

    deinit {
        close(buffered)
        if direct >= 0 { close(direct) }
        free(staging)
    }

    /// Writes `bytes` at file offset `offset`.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let a = Self.alignment
        let bodyStart = (offset + a - 1) / a * a
        let bodyEnd = (offset + bytes.count) / a * a
        guard direct >= 0, bodyEnd - bodyStart >= 2 * a else {
            try pwriteAll(buffered, base, bytes.count, at: offset)
            return
        }
        try pwriteAll(buffered, base, bodyStart - offset, at: offset)
        let body = base + (bodyStart - offset)
        if Int(bitPattern: body) % a == 0 {
            try directWrite(body, bodyEnd - bodyStart, at: bodyStart)
        } else {
            if staging == nil {
                // 4 KiB-aligned at least, 2 MiB (huge pages) for this size: see downlink_staging_alloc.
                guard let buffer = downlink_staging_alloc(stagingCapacity) else {
                    throw OutputError.io(path: path, operation: "allocate a staging buffer for", errno: ENOMEM)
                }
                staging = buffer
            }
            var done = 0
            while done < bodyEnd - bodyStart {
                let n = min(stagingCapacity, bodyEnd - bodyStart - done)
                staging!.copyMemory(from: body + done, byteCount: n)
                try directWrite(staging!, n, at: bodyStart + done)
                done += n
            }
        }
        directBytes += bodyEnd - bodyStart
        try pwriteAll(buffered, base + (bodyEnd - offset), offset + bytes.count - bodyEnd, at: bodyEnd)
    }

    /// An aligned write with direct I/O; a file system that opens with `O_DIRECT` but refuses the
    /// write (EINVAL) gets it buffered.
    private func directWrite(_ source: UnsafeRawPointer, _ count: Int, at offset: Int) throws {
        let done = try pwriteAll(direct, source, count, at: offset, refusing: EINVAL)
        if done < count { try pwriteAll(buffered, source + done, count - done, at: offset + done) }
    }

    /// Writes until done; returns early (with the bytes written) only on the errno `refusing`.
    @discardableResult
    private func pwriteAll(_ fd: Int32, _ source: UnsafeRawPointer, _ count: Int, at offset: Int, refusing: Int32 = 0) throws -> Int {
        var done = 0
        while done < count {
            // Slices of at most 1 GiB: Linux writes at most 2 GiB - 4 KiB per call anyway.
            let n = pwrite(fd, source + done, min(count - done, 1 << 30), off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                if refusing != 0 && errno == refusing { return done }
                throw OutputError.io(path: path, operation: "write", errno: errno)
            }
            done += n
        }
        return done
    }
}

/// The system's `O_DIRECT` (0 where there is none).
private let oDirect = downlink_o_direct()
