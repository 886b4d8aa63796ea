#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One chunk as it is stored in the file: its bytes (compressed, or as they are when compression
/// would not shrink them) and libhdf5's filter mask (bit i set: filter i was not applied).
///
/// The bytes live in memory lent by `ChunkMemory` and given back when the chunk is dropped, so that
/// a write recycles a few warm buffers instead of allocating a bound-sized array for every chunk
/// (for 2 MiB chunks, allocations that size may come as fresh pages). `@unchecked Sendable` is sound: the memory is
/// written once, by the thread that encodes the chunk, before the chunk is handed over; afterwards
/// it is only read.
final class EncodedChunk: @unchecked Sendable {
    let mask: UInt32
    let count: Int
    private let memory: UnsafeMutableRawBufferPointer

    /// Takes `memory` (from `ChunkMemory.take`) holding `count` stored bytes.
    init(memory: UnsafeMutableRawBufferPointer, count: Int, mask: UInt32) {
        self.memory = memory
        self.count = count
        self.mask = mask
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: memory[0..<count]) }

    deinit { ChunkMemory.shared.give(memory) }
}

/// A small process-wide reservoir of cache-line-aligned buffers for encoded chunks.
///
/// Costs: at most `keptCount` buffers and `keptBytes` bytes stay allocated between writes. A buffer
/// is reused for a request between half its size and its size, so that one variable's chunks (all
/// the same bound) keep recycling the same few buffers; the oldest make room for new ones.
/// `@unchecked Sendable` is sound: `kept` and `allocated` are only touched with `lock` held; a
/// buffer taken out is owned by one chunk until it is given back.
final class ChunkMemory: @unchecked Sendable {
    static let shared = ChunkMemory()
    static let alignment = 64
    private let keptCount = 16
    private let keptBytes = 64 << 20
    private let lock = NSLock()
    private var kept: [UnsafeMutableRawBufferPointer] = []
    private var keptTotal = 0
    private var allocated = 0

    /// Buffers allocated so far (not taken from the reservoir): for tests of the reuse policy.
    var allocations: Int {
        lock.lock()
        defer { lock.unlock() }
        return allocated
    }

    /// A buffer of at least `n` bytes.
    func take(_ n: Int) -> UnsafeMutableRawBufferPointer {
        let wanted = max(n, 1)
        lock.lock()
        if let i = kept.firstIndex(where: { $0.count >= wanted && $0.count / 2 <= wanted }) {
            let b = kept.remove(at: i)
            keptTotal -= b.count
            lock.unlock()
            return b
        }
        allocated += 1
        lock.unlock()
        // Whole 64 KiB units: requests for chunks of one shape share a size.
        let size = (wanted + 0xFFFF) & ~0xFFFF
        var p: UnsafeMutableRawPointer?
        guard posix_memalign(&p, Self.alignment, size) == 0, let p else { fatalError("out of memory for a \(size)-byte chunk") }
        return UnsafeMutableRawBufferPointer(start: p, count: size)
    }

    /// Gives a buffer back; it is kept for reuse, making room by freeing the buffers given back
    /// longest ago (those of variables written earlier, whose sizes the next chunks may not match:
    /// kept instead, they filled the reservoir, and every chunk of the next variable came as a fresh
    /// allocation whose pages the compressor then faulted in).
    func give(_ b: UnsafeMutableRawBufferPointer) {
        guard b.count <= keptBytes else { free(b.baseAddress); return }
        var evicted: [UnsafeMutableRawBufferPointer] = []
        lock.lock()
        while !kept.isEmpty && (kept.count >= keptCount || keptTotal + b.count > keptBytes) {
            let oldest = kept.removeFirst()
            keptTotal -= oldest.count
            evicted.append(oldest)
        }
        kept.append(b)
        keptTotal += b.count
        lock.unlock()
        for e in evicted { free(e.baseAddress) }
    }
}
