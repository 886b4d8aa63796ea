/// Writes a file atomically: bytes go to a temporary file in the destination folder, which `commit`
/// syncs and renames over the destination (then syncs the folder). A sink that is not committed
/// removes its temporary file, so a failed write never leaves a partial product.
///
/// Costs: one 1 MiB buffer for small writes; large writes go straight from the caller's memory to
/// `write(2)` without a copy. Optionally feeds every byte to an MD5.
final class AtomicFileSink {
    let destination: String
    let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20
    /// Bytes handed to the kernel so far.
    private(set) var written = 0
    /// The file offset the next write goes to (written plus buffered bytes).
    var position: Int { written + buffer.count }
    var md5: MD5?
    private var committed = false

    init(destination: String, md5: Bool) throws {
        self.destination = destination
        let slash = destination.lastIndex(of: "/")
        let dir = slash.map { String(destination[..<$0]) } ?? "."
        let base = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CDFError.io(path: destination, operation: "create a temporary file for", errno: errno) }
        self.fd = fd
        self.temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        self.md5 = md5 ? MD5() : nil
        buffer.reserveCapacity(bufferLimit)
        _ = fchmod(fd, 0o644)
    }

    func write(_ bytes: [UInt8]) throws {
        if buffer.count + bytes.count > bufferLimit { try flush() }
        if bytes.count >= bufferLimit {
            try bytes.withUnsafeBytes { try writeDirect($0) }
        } else {
            buffer += bytes
        }
    }

    /// Writes caller-owned bytes without copying them when they are large.
    func write(_ raw: UnsafeRawBufferPointer) throws {
        if raw.count < 64 * 1024 {
            if buffer.count + raw.count > bufferLimit { try flush() }
            buffer += raw
            return
        }
        try flush()
        try writeDirect(raw)
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeDirect($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeDirect(_ raw: UnsafeRawBufferPointer) throws {
        md5?.update(raw)
        var done = 0
        while done < raw.count {
            let n = systemWrite(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw CDFError.io(path: temporaryPath, operation: "write", errno: errno)
            }
            done += n
        }
        written += raw.count
    }

    /// Overwrites bytes already written (flushes first). Not for sinks that compute an MD5.
    func patch(at offset: Int, _ bytes: [UInt8]) throws {
        precondition(md5 == nil, "patching would invalidate the streamed MD5")
        try flush()
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CDFError.io(path: temporaryPath, operation: "pwrite", errno: errno)
                }
                done += n
            }
        }
    }

    /// Flushes, fsyncs, renames the temporary file over the destination and fsyncs the folder.
    func commit() throws {
        try flush()
        guard fsync(fd) == 0 else { throw CDFError.io(path: temporaryPath, operation: "fsync", errno: errno) }
        guard close(fd) == 0 else { fd = -1; throw CDFError.io(path: temporaryPath, operation: "close", errno: errno) }
        fd = -1
        guard rename(temporaryPath, destination) == 0 else {
            throw CDFError.io(path: destination, operation: "rename \(temporaryPath) to", errno: errno)
        }
        committed = true
        let dir = destination.lastIndex(of: "/").map { String(destination[..<$0]) } ?? "."
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !committed { unlink(temporaryPath) }
    }
}

#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif
