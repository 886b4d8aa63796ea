import Testing
@testable import Dataset

/// The reservoir is process-wide state: these tests run one at a time, and no other suite of this
/// target makes columns of a megabyte or more.
@Suite(.serialized) struct ColumnMemoryTests {
    static let mib = 1 << 20

    static func fill(_ p: UnsafeMutableRawPointer, _ count: Int, _ byte: UInt8) {
        p.initializeMemory(as: UInt8.self, repeating: byte, count: count)
    }

    static func allZero(_ p: UnsafeMutableRawPointer, _ count: Int) -> Bool {
        let b = UnsafeRawBufferPointer(start: p, count: count)
        return b.allSatisfy { $0 == 0 }
    }

    @Test func smallColumnsUseCallocAndAreNotRetained() {
        ColumnMemory.releaseUnused()
        let a = ColumnMemory.allocate(byteCount: 1000, zeroed: true)!
        #expect(a.mappedBytes == 0)
        #expect(Self.allZero(a.base, 1000))
        ColumnMemory.release(base: a.base, mappedBytes: a.mappedBytes)
        #expect(ColumnMemory.retainedBytes == 0)
    }

    @Test("Columns made as a set are zeroed, 64-byte aligned, disjoint, copy on write alone, and their arena is given back with the last of them")
    func columnSetsShareOneArena() throws {
        ColumnMemory.releaseUnused()
        // 1.5 MiB in all (a mapping, not calloc); odd sizes so that alignment padding is needed.
        var set = try Column.makeSet([(.uint8, 300_001, []), (.int32, 100_003, [2]), (.float64, 7, [3]), (.uint16, 0, []),
                                      (.uint32, 100_000, [])])
        #expect(set.map(\.byteCount) == [300_001, 800_024, 168, 0, 400_000])
        let bases = set.indices.map { i in set[i].withUnsafeMutableBytes { Int(bitPattern: $0.baseAddress!) } }
        #expect(bases.allSatisfy { $0 % 64 == 0 })
        for i in 1..<bases.count { #expect(bases[i] >= bases[i - 1] + set[i - 1].byteCount) }
        for i in set.indices {
            set[i].withUnsafeBytes { #expect($0.allSatisfy { $0 == 0 }, "column \(i) zeroed") }
        }
        // Filling each column leaves its neighbours as they were.
        for i in set.indices { set[i].withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: UInt8(i + 1)) } }
        for i in set.indices { set[i].withUnsafeBytes { b in #expect(b.allSatisfy { $0 == UInt8(i + 1) }) } }
        // A shared column copies on write without touching the set.
        var copy = set[1]
        copy.withUnsafeMutableBytes { $0[0] = 0xEE }
        set[1].withUnsafeBytes { #expect($0[0] == 2) }
        // Dropping all but one keeps that one's bytes; dropping it gives the arena to the reservoir.
        var last: [Column] = [set.removeLast()]
        set = []
        copy = try Column.make(type: .uint8, records: 1)
        #expect(ColumnMemory.retainedBytes == 0)
        last[0].withUnsafeBytes { b in #expect(b.allSatisfy { $0 == 5 }) }
        last = []
        #if os(Linux)
        #expect(ColumnMemory.retainedBytes >= 1_500_000)
        #endif
        #expect(throws: DatasetError.self) { try Column.makeSet([(.uint8, 10, []), (.int64, -1, [])]) }
        #expect(throws: DatasetError.self) { try Column.makeSet([(.int64, Int.max / 4, [3])]) }
        ColumnMemory.releaseUnused()
    }

    #if os(Linux)
    @Test func aDroppedBlockIsReusedInPlaceAndZeroed() {
        ColumnMemory.releaseUnused()
        let size = 3 * Self.mib + 100
        let a = ColumnMemory.allocate(byteCount: size, zeroed: true)!
        #expect(a.mappedBytes >= size && a.mappedBytes % 4096 == 0)
        #expect(Self.allZero(a.base, size))
        Self.fill(a.base, size, 0xAB)
        ColumnMemory.release(base: a.base, mappedBytes: a.mappedBytes)
        #expect(ColumnMemory.retainedBytes == a.mappedBytes)

        let b = ColumnMemory.allocate(byteCount: size, zeroed: true)!
        #expect(b.base == a.base, "the same pages, not a new mapping")
        #expect(ColumnMemory.retainedBytes == 0)
        #expect(Self.allZero(b.base, size), "recycled bytes are zeroed")
        ColumnMemory.release(base: b.base, mappedBytes: b.mappedBytes)
        ColumnMemory.releaseUnused()
        #expect(ColumnMemory.retainedBytes == 0)
    }

    @Test func aLargerBlockIsSplitAndTheRestKept() {
        ColumnMemory.releaseUnused()
        let a = ColumnMemory.allocate(byteCount: 8 * Self.mib, zeroed: false)!
        Self.fill(a.base, 8 * Self.mib, 0x11)
        ColumnMemory.release(base: a.base, mappedBytes: a.mappedBytes)
        let b = ColumnMemory.allocate(byteCount: 3 * Self.mib, zeroed: true)!
        #expect(b.base == a.base && b.mappedBytes == 3 * Self.mib)
        #expect(ColumnMemory.retainedBytes == 5 * Self.mib)
        #expect(Self.allZero(b.base, 3 * Self.mib))
        let c = ColumnMemory.allocate(byteCount: 5 * Self.mib, zeroed: false)!
        #expect(c.base == a.base + 3 * Self.mib, "the split-off rest")
        #expect(UnsafeRawBufferPointer(start: c.base, count: 5 * Self.mib).allSatisfy { $0 == 0x11 },
                "not zeroed when the caller writes every byte itself")
        ColumnMemory.release(base: b.base, mappedBytes: b.mappedBytes)
        ColumnMemory.release(base: c.base, mappedBytes: c.mappedBytes)
        ColumnMemory.releaseUnused()
    }

    @Test func severalBlocksAreJoinedIntoOneLargerColumn() {
        ColumnMemory.releaseUnused()
        var blocks: [(base: UnsafeMutableRawPointer, mappedBytes: Int)] = []
        for i in 0..<3 {
            let b = ColumnMemory.allocate(byteCount: 2 * Self.mib, zeroed: true)!
            Self.fill(b.base, 2 * Self.mib, UInt8(0x30 + i))
            blocks.append(b)
        }
        for b in blocks { ColumnMemory.release(base: b.base, mappedBytes: b.mappedBytes) }
        #expect(ColumnMemory.retainedBytes == 6 * Self.mib)

        // 7 MiB: more than the three blocks hold, so the column is the three moved together plus
        // one fresh MiB; all of it must read as zero and take writes.
        let big = ColumnMemory.allocate(byteCount: 7 * Self.mib, zeroed: true)!
        #expect(ColumnMemory.retainedBytes == 0, "every retained page went into the new column")
        #expect(Self.allZero(big.base, 7 * Self.mib))
        Self.fill(big.base, 7 * Self.mib, 0x5A)
        #expect(UnsafeRawBufferPointer(start: big.base, count: 7 * Self.mib).allSatisfy { $0 == 0x5A })
        ColumnMemory.release(base: big.base, mappedBytes: big.mappedBytes)

        // 5 MiB from the 7: one block, split.
        let five = ColumnMemory.allocate(byteCount: 5 * Self.mib, zeroed: true)!
        #expect(five.base == big.base && ColumnMemory.retainedBytes == 2 * Self.mib)
        #expect(Self.allZero(five.base, 5 * Self.mib))
        ColumnMemory.release(base: five.base, mappedBytes: five.mappedBytes)
        ColumnMemory.releaseUnused()
    }

    @Test func theRetainedLimitIsKept() {
        ColumnMemory.releaseUnused()
        let saved = ColumnMemory.retainedLimit
        defer { ColumnMemory.retainedLimit = saved }
        ColumnMemory.retainedLimit = 3 * Self.mib
        let a = ColumnMemory.allocate(byteCount: 2 * Self.mib, zeroed: true)!
        let b = ColumnMemory.allocate(byteCount: 2 * Self.mib, zeroed: true)!
        ColumnMemory.release(base: a.base, mappedBytes: a.mappedBytes)
        ColumnMemory.release(base: b.base, mappedBytes: b.mappedBytes)
        #expect(ColumnMemory.retainedBytes == 2 * Self.mib, "the second block went back to the kernel")
        ColumnMemory.retainedLimit = 0
        #expect(ColumnMemory.retainedBytes == 0)
    }
    #endif

    @Test func largeColumnsKeepTheirValuesThroughCopyOnWriteAndReuse() throws {
        let n = 600_000   // 4.8 MB of Float64
        var a = try Column.make(type: .float64, records: n)
        try a.withUnsafeMutableBufferPointer(of: Double.self) { p in for i in p.indices { p[i] = Double(i) * 0.25 } }
        var b = a
        try b.withUnsafeMutableBufferPointer(of: Double.self) { $0[0] = -1 }
        #expect(try a.values(as: Double.self)[n - 1] == Double(n - 1) * 0.25 && a.values(as: Double.self)[0] == 0)
        #expect(try b.values(as: Double.self)[n - 1] == Double(n - 1) * 0.25 && b.values(as: Double.self)[0] == -1)
        a = try Column.make(type: .float64, records: 1)
        b = try Column.make(type: .float64, records: 1)
        let c = try Column.make(type: .float64, records: n)
        #expect(try c.values(as: Double.self).allSatisfy { $0 == 0 }, "a made column is zero-filled, recycled or not")
    }
}
