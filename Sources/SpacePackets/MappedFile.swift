#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A Level-0 file mapped read-only into memory: packets are read in place, never copied.
///
/// Cost: one `open`, `fstat` and `mmap` (plus `madvise(MADV_SEQUENTIAL)`); pages are faulted in by
/// the kernel as they are first touched. An empty file maps nothing and has an empty `bytes`.
///
/// Sendable invariant: the mapping is `PROT_READ` and `MAP_PRIVATE`, is created in `init`, never
/// changes, and is unmapped only in `deinit`, when no reference (and so no reader) remains. Readers
/// in several tasks therefore only ever share immutable memory. Callers must keep the `MappedFile`
/// alive while they use `bytes` (use `withExtendedLifetime` around raw-pointer loops).
public final class MappedFile: @unchecked Sendable {
    /// The path as given by the caller; used in every error and anomaly about this file.
    public let path: String
    /// Size of the file in bytes at the time it was mapped.
    public let count: Int
    private let base: UnsafeRawPointer?

    /// Maps `path` read-only. Throws `SpacePacketError` naming the path when the file cannot be
    /// opened, is not a regular file, or cannot be mapped.
    public init(path: String) throws(SpacePacketError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: Self.systemMessage()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotOpen(path: path, reason: Self.systemMessage()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile(path: path) }
        let size = Int(info.st_size)
        guard size > 0 else {
            count = 0
            base = nil
            return
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw .cannotMap(path: path, reason: Self.systemMessage())
        }
        _ = madvise(mapped, size, MADV_SEQUENTIAL)
        count = size
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The mapped bytes. Valid only while this object is alive.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Runs `body` over the mapped bytes, keeping the mapping alive for its duration.
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(bytes) }
    }

    static func systemMessage() -> String { String(cString: strerror(errno)) }
}
