/// The single contiguous, zero-initialised byte buffer behind a `Column`.
///
/// Costs one allocation of exactly the column's size (16-byte aligned) and nothing per element.
/// Invariant that makes `@unchecked Sendable` sound: the bytes are written only through
/// `Column.withUnsafeMutableBytes`, which first makes the storage uniquely referenced (copy on write),
/// so a storage that is shared between values or tasks is never mutated.
final class ColumnStorage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = byteCount
        self.base = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 16)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    func copy() -> ColumnStorage {
        let other = ColumnStorage(byteCount: byteCount)
        other.base.copyMemory(from: base, byteCount: byteCount)
        return other
    }

    deinit { base.deallocate() }
}
