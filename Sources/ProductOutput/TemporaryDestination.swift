#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CDirectIO

/// A destination path plus an empty temporary file beside it (same folder, so the final rename is
/// atomic). A C library writes the temporary file by path; `commit` syncs it and renames it over the
/// destination, then syncs the folder. A destination that is not committed removes its temporary file
/// when it is released, so a failed write never leaves a partial product.
///
/// What it costs: one `mkstemp` up front; `commit` is one open + fsync of the file, one rename and one
/// fsync of the folder (an earlier file of 16 MiB or more at the destination is freed on a detached
/// thread: `downlink_rename_replacing`). Not Sendable: one write owns it.
public final class TemporaryDestination {
    public let destination: String
    /// The temporary file's path (exists, empty, mode 0644 until the library overwrites it).
    public let temporaryPath: String
    private var committed = false

    /// Creates the temporary file `.<name>.tmp-XXXXXX` in the destination's folder.
    /// - Throws: `OutputError.io` when the folder does not exist or is not writable.
    public init(destination: String) throws {
        self.destination = destination
        let (dir, base) = Self.split(destination)
        guard !base.isEmpty else { throw OutputError.invalidPath(destination, reason: "names no file") }
        var template = Array("\(dir)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputError.io(path: destination, operation: "create a temporary file for", errno: errno) }
        _ = fchmod(fd, 0o644)
        close(fd)
        self.temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Fsyncs the temporary file, renames it over the destination and fsyncs the folder.
    public func commit() throws {
        let fd = open(temporaryPath, O_RDONLY)
        guard fd >= 0 else { throw OutputError.io(path: temporaryPath, operation: "open for fsync", errno: errno) }
        let synced = fsync(fd)
        let syncErrno = errno
        close(fd)
        guard synced == 0 else { throw OutputError.io(path: temporaryPath, operation: "fsync", errno: syncErrno) }
        // An earlier product at the destination is freed on a background thread, not in the rename.
        guard downlink_rename_replacing(temporaryPath, destination) == 0 else {
            throw OutputError.io(path: destination, operation: "rename \(temporaryPath) to", errno: errno)
        }
        committed = true
        let dfd = open(Self.split(destination).dir, O_RDONLY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    /// Removes the temporary file now (also done on release when not committed).
    public func discard() {
        if !committed { unlink(temporaryPath) }
    }

    deinit { discard() }

    static func split(_ path: String) -> (dir: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }
}
