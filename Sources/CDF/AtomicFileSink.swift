/// Writes a file atomically: bytes go to a temporary file in the destination folder, which `commit`
/// syncs and renames over the destination (then syncs the folder). A sink that is not committed
/// removes its temporary file, so a failed write never leaves a partial product.
///
/// Costs: one 1 MiB buffer for small writes; large writes go straight from the caller's memory to
/// `write(2)` without a copy. Optionally feeds every byte to an MD5.
///
/// Large files on Linux: once a file passes `directThreshold` bytes, the sink switches to direct I/O
/// (`O_DIRECT`, from the next 4 KiB-aligned offset): bytes are copied into one aligned 8 MiB staging
/// buffer and go from there to the device without the page cache. Why: copying gigabytes of product
/// into fresh page-cache pages cost the kernel 0.6-1.5 s per GB on the 2-core VM (`dd` 4 GB: 2.6-5.9 s
/// system time buffered, 0.3-0.45 s direct), and a product file is not read back by this process.
/// Where the file system refuses `O_DIRECT` (tmpfs, some network file systems) the sink stays
/// buffered; `DOWNLINK_DIRECT_IO=0` turns it off. The last partial block is written buffered.
final class AtomicFileSink {
    let destination: String
    let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20
    /// Bytes handed to the kernel so far.
    private(set) var written = 0
    /// The file offset the next write goes to (written plus buffered bytes).
    var position: Int { written + buffer.count + (direct?.staged ?? 0) }
    var md5: MD5?
    private var committed = false
    /// Aligned staging buffer while in direct mode (nil: buffered mode).
    private var direct: DirectStaging?
    private var directTried = false
    /// Whether part of the file went out with direct I/O (for tests and diagnostics).
    private(set) var wroteDirect = false

    /// Size past which the file is written with direct I/O (`defaultDirectThreshold` unless a test
    /// asks for another).
    let directThreshold: Int

    init(destination: String, md5: Bool, directThreshold: Int = AtomicFileSink.defaultDirectThreshold) throws {
        self.destination = destination
        self.directThreshold = directThreshold
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
        if direct != nil || position + bytes.count >= directThreshold { return try bytes.withUnsafeBytes { try write($0) } }
        if buffer.count + bytes.count > bufferLimit { try flush() }
        if bytes.count >= bufferLimit {
            try bytes.withUnsafeBytes { try writeDirect($0) }
        } else {
            buffer += bytes
        }
    }

    /// Writes caller-owned bytes without copying them when they are large.
    func write(_ raw: UnsafeRawBufferPointer) throws {
        if direct == nil, !directTried, position + raw.count >= directThreshold { try startDirect() }
        if let d = direct {
            md5?.update(raw)
            var done = 0
            while done < raw.count {
                done += d.append(UnsafeRawBufferPointer(rebasing: raw[done...]))
                if d.isFull { try writeStaging(d) }
            }
            return
        }
        if raw.count < 64 * 1024 {
            if buffer.count + raw.count > bufferLimit { try flush() }
            buffer += raw
            return
        }
        try flush()
        try writeDirect(raw)
    }

