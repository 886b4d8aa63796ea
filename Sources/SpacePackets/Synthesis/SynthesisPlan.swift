/// What the synthetic Level-0 generator should write: seeded, any size, several APIDs with their
/// own packet lengths, optional secondary-header time, and faults injected on request.
public struct SynthesisPlan: Sendable, Hashable, Codable {
    /// One stream of packets: its APID, whole-packet length range, and share of the packets.
    public struct Stream: Sendable, Hashable, Codable {
        public var apid: UInt16
        public var minimumLength: Int
        public var maximumLength: Int
        public var weight: Int

        public init(apid: UInt16, minimumLength: Int, maximumLength: Int? = nil, weight: Int = 1) {
            self.apid = apid
            self.minimumLength = minimumLength
            self.maximumLength = maximumLength ?? minimumLength
            self.weight = weight
        }
    }

    /// Faults to inject; each count is how many times. Positions are drawn from the seed.
    public struct Faults: Sendable, Hashable, Codable {
        /// Runs of random bytes (first byte never version 0) inserted between packets.
        public var junk = 0
        /// Packets left out (their sequence counts are used up: a gap follows).
        public var drops = 0
        /// Packets written twice in a row.
        public var duplicates = 0
        /// Segmented packets: a logical packet written as first, continuation..., last segments.
        public var segmented = 0
        /// Lone continuation segments with no first (orphans).
        public var orphanSegments = 0
        /// Idle packets (APID 2047) inserted.
        public var idle = 0
        /// Sequence counters start just below 16383 so they wrap to 0 (not a gap).
        public var wrapSequenceCounts = false
        /// The final packet is cut short.
        public var truncateFinalPacket = false

        public init() {}
    }

    public var seed: UInt64
    /// Bytes to write at least (the last packet may go past it).
    public var targetBytes: Int
    public var streams: [Stream]
    /// When set, each packet's secondary header starts with a CUC 4.2 time (seconds from
    /// `startSeconds`, advancing by `cadence` per packet), and the secondary header flag is set.
    public var timeCode: Bool
    public var startSeconds: UInt32
    public var cadence: Double
    public var faults: Faults

    public init(seed: UInt64 = 1, targetBytes: Int, streams: [Stream], timeCode: Bool = false,
                startSeconds: UInt32 = 500_000_000, cadence: Double = 0.0625, faults: Faults = Faults()) {
        self.seed = seed
        self.targetBytes = targetBytes
        self.streams = streams
        self.timeCode = timeCode
        self.startSeconds = startSeconds
        self.cadence = cadence
        self.faults = faults
    }

    /// The default mix: four APIDs with fixed and variable lengths.
    public static func mixed(seed: UInt64, targetBytes: Int) -> SynthesisPlan {
        SynthesisPlan(seed: seed, targetBytes: targetBytes, streams: [
            Stream(apid: 100, minimumLength: 1024, weight: 4),
            Stream(apid: 200, minimumLength: 64, maximumLength: 512, weight: 3),
            Stream(apid: 300, minimumLength: 2048, maximumLength: 8192, weight: 1),
            Stream(apid: 1251, minimumLength: 150, weight: 2),
        ], timeCode: true)
    }
}
