/// What every instrument's packet writer knows about its file: the slots of the day (packet k is
/// at k * 86400 / slots seconds after midnight), the sequence counts, the random streams, the
/// day's timeline.
///
/// Cost: a few words and a `DaySchedule`; copied into each segment task.
struct SlotContext: Sendable {
    let instrument: DemoInstrument
    let midnightMET: Int64
    let slots: Int
    let firstSequenceCount: UInt16
    /// Seed of this file's streams (seed, day, APID mixed).
    let fileSeed: UInt64
    let schedule: DaySchedule

    /// Time of slot k after midnight in 1/65536 s (exact integer arithmetic: no drift over the day).
    @inline(__always) func fineTime(_ slot: Int) -> UInt64 { UInt64(slot) &* (86400 * 65536) / UInt64(slots) }

    /// Writes the primary and secondary headers of slot k; returns (SHCOARSE, SHFINE, seconds of the day).
    @inline(__always)
    func writeHeaders(slot: Int, at p: UnsafeMutableRawPointer) -> (coarse: UInt32, fine: UInt16, second: Double) {
        let fine = fineTime(slot)
        let coarse = UInt32(truncatingIfNeeded: midnightMET + Int64(fine >> 16))
        let shfine = UInt16(truncatingIfNeeded: fine)
        let sequence = sequenceCount(slot)
        p.storeBytes(of: (0x0800 | instrument.apid).bigEndian, toByteOffset: 0, as: UInt16.self)
        p.storeBytes(of: (0xC000 | sequence).bigEndian, toByteOffset: 2, as: UInt16.self)
        p.storeBytes(of: UInt16(instrument.packetLength - 7).bigEndian, toByteOffset: 4, as: UInt16.self)
        p.storeBytes(of: coarse.bigEndian, toByteOffset: 6, as: UInt32.self)
        p.storeBytes(of: shfine.bigEndian, toByteOffset: 10, as: UInt16.self)
        return (coarse, shfine, Double(fine) * (1.0 / 65536))
    }

    @inline(__always) func sequenceCount(_ slot: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: (Int(firstSequenceCount) + slot) & 0x3FFF)
    }

    /// The random stream of slot k.
    @inline(__always) func random(_ slot: Int) -> DemoRandom { DemoRandom(fileSeed, UInt64(slot)) }

    func sample(slot: Int, offset: Int, coarse: UInt32, fine: UInt16) -> DemoSample {
        DemoSample(slot: slot, offset: offset, sequenceCount: sequenceCount(slot), shcoarse: coarse, shfine: fine)
    }
}

/// One instrument's packet writer: packet k of the day, header included, written in place.
/// Generic code over it is specialised per instrument (no existential in the loop).
protocol PacketSource: Sendable {
    /// What a writer carries from one slot to the next within a segment (e.g. phasors); the
    /// values must not depend on it: a slot written alone is bit-identical to one written in a run.
    associatedtype Cursor
    var context: SlotContext { get }
    func makeCursor() -> Cursor
    /// Writes slot `slot`'s packet (`context.instrument.packetLength` bytes) at `p`. With `capture`,
    /// also returns its values (allocates: for the few sample packets only); else nil.
    func fill(slot: Int, at p: UnsafeMutableRawPointer, capture: Bool, cursor: inout Cursor) -> DemoSample?
}

extension PacketSource {
    /// A lone packet (a sample).
    func fill(slot: Int, at p: UnsafeMutableRawPointer, capture: Bool) -> DemoSample? {
        var cursor = makeCursor()
        return fill(slot: slot, at: p, capture: capture, cursor: &cursor)
    }
}

extension PacketSource where Cursor == Void {
    func makeCursor() {}
}
