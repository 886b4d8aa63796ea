/// Generates one segment of a file (a range of slots) into a buffer: packets, with the plan's
/// drops, duplicates and junk applied. Specialised per instrument.
///
/// Cost: the packets' own cost plus one copy per duplicate; writes exactly
/// `plan.offset(beforeSlot: upper) - plan.offset(beforeSlot: lower)` bytes.
enum SegmentWriter {
    static func write<Source: PacketSource>(
        _ source: Source, plan: FilePlan, slots: Range<Int>, into buffer: UnsafeMutableRawPointer
    ) -> Int {
        var cursor = 0
        var state = source.makeCursor()
        var faults = plan.entries(in: slots).makeIterator()
        var next = faults.next()
        for slot in slots {
            var dropped = false, duplicate = false
            while let fault = next, fault.slot == slot {
                switch fault.kind {
                case .drop: dropped = true
                case .duplicate: duplicate = true
                case .junk:
                    var random = DemoRandom(source.context.fileSeed, 0x7A4C, UInt64(slot))
                    for i in 0..<fault.junkBytes {
                        // A version field that is never 0: no header can start inside the junk.
                        buffer.storeBytes(of: UInt8(truncatingIfNeeded: random.next()) | 0x20, toByteOffset: cursor + i, as: UInt8.self)
                    }
                    cursor += fault.junkBytes
                }
                next = faults.next()
            }
            if dropped { continue }
            _ = source.fill(slot: slot, at: buffer + cursor, capture: false, cursor: &state)
            cursor += plan.length
            if duplicate {
                (buffer + cursor).copyMemory(from: buffer + cursor - plan.length, byteCount: plan.length)
                cursor += plan.length
            }
        }
        return cursor
    }
}