    func flush() throws {
        if direct != nil { try endDirect() }
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeDirect($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeDirect(_ raw: UnsafeRawBufferPointer, hashed: Bool = false) throws {
        if !hashed { md5?.update(raw) }
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

    /// 64 MiB; never when direct I/O is off (`DOWNLINK_DIRECT_IO=0`, see CDirectIO).
    static let defaultDirectThreshold: Int = oDirect == 0 ? Int.max : 64 << 20
    static let directAlignment = 4096

    /// Switches to direct I/O: the buffered bytes, padded with the caller's next bytes up to an aligned
    /// offset, go out buffered first, so that every direct write starts aligned.
    private func startDirect() throws {
        directTried = true
        #if os(Linux)
        try flush()
        let misalignment = written % Self.directAlignment
        let flags = fcntl(fd, F_GETFL)
        guard oDirect != 0, flags >= 0, fcntl(fd, F_SETFL, flags | oDirect) == 0 else { return }
        guard let staging = DirectStaging(capacity: 8 << 20, alignment: Self.directAlignment,
                                          lead: misalignment == 0 ? 0 : Self.directAlignment - misalignment) else {
            _ = fcntl(fd, F_SETFL, flags)
            return
        }
        direct = staging
        // Turned on for the aligned writes only; the lead bytes are written with it off.
        if staging.lead > 0 { _ = fcntl(fd, F_SETFL, flags) }
        #endif
    }

    /// Writes the staging buffer's full aligned content (and first, once, its unaligned lead buffered).
    private func writeStaging(_ d: DirectStaging) throws {
        #if os(Linux)
        if d.lead > 0 {
            try writeDirect(UnsafeRawBufferPointer(start: d.leadBase, count: d.leadFilled), hashed: true)
            d.lead = 0
            let flags = fcntl(fd, F_GETFL)
            guard flags >= 0, fcntl(fd, F_SETFL, flags | oDirect) == 0 else {
                throw CDFError.io(path: temporaryPath, operation: "switch to direct I/O on", errno: errno)
            }
        }
        let n = d.count / Self.directAlignment * Self.directAlignment
        if n > 0 {
            try writeDirect(UnsafeRawBufferPointer(start: d.base, count: n), hashed: true)
            wroteDirect = true
        }
        d.consume(n)
        #endif
    }

    /// Leaves direct mode: aligned blocks go out direct, the rest buffered.
    private func endDirect() throws {
        #if os(Linux)
        guard let d = direct else { return }
        try writeStaging(d)
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~oDirect) }
        if d.count > 0 { try writeDirect(UnsafeRawBufferPointer(start: d.base, count: d.count), hashed: true) }
        direct = nil
        #endif
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
        // An earlier product at the destination is freed on a background thread, not in the rename.
        guard downlink_rename_replacing(temporaryPath, destination) == 0 else {
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

/// The aligned buffer of `AtomicFileSink`'s direct mode: `lead` unaligned bytes first (written
/// buffered, up to the first aligned file offset), then aligned content.
/// Costs a staging buffer of `capacity` bytes from `downlink_staging_alloc` (transparent huge pages:
/// the 10 M-record uncompressed CDF write, cdf-bench, medians of 12 alternating runs on the 2-core
/// VM, went 0.42 -> 0.36 s wall and 0.105 -> 0.087 s CPU) and `alignment` bytes for the lead, both
/// reused for the whole file.
final class DirectStaging {
    let base: UnsafeMutableRawPointer
    let leadBase: UnsafeMutableRawPointer
    let capacity: Int
    /// Unaligned bytes still to go out before the aligned content (0 once written).
    var lead: Int
    /// Lead bytes staged so far.
    private(set) var leadFilled = 0
    /// Aligned content bytes staged.
    private(set) var count = 0

    init?(capacity: Int, alignment: Int, lead: Int) {
        precondition(lead <= alignment && 4096 % alignment == 0, "lead \(lead) past the alignment \(alignment), or an alignment the staging does not give")
        guard let content = downlink_staging_alloc(capacity) else { return nil }
        guard let leadBuffer = malloc(max(alignment, 1)) else { free(content); return nil }
        base = content
        leadBase = leadBuffer
        self.capacity = capacity
        self.lead = lead
    }

    var isFull: Bool { count == capacity }
    /// Bytes staged and not yet written.
    var staged: Int { (lead > 0 ? leadFilled : 0) + count }

    /// Copies as much of `raw` as fits; returns how much.
    func append(_ raw: UnsafeRawBufferPointer) -> Int {
        guard let src = raw.baseAddress, raw.count > 0 else { return 0 }
        if leadFilled < lead {
            let n = min(lead - leadFilled, raw.count)
            (leadBase + leadFilled).copyMemory(from: src, byteCount: n)
            leadFilled += n
            return n
        }
        let n = min(capacity - count, raw.count)
        (base + count).copyMemory(from: src, byteCount: n)
        count += n
        return n
    }

    /// Drops the first `n` staged bytes (written), keeping the rest at the start.
    func consume(_ n: Int) {
        let rest = count - n
        if rest > 0 { base.copyMemory(from: base + n, byteCount: rest) }
        count = rest
    }

    deinit {
        free(base)
        free(leadBase)
    }
}

#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif
import CDirectIO
/// The system's `O_DIRECT` (0 where there is none: fcntl adds no flag and the sink stays buffered).
private let oDirect = downlink_o_direct()
