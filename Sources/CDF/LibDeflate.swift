/// libdeflate's gzip compressor, loaded at run time (dlopen of `libdeflate.so.0`) when the system has
/// it: about twice as fast as zlib at the same level, and the same RFC 1952 output format. There is
/// no build-time dependency; without the library the writer uses zlib.
///
/// Costs: one dlopen per process; each compression allocates a compressor (~0.5 MB, freed after).
/// `@unchecked Sendable` is sound: the function pointers are immutable after loading, and libdeflate
/// functions are thread-safe when each thread uses its own compressor object, as `compress` does.
struct LibDeflate: @unchecked Sendable {
    typealias Alloc = @convention(c) (Int32) -> OpaquePointer?
    typealias Compress = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int) -> Int
    typealias Bound = @convention(c) (OpaquePointer?, Int) -> Int
    typealias Free = @convention(c) (OpaquePointer?) -> Void

    let alloc: Alloc
    let gzipCompress: Compress
    let gzipBound: Bound
    let free: Free

    /// The loaded library, or nil when it is absent or `DOWNLINK_GZIP=zlib` is set.
    static let shared: LibDeflate? = {
        if let v = getenv("DOWNLINK_GZIP"), String(cString: v) == "zlib" { return nil }
        for name in ["libdeflate.so.0", "libdeflate.so", "libdeflate.0.dylib", "libdeflate.dylib"] {
            guard let h = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let a = dlsym(h, "libdeflate_alloc_compressor"), let c = dlsym(h, "libdeflate_gzip_compress"),
                  let b = dlsym(h, "libdeflate_gzip_compress_bound"), let f = dlsym(h, "libdeflate_free_compressor") else {
                dlclose(h)
                continue
            }
            return LibDeflate(alloc: unsafeBitCast(a, to: Alloc.self), gzipCompress: unsafeBitCast(c, to: Compress.self),
                              gzipBound: unsafeBitCast(b, to: Bound.self), free: unsafeBitCast(f, to: Free.self))
        }
        return nil
    }()

    /// One gzip member of `input` at `level` (1-12), with a compressor allocated for this call.
    func compress(_ input: UnsafeRawBufferPointer, level: Int) throws -> [UInt8] {
        guard let c = alloc(Int32(level)) else { throw CDFError.compression("libdeflate could not allocate a level-\(level) compressor") }
        defer { free(c) }
        return try compress(input, with: c)
    }

    /// One gzip member of `input` with an existing compressor (one per thread).
    func compress(_ input: UnsafeRawBufferPointer, with c: OpaquePointer) throws -> [UInt8] {
        let bound = gzipBound(c, input.count)
        let out = [UInt8](unsafeUninitializedCapacity: bound) { buf, initialized in
            initialized = gzipCompress(c, input.baseAddress, input.count, buf.baseAddress, bound)
        }
        guard !out.isEmpty else { throw CDFError.compression("libdeflate produced no output for \(input.count) bytes") }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A gzip compressor reused across the blocks one worker thread compresses (libdeflate allocates
/// and clears hash tables per compressor, igzip needs a stream and a level buffer: doing that per
/// block costs ~10% at level 1).
///
/// Not Sendable: each worker owns its own. Costs, while alive: igzip's stream and level buffer
/// (~0.5 MB), or one libdeflate compressor (~0.5-1 MB); with zlib it holds nothing and compresses
/// per call.
final class GzipCompressor {
    let level: Int
    let backend: Gzip.Backend
    private let isal: IsalGzip?
    private let lib: LibDeflate?
    private let handle: OpaquePointer?

    init(level: Int, backend: Gzip.Backend? = nil) {
        self.level = level
        var chosen = backend ?? Gzip.backend(forLevel: level)
        let lib = chosen == .libdeflate ? LibDeflate.shared : nil
        if chosen == .libdeflate && lib == nil { chosen = .zlib }
        self.backend = chosen
        self.lib = lib
        self.handle = lib.flatMap { $0.alloc(Int32(level)) }
        self.isal = chosen == .isal ? IsalGzip(level: level) : nil
    }

    func compress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        if let isal { return try isal.compress(input) }
        if let lib, let handle { return try lib.compress(input, with: handle) }
        return try Gzip.zlibCompress(input, level: level)
    }

    deinit {
        if let lib, let handle { lib.free(handle) }
    }
}
