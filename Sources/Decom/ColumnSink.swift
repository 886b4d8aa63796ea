// Raw write access to a container's columns, shared by the tasks that fill disjoint records.

import Dataset

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The base addresses of one container's column buffers, for tasks that each fill their own records.
///
/// Invariant that makes `@unchecked Sendable` sound: the `Column`s these addresses come from are
/// allocated before any task starts, are owned by the decode call that awaits every task, and are
/// neither copied, mutated nor released until all tasks have finished (a column's buffer is a
/// single heap block that never moves); every task writes only the records the dispatch pass
/// assigned to its chunk, so no two tasks touch the same bytes, and nothing reads the buffers
/// until the task group has completed. Costs three small arrays.
final class ColumnSink: @unchecked Sendable {
    let bases: [UnsafeMutableRawPointer]
    let elementTypes: [ElementType]
    /// Elements per record of each column.
    let elementsPerRecord: [Int]
    /// Records each column holds (0 for header columns left out).
    let capacities: [Int]

    /// Columns, or runs of adjacent columns (a set made together), of at least this many bytes are
    /// asked for transparent huge pages (their 2 MiB-aligned interior).
    static let hugePageMinimum = 2 << 20
    /// `MADV_POPULATE_WRITE` (not in every libc's headers yet).
    static let populateWrite: Int32 = 23

    init(columns: inout [Column]) {
        var bases: [UnsafeMutableRawPointer] = []
        for i in columns.indices {
            let base = columns[i].withUnsafeMutableBytes { $0.baseAddress }
            // An empty column (zero records) still has a 1-byte allocation: never written.
            bases.append(base ?? UnsafeMutableRawPointer(bitPattern: 16)!)
        }
        self.bases = bases
        #if os(Linux)
        // Large columns: ask for transparent huge pages before the first write, so filling them
        // takes one page fault per 2 MiB instead of one per 4 KiB (a third of the fill time otherwise).
        // From 2 MiB on (the hs file's 16-bit columns are 6 MB: 58 -> 52 ms decode CPU against 8 MiB).
        // Columns made as one set lie side by side (64-byte aligned): advise their joined span.
        var spans: [(start: Int, end: Int)] = []
        for (i, base) in bases.enumerated().sorted(by: { Int(bitPattern: $0.element) < Int(bitPattern: $1.element) })
        where columns[i].byteCount > 0 {
            let start = Int(bitPattern: base), end = start + columns[i].byteCount
            if let last = spans.last, start >= last.end, start - last.end < 64 {
                spans[spans.count - 1].end = end
            } else {
                spans.append((start, end))
            }
        }
        for span in spans where span.end - span.start >= Self.hugePageMinimum {
            let huge = 2 << 20
            let start = (span.start + huge - 1) / huge * huge
            let end = span.end / huge * huge
            if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        }
        #endif
        self.elementTypes = columns.map(\.elementType)
        self.elementsPerRecord = columns.map(\.elementsPerRecord)
        self.capacities = columns.map(\.records)
    }

    /// Faults in the pages that records `records` of every column occupy, one call per column
    /// (`MADV_POPULATE_WRITE`, Linux 5.14+; elsewhere, or on older kernels, pages fault in as
    /// they are written). The kernel then zeroes them in a batch instead of taking one trap per
    /// 4 KiB during the fill; calling it per chunk keeps resident memory growing with the fill.
    func populate(records: Range<Int>) {
        #if os(Linux)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        for (c, base) in bases.enumerated() {
            let bytesPerRecord = elementsPerRecord[c] * elementTypes[c].byteWidth
            guard bytesPerRecord * records.count >= 64 << 10, capacities[c] >= records.upperBound else { continue }
            let start = (Int(bitPattern: base) + records.lowerBound * bytesPerRecord) / page * page
            let end = (Int(bitPattern: base) + records.upperBound * bytesPerRecord + page - 1) / page * page
            _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, Self.populateWrite)
        }
        #endif
    }

    /// Stores a numeric field's raw bits, converted under `scheme`, as element `index` of `column`.
    @inline(__always)
    func store(bits: UInt64, width: Int, scheme: NumericScheme, column: Int, index: Int) {
        let base = bases[column]
        switch elementTypes[column] {
        case .float32: base.storeBytes(of: Float(bitPattern: UInt32(truncatingIfNeeded: bits)), toByteOffset: index &* 4, as: Float.self)
        case .float64: base.storeBytes(of: Double(bitPattern: bits), toByteOffset: index &* 8, as: Double.self)
        case .int8, .int16, .int32, .int64:
            let v = NumericDecoding.signed(bits, width: width, scheme: scheme)
            storeInteger(UInt64(bitPattern: v), base: base, type: elementTypes[column], index: index)
        default:
            let v = scheme == .bcd ? NumericDecoding.bcd(bits, width: width) : bits
            storeInteger(v, base: base, type: elementTypes[column], index: index)
        }
    }

    /// Stores an integer (two's complement bit pattern for signed types), truncated to the element width.
    @inline(__always)
    func storeInteger(_ v: UInt64, base: UnsafeMutableRawPointer, type: ElementType, index: Int) {
        switch type.byteWidth {
        case 1: base.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: index, as: UInt8.self)
        case 2: base.storeBytes(of: UInt16(truncatingIfNeeded: v), toByteOffset: index &* 2, as: UInt16.self)
        case 4: base.storeBytes(of: UInt32(truncatingIfNeeded: v), toByteOffset: index &* 4, as: UInt32.self)
        default: base.storeBytes(of: v, toByteOffset: index &* 8, as: UInt64.self)
        }
    }

    /// Stores a count or size into a `uint32` / `uint8` bookkeeping column.
    @inline(__always)
    func storeCount(_ v: Int, column: Int, record: Int) {
        storeInteger(UInt64(max(0, v)), base: bases[column], type: elementTypes[column],
                     index: record &* elementsPerRecord[column])
    }
}
