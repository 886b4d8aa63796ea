import Foundation
@testable import SpacePackets
import Testing

/// `AnomalyList` reads as the plain list of `Anomaly` values it stands for: the walk's sequence
/// breaks and other findings merged in file order, later findings sorted in by (offset, kind),
/// several scans one after the other.
@Suite struct AnomalyListTests {
    /// Breaks at 100, 300 (a duplicate), 500 and 900; junk at 200 and 700 recorded between them.
    static let breaks = [
        SequenceBreak(offset: 100, apid: 5, sequence: 10, expected: 7),
        SequenceBreak(offset: 300, apid: 5, sequence: 10, expected: 11),
        SequenceBreak(offset: 500, apid: 6, sequence: 0, expected: 16380),
        SequenceBreak(offset: 900, apid: 5, sequence: 20, expected: 12),
    ]
    static let junk200 = Anomaly(kind: .skippedBytes, file: "a.bin", offset: 200, length: 9)
    static let junk700 = Anomaly(kind: .skippedBytes, file: "a.bin", offset: 700, length: 3)

    @Test func walkFindingsMergeInFileOrder() {
        let list = AnomalyList(file: "a.bin", breaks: Self.breaks, others: [(1, Self.junk200), (3, Self.junk700)])
        #expect(list.map(\.offset) == [100, 200, 300, 500, 700, 900])
        #expect(list.map(\.kind) == [.sequenceGap, .skippedBytes, .duplicatePacket, .sequenceGap, .skippedBytes, .sequenceGap])
        #expect(list[0] == Anomaly(kind: .sequenceGap, file: "a.bin", offset: 100, apid: 5, sequenceCount: 10,
                                   expectedSequenceCount: 7, missingPackets: 3))
        #expect(list[2] == Anomaly(kind: .duplicatePacket, file: "a.bin", offset: 300, apid: 5, sequenceCount: 10))
        // 16380 -> 0 across the 14-bit rollover: 16380..16383 missing.
        #expect(list[3].missingPackets == 4)
        #expect(list.exceptSequenceBreaks == [Self.junk200, Self.junk700])
    }

    @Test func laterFindingsSortInByOffsetThenKind() {
        let orphanAt300 = Anomaly(kind: .orphanSegment, file: "a.bin", offset: 300, apid: 7, length: 2)
        let orphanAt50 = Anomaly(kind: .orphanSegment, file: "a.bin", offset: 50, apid: 7, length: 1)
        let orphanAt950 = Anomaly(kind: .orphanSegment, file: "a.bin", offset: 950, apid: 8, length: 1)
        let list = AnomalyList(file: "a.bin", breaks: Self.breaks, others: [(1, Self.junk200), (3, Self.junk700)],
                               later: [orphanAt950, orphanAt300, orphanAt50])
        let walk = Array(AnomalyList(file: "a.bin", breaks: Self.breaks, others: [(1, Self.junk200), (3, Self.junk700)]))
        let expected = (walk + [orphanAt950, orphanAt300, orphanAt50]).sorted {
            ($0.offset, $0.kind.rawValue) < ($1.offset, $1.kind.rawValue)
        }
        #expect(Array(list) == expected)
        // At offset 300 the duplicate ("duplicatePacket") sorts before the orphan ("orphanSegment").
        #expect(list.map(\.kind)[3...4] == [.duplicatePacket, .orphanSegment])
        #expect(list.count == 9)
    }

    /// The store keeps every break through its growth from the heap into a mapping and through
    /// the mapping's moves (100,000 breaks: 1.6 MB, several `mremap`s).
    @Test func breakStoreKeepsEveryBreakAsItGrows() {
        let store = SequenceBreakStore()
        func make(_ i: Int) -> SequenceBreak {
            SequenceBreak(offset: i * 977, apid: UInt16(i % 2047), sequence: UInt16(i % 16384), expected: UInt16((i * 7) % 16384))
        }
        for i in 0..<100_000 { store.append(make(i)) }
        #expect(store.count == 100_000)
        var wrong = 0
        for i in 0..<100_000 {
            let b = store[i]
            let e = make(i)
            if b.offset != e.offset || b.apid != e.apid || b.sequence != e.sequence || b.expected != e.expected { wrong += 1 }
        }
        #expect(wrong == 0)
        store.reserve(300_000)
        #expect(store.count == 100_000 && store[99_999].offset == 99_999 * 977)
        let list = AnomalyList(file: "big.bin", breaks: store, others: [])
        #expect(list.count == 100_000 && list[12_345].offset == 12_345 * 977)
    }

    @Test func concatenatedListsReadAcrossParts() throws {
        let first = AnomalyList(file: "a.bin", breaks: Self.breaks, others: [(1, Self.junk200)])
        let empty = AnomalyList([])
        let second = AnomalyList([Anomaly(kind: .truncatedPacket, file: "b.bin", offset: 40, length: 6)])
        let third = AnomalyList(file: "c.bin", breaks: Array(Self.breaks.prefix(2)), others: [])
        let all = AnomalyList(concatenating: [first, empty, second, third])
        let expected = Array(first) + Array(second) + Array(third)
        #expect(all.count == 8)
        #expect(Array(all) == expected)
        #expect(all.indices.map { all[$0] } == expected)
        #expect(all[5].file == "b.bin" && all[6].file == "c.bin" && all[7].kind == .duplicatePacket)
        #expect(all == AnomalyList(expected))
        #expect(all != AnomalyList(Array(expected.dropLast())))
        #expect(all.hashValue == AnomalyList(expected).hashValue)
        let decoded = try JSONDecoder().decode(AnomalyList.self, from: JSONEncoder().encode(all))
        #expect(decoded == all)
        #expect(AnomalyList(concatenating: [empty, empty]).isEmpty)
        // Many files: every element found in its own part.
        let many = (0..<50).map { f in
            AnomalyList((0..<(f % 4)).map { Anomaly(kind: .truncatedPacket, file: "f\(f)", offset: $0, length: 1) })
        }
        let joined = AnomalyList(concatenating: many)
        #expect(Array(joined) == many.flatMap { Array($0) })
        #expect(joined.count == 73)
    }
}
