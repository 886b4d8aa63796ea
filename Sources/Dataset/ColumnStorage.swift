/// The single contiguous byte buffer behind a `Column`.
///
/// Costs one allocation of the column's size (16-byte aligned) from `ColumnMemory`: large columns reuse
/// pages of columns the process has dropped (zeroed at memory speed) or take fresh zero pages, faulted
/// in when a decoder first writes them; small ones come from `calloc`. Columns made together
/// (`Column.makeSet`) instead take disjoint slices of one `ColumnArena`. Nothing is spent per element.
/// Invariant that makes `@unchecked Sendable` sound: the bytes are written only through
/// `Column.withUnsafeMutableBytes`, which first makes the storage uniquely referenced (copy on write),
/// so a storage that is shared between values or tasks is never mutated; storages sharing an arena
/// never overlap.
final class ColumnStorage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let byteCount: Int
    /// Size of the mapping behind `base` (0: a `calloc` block); unused for a slice of an arena.
    private let mappedBytes: Int
    /// The allocation this storage is a slice of (nil: its own).
    private let arena: ColumnArena?

    /// Returns nil when the memory cannot be had. With `zeroed: false` the caller must write every
    /// byte before anything reads it.
    init?(byteCount: Int, zeroed: Bool = true) {
        guard byteCount >= 0, let (p, mapped) = ColumnMemory.allocate(byteCount: byteCount, zeroed: zeroed) else {
            return nil
        }
        self.byteCount = byteCount
        self.base = p
        self.mappedBytes = mapped
        self.arena = nil
    }

    /// `byteCount` bytes at `offset` in `arena`, which the caller has laid out so that no two
    /// storages overlap.
    init(arena: ColumnArena, offset: Int, byteCount: Int) {
        self.byteCount = byteCount
        self.base = arena.base + offset
        self.mappedBytes = 0
        self.arena = arena
    }

    func copy() -> ColumnStorage {
        guard let other = ColumnStorage(byteCount: byteCount, zeroed: false) else {
            fatalError("out of memory copying a \(byteCount)-byte column on write")
        }
        other.base.copyMemory(from: base, byteCount: byteCount)
        return other
    }

    deinit {
        if arena == nil { ColumnMemory.release(base: base, mappedBytes: mappedBytes) }
    }
}

/// One allocation (zero-filled unless asked otherwise) that the columns of a set share
/// (`Column.makeSet`), given back to `ColumnMemory` when the last of them is dropped.
///
/// Why: a decoded container has one column per parameter, many of them a few hundred kilobytes
/// (a byte per packet). Apart, each is its own `calloc` mapping, filled 4 KiB fault by 4 KiB fault
/// (about 20,000 faults for the 84 MB of columns of the 64 MB wide benchmark file); together they
/// are one mapping that takes transparent huge pages. What it costs: the set's bytes stay allocated until every column of the
/// set is dropped.
final class ColumnArena: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let byteCount: Int
    private let mappedBytes: Int

    init?(byteCount: Int, zeroed: Bool = true) {
        guard byteCount >= 0, let (p, mapped) = ColumnMemory.allocate(byteCount: byteCount, zeroed: zeroed) else { return nil }
        if !zeroed, ColumnMemory.poisonsUnzeroedMemory { p.initializeMemory(as: UInt8.self, repeating: 0xA5, count: byteCount) }
        base = p
        self.byteCount = byteCount
        mappedBytes = mapped
    }

    deinit { ColumnMemory.release(base: base, mappedBytes: mappedBytes) }
}
