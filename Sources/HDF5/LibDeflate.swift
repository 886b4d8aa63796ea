#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// libdeflate's zlib-format compressor, loaded at run time when the system has `libdeflate.so.0`
/// (no build-time dependency): the same RFC 1950 stream libhdf5's deflate filter reads, about twice
/// as fast as zlib at the same level. Without it (or with `DOWNLINK_DEFLATE=zlib`) chunks go through
/// zlib's `compress2`.
///
/// Costs: one dlopen per process; compressors (~0.5-1 MB each) are kept in a small pool, one per
/// concurrently compressing thread and level. `@unchecked Sendable` is sound: the function pointers
/// never change after loading and the pool is guarded by `lock`; each compressor is used by one
/// thread at a time (taken from the pool, returned after use).
final class LibDeflate: @unchecked Sendable {
    private typealias Alloc = @convention(c) (Int32) -> OpaquePointer?
    private typealias Compress = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int) -> Int
    private typealias Bound = @convention(c) (OpaquePointer?, Int) -> Int
    private typealias Free = @convention(c) (OpaquePointer?) -> Void

    private let alloc: Alloc
    private let compress: Compress
    private let bound: Bound
    private let free: Free
    private let lock = NSLock()
    private var pool: [Int: [OpaquePointer]] = [:]

    static let shared: LibDeflate? = {
        if let v = getenv("DOWNLINK_DEFLATE"), String(cString: v) == "zlib" { return nil }
        for name in ["libdeflate.so.0", "libdeflate.so", "libdeflate.0.dylib"] {
            guard let h = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            if let a = dlsym(h, "libdeflate_alloc_compressor"), let c = dlsym(h, "libdeflate_zlib_compress"),
               let b = dlsym(h, "libdeflate_zlib_compress_bound"), let f = dlsym(h, "libdeflate_free_compressor") {
                return LibDeflate(alloc: unsafeBitCast(a, to: Alloc.self), compress: unsafeBitCast(c, to: Compress.self),
                                  bound: unsafeBitCast(b, to: Bound.self), free: unsafeBitCast(f, to: Free.self))
            }
            dlclose(h)
        }
        return nil
    }()

    private init(alloc: Alloc, compress: Compress, bound: Bound, free: Free) {
        self.alloc = alloc
        self.compress = compress
        self.bound = bound
        self.free = free
    }

    /// The most bytes a zlib stream of `n` input bytes can take at `level`.
    func bound(_ n: Int, level: Int) -> Int {
        // libdeflate's bound does not depend on the compressor's level when given a null compressor.
        bound(nil, n)
    }

    /// Compresses `input` at `level` (1-12) into `output` (at least `bound` bytes); returns the size.
    func zlibCompress(_ input: UnsafeRawBufferPointer, level: Int, into output: UnsafeMutableRawBufferPointer) throws(HDF5Error) -> Int {
        let c = try take(level)
        defer { give(c, level) }
        let n = compress(c, input.baseAddress, input.count, output.baseAddress, output.count)
        guard n > 0 || input.isEmpty else { throw .compression("libdeflate produced no output for \(input.count) bytes") }
        return n
    }

    private func take(_ level: Int) throws(HDF5Error) -> OpaquePointer {
        lock.lock()
        if let c = pool[level]?.popLast() { lock.unlock(); return c }
        lock.unlock()
        guard let c = alloc(Int32(level)) else { throw .compression("libdeflate cannot make a level-\(level) compressor") }
        return c
    }

    private func give(_ c: OpaquePointer, _ level: Int) {
        lock.lock()
        pool[level, default: []].append(c)
        lock.unlock()
    }
}
