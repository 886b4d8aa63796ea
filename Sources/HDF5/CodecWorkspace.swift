import CZstd
import Foundation

/// Scratch state one compressing thread reuses from chunk to chunk: a zstd compression context and a
/// growable buffer for the shuffled bytes. Reuse avoids re-initialising zstd's tables and faulting in
/// fresh pages for every chunk.
///
/// Costs: a zstd context (~1-2 MB at low levels) and a buffer of about one chunk while pooled.
/// Not Sendable on its own; `CodecWorkspacePool` hands each one to a single thread at a time.
final class CodecWorkspace {
    let zstd: OpaquePointer
    private(set) var shuffled = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    init?() {
        guard let c = ZSTD_createCCtx() else { return nil }
        zstd = c
    }

    /// A shuffle buffer of at least `n` bytes.
    func shuffleBuffer(_ n: Int) -> UnsafeMutableRawBufferPointer {
        if shuffled.count < n { shuffled.deallocate(); shuffled = .allocate(byteCount: n, alignment: 64) }
        return UnsafeMutableRawBufferPointer(rebasing: shuffled[0..<n])
    }

    deinit {
        ZSTD_freeCCtx(zstd)
        shuffled.deallocate()
    }
}

/// A lock-guarded pool of `CodecWorkspace`s shared by the compressing threads of a process.
/// `@unchecked Sendable` is sound: `free` is only touched with `lock` held, and a workspace taken
/// from the pool is used by exactly one thread until it is given back.
final class CodecWorkspacePool: @unchecked Sendable {
    static let shared = CodecWorkspacePool()
    private let lock = NSLock()
    private var free: [CodecWorkspace] = []

    func with<R>(_ body: (CodecWorkspace) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        lock.lock()
        let taken = free.popLast()
        lock.unlock()
        guard let w = taken ?? CodecWorkspace() else { throw .compression("cannot create a zstd context") }
        defer {
            lock.lock()
            if free.count < 64 { free.append(w) }
            lock.unlock()
        }
        return try body(w)
    }
}
