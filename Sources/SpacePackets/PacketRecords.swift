/// The packets found by a scan, in file order, as three growable raw columns. The scan appends
/// one row a packet with no allocation beyond amortised doubling; the index is gathered from it.
///
/// Cost: 16 bytes a packet while the scan runs; freed when the scan ends.
struct PacketRecords: ~Copyable {
    private(set) var offsets: UnsafeMutablePointer<Int>
    /// APID in the high 16 bits, the second header word (flags and sequence count) in the low 16.
    private(set) var identities: UnsafeMutablePointer<UInt32>
    private(set) var lengths: UnsafeMutablePointer<UInt32>
    var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        offsets = .allocate(capacity: self.capacity)
        identities = .allocate(capacity: self.capacity)
        lengths = .allocate(capacity: self.capacity)
    }

    deinit {
        offsets.deallocate()
        identities.deallocate()
        lengths.deallocate()
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
        let newCapacity = capacity * 2
        offsets = Self.reallocate(offsets, count: count, to: newCapacity)
        identities = Self.reallocate(identities, count: count, to: newCapacity)
        lengths = Self.reallocate(lengths, count: count, to: newCapacity)
        capacity = newCapacity
    }

    private static func reallocate<T>(_ old: UnsafeMutablePointer<T>, count: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
        let new = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        new.moveInitialize(from: old, count: count)
        old.deallocate()
        return new
    }
}
