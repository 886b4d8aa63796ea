import CPageMapping
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sequence breaks a walk records (16 bytes each), in a buffer that grows without copying.
///
/// Why not an array: a file concatenated from pieces can have a break every few packets (the
/// CYGNSS sample replicated 3400 times: 54,393 in 343,400 packets), and an array growing by
/// doubling allocates and fills about twice its final size in fresh pages, copying as it goes.
/// On Linux a large store is its own mapping, grown by `mremap` (CPageMapping), which moves the pages already
/// written instead of copying them; elsewhere `realloc`.
///
/// Invariant that makes `@unchecked Sendable` sound: a store is appended to only by the one walk
/// that owns it (walks are noncopyable), and is only read once it has been handed to an
/// `AnomalyList`.
///
/// Cost: the breaks, plus less than the last growth step of unused (and untouched) capacity.
final class SequenceBreakStore: @unchecked Sendable {
    private var base: UnsafeMutableRawPointer?
    private var capacity = 0
    private var mapped = false
    private(set) var count = 0

    /// Below this many bytes the store lives on the heap.
    private static let mappedBytes = 256 << 10

    init() {}

    init(_ breaks: [SequenceBreak]) {
        reserve(breaks.count)
        for b in breaks { append(b) }
    }

    deinit {
        guard let base else { return }
        #if os(Linux)
        if mapped {
            munmap(base, capacity * MemoryLayout<SequenceBreak>.stride)
            return
        }
        #endif
        free(base)
    }

    @inline(__always)
    func append(_ b: SequenceBreak) {
        if count == capacity { reserve(max(capacity * 2, 1024)) }
        (base! + count * MemoryLayout<SequenceBreak>.stride).storeBytes(of: b, as: SequenceBreak.self)
        count += 1
    }

    subscript(i: Int) -> SequenceBreak {
        precondition(i >= 0 && i < count, "sequence break \(i) out of range 0..<\(count)")
        return (base! + i * MemoryLayout<SequenceBreak>.stride).load(as: SequenceBreak.self)
    }

    /// Room for at least `wanted` breaks.
    func reserve(_ wanted: Int) {
        guard wanted > capacity else { return }
        let stride = MemoryLayout<SequenceBreak>.stride
        #if os(Linux)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytes = (wanted * stride + page - 1) / page * page
        if bytes >= Self.mappedBytes {
            if mapped, let old = base, let moved = downlink_remap(old, capacity * stride, bytes) {
                base = moved
            } else {
                let fresh = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                guard fresh != MAP_FAILED, let fresh else { fatalError("out of memory for \(bytes) bytes of sequence breaks") }
                if let old = base {
                    fresh.copyMemory(from: old, byteCount: count * stride)
                    if mapped { munmap(old, capacity * stride) } else { free(old) }
                }
                base = fresh
                mapped = true
            }
            capacity = bytes / stride
            return
        }
        #endif
        guard let grown = realloc(base, wanted * stride) else { fatalError("out of memory for \(wanted) sequence breaks") }
        base = grown
        capacity = wanted
    }
}
