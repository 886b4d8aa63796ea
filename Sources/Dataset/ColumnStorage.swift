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
