/// The findings of one or more scans, in file order, as a collection of `Anomaly`.
///
/// Why not an array: a damaged or concatenated day file can hold hundreds of thousands of
/// sequence gaps (the CYGNSS sample replicated 3400 times has 54,393). As `Anomaly` values they
/// take 80 bytes and a reference to the file name each, which made building and freeing the list
/// a tenth of a whole scan. Here the walk's sequence breaks stay as it recorded them (16 bytes
/// each, no reference) and become `Anomaly` values only when read; the few other findings are
/// kept whole, each with its position among the breaks.
///
/// Cost: reading element i is a binary search over the lists joined (usually one) and over the
/// other findings of its scan (usually none), plus making one `Anomaly`. Concatenating lists copies
/// no findings.
public struct AnomalyList: RandomAccessCollection, Sendable, Hashable, Codable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// One scan's findings: `breaks` in file order, and `others` at `positions` (ascending) of
    /// the merged list; element i is `others[j]` where `positions[j] == i`, else
    /// `breaks[i - (number of positions below i)]`.
    fileprivate struct Part: Sendable {
        var file: String
        var breaks: SequenceBreakStore
        var others: [Anomaly]
        var positions: [Int]
        var count: Int { breaks.count + others.count }

        subscript(i: Int) -> Anomaly {
            if positions.isEmpty { return breaks[i].anomaly(in: file) }
            var low = 0
            var high = positions.count
            while low < high {
                let middle = (low + high) / 2
                if positions[middle] < i { low = middle + 1 } else { high = middle }
            }
            if low < positions.count, positions[low] == i { return others[low] }
            return breaks[i - low].anomaly(in: file)
        }
    }

    private var parts: [Part]
    /// The index just past each part: `ends[k]` is the count of parts 0...k.
    private var ends: [Int]

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.last ?? 0 }

    public subscript(i: Int) -> Anomaly {
        precondition(i >= 0 && i < endIndex, "anomaly index \(i) out of range 0..<\(endIndex)")
        if parts.count == 1 { return parts[0][i] }
        // The first part that ends past i (a day's summary can join hundreds of files).
        var low = 0
        var high = ends.count - 1
        while low < high {
            let middle = (low + high) / 2
            if ends[middle] <= i { low = middle + 1 } else { high = middle }
        }
        return parts[low][i - (low == 0 ? 0 : ends[low - 1])]
    }

    /// Findings already made: kept as they are, in the order given.
    public init(_ anomalies: [Anomaly]) {
        parts = []
        ends = []
        append(Part(file: "", breaks: SequenceBreakStore(), others: anomalies, positions: Array(anomalies.indices)))
    }

    public init(arrayLiteral anomalies: Anomaly...) {
        self.init(anomalies)
    }

    /// Several lists one after the other.
    public init<S: Sequence>(concatenating lists: S) where S.Element == AnomalyList {
        parts = []
        ends = []
        for list in lists { for part in list.parts { append(part) } }
    }

    /// A walk's findings: its sequence breaks, and the others each with the number of breaks
    /// recorded before it (the walk's `otherAnomalies`), both in file order; then `later`
    /// findings (orphan segments, found per APID after the walk) in any order, sorted in by
    /// (offset, kind).
    init(file: String, breaks: [SequenceBreak], others: [(breaksBefore: Int, anomaly: Anomaly)], later: [Anomaly] = []) {
        self.init(file: file, breaks: SequenceBreakStore(breaks), others: others, later: later)
    }

    /// The same, taking the walk's own store of breaks (no longer appended to).
    init(file: String, breaks: SequenceBreakStore, others: [(breaksBefore: Int, anomaly: Anomaly)], later: [Anomaly] = []) {
        var placed = others
        if !later.isEmpty {
            for anomaly in later {
                placed.append((Self.breaks(breaks, before: anomaly), anomaly))
            }
            placed.sort { ($0.breaksBefore, $0.anomaly.offset, $0.anomaly.kind.rawValue) < ($1.breaksBefore, $1.anomaly.offset, $1.anomaly.kind.rawValue) }
        }
        parts = []
        ends = []
        append(Part(file: file, breaks: breaks, others: placed.map(\.anomaly),
                    positions: placed.enumerated().map { $0.element.breaksBefore + $0.offset }))
    }

    /// How many of `breaks` (in ascending offset) sort before `anomaly` by (offset, kind).
    private static func breaks(_ breaks: SequenceBreakStore, before anomaly: Anomaly) -> Int {
        var low = 0
        var high = breaks.count
        while low < high {
            let middle = (low + high) / 2
            let b = breaks[middle]
            if (b.offset, b.kind.rawValue) < (anomaly.offset, anomaly.kind.rawValue) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private mutating func append(_ part: Part) {
        guard part.count > 0 else { return }
        ends.append(endIndex + part.count)
        parts.append(part)
    }

    /// The findings other than sequence gaps and duplicates (junk, truncation, orphan segments),
    /// without making the breaks into `Anomaly` values.
    public var exceptSequenceBreaks: [Anomaly] {
        parts.flatMap { $0.others.filter { $0.kind != .sequenceGap && $0.kind != .duplicatePacket } }
    }

    public static func == (a: AnomalyList, b: AnomalyList) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for anomaly in self { hasher.combine(anomaly) }
    }

    public init(from decoder: Decoder) throws {
        self.init(try [Anomaly](from: decoder))
    }

    public func encode(to encoder: Encoder) throws {
        try Array(self).encode(to: encoder)
    }

    public var description: String { Array(self).description }
}
