import SpacePackets

/// The ground truth of one generated day: what was written where, the faults injected, the
/// anomalies a correct scan must report, and the exact values of a few sample packets. Written as
/// JSON next to the files (`demo_l0_truth_<YYYYMMDD>.json`).
public struct DemoDayTruth: Sendable, Hashable, Codable {
    public var day: DemoDate
    public var seed: UInt64
    /// MET (s) of the day's midnight: 86400 * days since 2010-01-01 (UTC seconds, no leap seconds).
    public var metAtMidnight: Int64
    public var files: [DemoFileTruth]

    public func file(_ instrument: DemoInstrument) -> DemoFileTruth? { files.first { $0.instrument == instrument } }

    /// `demo_l0_truth_<YYYYMMDD>.json`.
    public static func fileName(for day: DemoDate) -> String { "demo_l0_truth_\(day.compact).json" }
}

/// The ground truth of one L0 file.
public struct DemoFileTruth: Sendable, Hashable, Codable {
    public var instrument: DemoInstrument
    public var apid: UInt16
    public var container: String
    /// File name (no folder).
    public var file: String
    public var bytes: Int
    /// Packets in the file (duplicates included, drops excluded).
    public var packets: Int
    /// Packet slots of the day (the packet rate times the day); drops leave slots empty.
    public var slots: Int
    public var packetLength: Int
    /// Sequence count of slot 0; slot k carries (firstSequenceCount + k) mod 16384.
    public var firstSequenceCount: UInt16
    public var faults: [DemoFault]
    /// What a scan must report, in offset order (`file` is the file name).
    public var expectedAnomalies: [Anomaly]
    public var samples: [DemoSample]
}

/// One injected fault.
public struct DemoFault: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case drop, duplicate, junk }
    public var kind: Kind
    /// The packet slot: dropped (first of the run), duplicated, or the one the junk precedes.
    public var slot: Int
    /// Byte offset: where the packet after the dropped run starts, where the duplicate copy starts,
    /// where the junk starts.
    public var offset: Int
    /// Packets dropped (drop), bytes of junk (junk), 1 (duplicate).
    public var length: Int
    /// Sequence count of the dropped (first), duplicated or following packet.
    public var sequenceCount: UInt16
}

/// The exact values of one packet as written, for tests to compare decoded values with.
public struct DemoSample: Sendable, Hashable, Codable {
    public var slot: Int
    /// Byte offset of the packet (its first copy when duplicated).
    public var offset: Int
    public var sequenceCount: UInt16
    public var shcoarse: UInt32
    public var shfine: UInt16
    public var mag: MagSample?
    public var spec: SpecSample?
    public var hk: HKSample?
}

public struct MagSample: Sendable, Hashable, Codable {
    public var mode: UInt8
    public var range: UInt8
    public var vectorCount: UInt8
    /// 16 vectors x (x, y, z) counts, as packed.
    public var counts: [[Int32]]
    /// The field the counts quantise, in nT (model field plus noise, before the offsets): a decoder
    /// computing counts * nT_per_count[RANGE] - offset lands within half a count of it.
    public var field: [[Double]]
}

public struct SpecSample: Sendable, Hashable, Codable {
    public var mode: UInt8
    public var sweep: UInt16
    public var accumulationMilliseconds: UInt16
    /// The 32 codes as packed.
    public var codes: [UInt8]
    /// The counts measured before compression (the code's table value is the nearest one).
    public var counts: [UInt32]
}

public struct HKSample: Sendable, Hashable, Codable {
    public var mode: UInt8
    public var magTemp: UInt16
    public var specTemp: UInt16
    public var busVoltage: UInt16
    public var busCurrent: UInt16
    public var hvState: UInt8
    public var spare: UInt8
    /// Model values before quantisation: degC, degC, V, A.
    public var magTempCelsius: Double
    public var specTempCelsius: Double
    public var volts: Double
    public var amperes: Double
}
