#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The single contiguous, zero-initialised byte buffer behind a `Column`.
///
/// Costs one `calloc` of exactly the column's size (16-byte aligned): large buffers come from the
/// kernel already zeroed, so allocation does not touch the memory; pages are faulted in when a
/// decoder first writes them. Nothing is spent per element.
/// Invariant that makes `@unchecked Sendable` sound: the bytes are written only through
/// `Column.withUnsafeMutableBytes`, which first makes the storage uniquely referenced (copy on write),
/// so a storage that is shared between values or tasks is never mutated.
final class ColumnStorage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let byteCount: Int

    /// Returns nil when the memory cannot be had.
    init?(byteCount: Int) {
        guard byteCount >= 0, let p = calloc(max(byteCount, 1), 1) else { return nil }
        self.byteCount = byteCount
        self.base = p
        Self.adviseHugePages(p, byteCount: byteCount)
    }

    /// Asks for transparent huge pages over the 2 MiB-aligned interior of a large buffer before it is
    /// first written: one fault then maps and zeroes 2 MiB instead of 4 KiB, and faulting fresh pages
    /// in is most of the cost of filling a new column (a decoder writes each byte once).
    private static func adviseHugePages(_ base: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        let huge = 2 << 20
        guard byteCount >= 2 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + byteCount) & ~(huge - 1)
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        #endif
    }

    func copy() -> ColumnStorage {
        guard let other = ColumnStorage(byteCount: byteCount) else {
            fatalError("out of memory copying a \(byteCount)-byte column on write")
        }
        other.base.copyMemory(from: base, byteCount: byteCount)
        return other
    }

    deinit { free(base) }
}
