/// Where everything goes in one L0 file: its packet slots, the injected faults, and so the byte
/// offset of every packet before any is generated. Every packet of an instrument has the same
/// length, so offsets are sums; that is what lets segments of one file be generated in parallel
/// and written in place.
///
/// Cost: a few entries per fault; offsets are a short scan over the faults.
struct FilePlan: Sendable {
    enum Kind: Sendable { case drop, duplicate, junk }

    /// One fault at one slot. A drop run of m packets is m entries (one per slot), so that a run
    /// may straddle two segments.
    struct Entry: Sendable {
        var slot: Int
        var kind: Kind
        /// Junk bytes; 0 otherwise.
        var junkBytes = 0
    }

    let instrument: DemoInstrument
    let slots: Int
    let length: Int
    /// Sorted by slot.
    let entries: [Entry]
    /// Drop runs (first slot, packets), for the truth.
    let dropRuns: [(slot: Int, count: Int)]

    init(instrument: DemoInstrument, slots: Int, faults: DemoFaults, random: inout DemoRandom) {
        self.instrument = instrument
        self.slots = slots
        length = instrument.packetLength
        var taken: [Int] = []
        /// A slot at least 6 slots from every fault so far, away from the file's ends; nil when
        /// the file is too short to hold another.
        func place() -> Int? {
            let margin = 8
            guard slots > 2 * margin + 4 else { return nil }
            for _ in 0..<200 {
                let slot = random.integer(margin..<(slots - margin - 2))
                if taken.allSatisfy({ abs($0 - slot) >= 6 }) {
                    taken.append(slot)
                    return slot
                }
            }
            return nil
        }
        var entries: [Entry] = []
        var runs: [(slot: Int, count: Int)] = []
        for _ in 0..<faults.drops {
            guard let slot = place() else { break }
            let count = 1 + random.integer(0..<2)
            runs.append((slot, count))
            for s in slot..<(slot + count) { entries.append(Entry(slot: s, kind: .drop)) }
        }
        for _ in 0..<faults.duplicates {
            guard let slot = place() else { break }
            entries.append(Entry(slot: slot, kind: .duplicate))
        }
        for _ in 0..<faults.junk {
            guard let slot = place() else { break }
            entries.append(Entry(slot: slot, kind: .junk, junkBytes: random.integer(16..<201)))
        }
        self.entries = entries.sorted { $0.slot < $1.slot }
        dropRuns = runs.sorted { $0.slot < $1.slot }
    }

    func bytesAdded(by entry: Entry) -> Int {
        switch entry.kind {
        case .drop: -length
        case .duplicate: length
        case .junk: entry.junkBytes
        }
    }

    /// Byte offset where slot `slot`'s part of the file starts (its junk, if any, comes first).
    func offset(beforeSlot slot: Int) -> Int {
        var offset = slot * length
        for entry in entries where entry.slot < slot { offset += bytesAdded(by: entry) }
        return offset
    }

    /// Byte offset of slot `slot`'s packet (the first copy when duplicated).
    func packetOffset(_ slot: Int) -> Int {
        offset(beforeSlot: slot) + (entries.first { $0.slot == slot && $0.kind == .junk }?.junkBytes ?? 0)
    }

    var totalBytes: Int { offset(beforeSlot: slots) }

    func isDropped(_ slot: Int) -> Bool { entries.contains { $0.slot == slot && $0.kind == .drop } }

    /// Packets in the file.
    var packetCount: Int {
        slots + entries.reduce(0) { $0 + ($1.kind == .drop ? -1 : $1.kind == .duplicate ? 1 : 0) }
    }

    /// Entries with slots in `range`, in slot order.
    func entries(in range: Range<Int>) -> ArraySlice<Entry> {
        let start = entries.firstIndex { $0.slot >= range.lowerBound } ?? entries.endIndex
        let end = entries[start...].firstIndex { $0.slot >= range.upperBound } ?? entries.endIndex
        return entries[start..<end]
    }
}
