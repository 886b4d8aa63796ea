/// The packets found by a scan, in file order, as three columns. The scan writes one row a packet
/// through raw pointers (no allocation beyond amortised doubling). The columns are Swift arrays so
/// that the index can take them over without a copy when a file holds a single APID.
///
/// Cost: 16 bytes a packet while the scan runs. Capacity is allocated uninitialised (rows at and
/// beyond `count` are never read), so large columns come as untouched pages the kernel zeroes
/// once, on first write, instead of being zero-filled twice.
#if canImport(Glibc)
import Glibc
#endif

struct PacketRecords {
    var offsets: [Int]
    /// APID in the high 16 bits, the second header word (flags and sequence count) in the low 16.
    var identities: [UInt32]
    var lengths: [UInt32]
    var count = 0
    var capacity: Int { offsets.count }

    init(capacity: Int) {
        let capacity = max(capacity, 64)
        offsets = Self.uninitialized(capacity, copying: [])
        identities = Self.uninitialized(capacity, copying: [])
        lengths = Self.uninitialized(capacity, copying: [])
    }

    @inline(__always)
    mutating func append(offset: Int, apid: UInt16, word1: UInt16, length: Int) {
        if count == capacity { grow() }
        offsets[count] = offset
        identities[count] = UInt32(apid) << 16 | UInt32(word1)
        lengths[count] = UInt32(truncatingIfNeeded: length)
        count += 1
    }

    mutating func grow() {
        let doubled = capacity * 2
        offsets = Self.uninitialized(doubled, copying: offsets.prefix(count))
        identities = Self.uninitialized(doubled, copying: identities.prefix(count))
        lengths = Self.uninitialized(doubled, copying: lengths.prefix(count))
    }

    /// An array of `count` elements whose first rows are `rows` and the rest unwritten memory.
    /// Only for plain integer columns, whose rows past `self.count` are never read.
    private static func uninitialized<T: FixedWidthInteger>(_ count: Int, copying rows: ArraySlice<T>) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            rows.withUnsafeBufferPointer { source in
                if let from = source.baseAddress, source.count > 0 {
                    buffer.baseAddress!.initialize(from: from, count: source.count)
                }
            }
            initialized = count
        }
    }

    /// Drops the unused capacity, leaving exactly `count` rows.
    mutating func trim() {
        offsets.removeSubrange(count...)
        identities.removeSubrange(count...)
        lengths.removeSubrange(count...)
    }

    /// Asks for transparent huge pages over the 2 MiB-aligned interior of a large column: one
    /// fault then maps 2 MiB instead of 4 KiB, which is most of the cost of filling fresh memory.
    private static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        let huge = 2 << 20
        guard let base = buffer.baseAddress, buffer.count >= 2 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        #endif
    }
}
