/// The single contiguous byte buffer behind a `Column`.
///
/// Costs one allocation of the column's size (16-byte aligned) from `ColumnMemory`: large columns reuse
/// pages of columns the process has dropped (zeroed at memory speed) or take fresh zero pages, faulted
/// in when a decoder first writes them; small ones come from `calloc`. Nothing is spent per element.
/// Invariant that makes `@unchecked Sendable` sound: the bytes are written only through
/// `Column.withUnsafeMutableBytes`, which first makes the storage uniquely referenced (copy on write),
/// so a storage that is shared between values or tasks is never mutated.
final class ColumnStorage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let byteCount: Int
    /// Size of the mapping behind `base` (0: a `calloc` block).
    private let mappedBytes: Int

    /// Returns nil when the memory cannot be had. With `zeroed: false` the caller must write every
    /// byte before anything reads it.
    init?(byteCount: Int, zeroed: Bool = true) {
        guard byteCount >= 0, let (p, mapped) = ColumnMemory.allocate(byteCount: byteCount, zeroed: zeroed) else {
            return nil
        }
        self.byteCount = byteCount
        self.base = p
        self.mappedBytes = mapped
    }

    func copy() -> ColumnStorage {
        guard let other = ColumnStorage(byteCount: byteCount, zeroed: false) else {
            fatalError("out of memory copying a \(byteCount)-byte column on write")
        }
        other.base.copyMemory(from: base, byteCount: byteCount)
        return other
    }

    deinit { ColumnMemory.release(base: base, mappedBytes: mappedBytes) }
}
