/// How the demo generator writes a day: the seed, the size, and the faults to inject.
public struct DemoOptions: Sendable, Hashable, Codable {
    /// Same seed, same bytes, on every machine.
    public var seed: UInt64
    /// Bytes to write for a day, all instruments together; the mag packet rate scales to reach it
    /// (spec and hk keep their nominal rates). Nil: the nominal rates (about 12.9 MB a day).
    /// Above one mag packet a second the packets say MODE BURST and their times step in fractions
    /// of a second (SHFINE); each holds 16 vectors spread evenly over the time to the next packet
    /// (the sensor samples faster in burst), so vectors never overlap in time. Below it, packets are
    /// sparser (NORMAL) and keep 1/16 s between vectors. At most `maximumBytesPerDay`.
    public var bytesPerDay: Int?
    public var faults: DemoFaults
    public var instruments: [DemoInstrument]

    public init(seed: UInt64 = 1, bytesPerDay: Int? = nil, faults: DemoFaults = .occasional,
                instruments: [DemoInstrument] = DemoInstrument.allCases) {
        self.seed = seed
        self.bytesPerDay = bytesPerDay
        self.faults = faults
        self.instruments = instruments
    }

    /// Mag packets in a day for these options: nominal (86400) without `bytesPerDay`, else what
    /// fills the bytes left after spec and hk (at least one packet).
    public var magPacketsPerDay: Int {
        guard let bytesPerDay else { return DemoInstrument.mag.nominalPacketsPerDay }
        let others = [DemoInstrument.spec, .hk].reduce(0) { $0 + $1.nominalPacketsPerDay * $1.packetLength }
        return max(1, (bytesPerDay - others) / DemoInstrument.mag.packetLength)
    }

    /// The largest day: slot times are computed as slot * 86400 * 65536 / slots in 64 bits.
    public static let maximumBytesPerDay = 400_000_000_000

    func packetsPerDay(_ instrument: DemoInstrument) -> Int {
        instrument == .mag ? magPacketsPerDay : instrument.nominalPacketsPerDay
    }
}

/// Faults injected into every file, positions drawn from the seed: each one becomes an anomaly a
/// correct scan reports, and is listed in the ground truth with its byte offset.
public struct DemoFaults: Sendable, Hashable, Codable {
    /// Runs of 1 or 2 packets left out; their sequence counts are used up, so a gap follows.
    public var drops: Int
    /// Packets written twice in a row (same bytes, same sequence count).
    public var duplicates: Int
    /// Corrupt byte ranges: 16..200 bytes of garbage inserted between two packets. Every garbage
    /// byte has a non-zero version field, so no packet header can start inside the range.
    public var junk: Int

    public init(drops: Int = 0, duplicates: Int = 0, junk: Int = 0) {
        self.drops = drops
        self.duplicates = duplicates
        self.junk = junk
    }

    public static let none = DemoFaults()
    /// The default: three drops, two duplicates and one corrupt range per file.
    public static let occasional = DemoFaults(drops: 3, duplicates: 2, junk: 1)

    /// Parses `none`, `occasional`, or `drops=N,duplicates=N,junk=N` (any subset, others 0).
    public init?(parsing text: String) {
        switch text {
        case "none": self = .none
        case "occasional": self = .occasional
        default:
            self.init()
            for item in text.split(separator: ",") {
                let pair = item.split(separator: "=")
                guard pair.count == 2, let count = Int(pair[1]), count >= 0 else { return nil }
                switch pair[0] {
                case "drops": drops = count
                case "duplicates": duplicates = count
                case "junk": junk = count
                default: return nil
                }
            }
        }
    }
}

/// Why the demo generator could not write.
public enum DemoError: Error, Sendable, Hashable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case invalidOptions(reason: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): "\(path): cannot write: \(reason)"
        case let .invalidOptions(reason): "demo generator: \(reason)"
        }
    }
}
