/// The result of scanning one Level-0 file: for each APID the offset, length, sequence count and
/// sequence flags of every packet (columns, in file order), plus counts, integrity findings and
/// whole-file statistics. Packet bytes stay in the mapped file; the index holds 15 bytes a packet.
public struct PacketIndex: Sendable, Equatable {
    /// The file as named by the caller.
    public let file: String
    public let fileSize: Int
    /// The packet version number the file's headers carry (0 in standard CCSDS files); nil when
    /// the scan accepted any version (see `PacketVersionRule`).
    public let packetVersion: UInt8?
    /// One entry per APID present (idle packets excluded), in ascending APID order.
    public internal(set) var apids: [APIDPackets]
    /// Every finding, in ascending byte offset.
    public internal(set) var anomalies: AnomalyList
    /// Idle packets (APID 2047): counted, not indexed.
    public internal(set) var idlePackets: Int
    public internal(set) var idleBytes: Int
    /// Bytes skipped between packets (junk), and bytes of a truncated final packet.
    public internal(set) var skippedBytes: Int
    public internal(set) var truncatedBytes: Int

    /// Packets indexed (idle packets excluded).
    public var packetCount: Int { apids.reduce(0) { $0 + $1.count } }
    /// Bytes of indexed packets.
    public var packetBytes: Int { apids.reduce(0) { $0 + $1.bytes } }

    /// The packets of one APID, if any.
    public func packets(apid: UInt16) -> APIDPackets? {
        apids.first { $0.apid == apid }
    }
}

/// The packets of one APID in one file, as columns in file order.
public struct APIDPackets: Sendable, Equatable {
    public let apid: UInt16
    /// Byte offset of each packet's primary header in the file.
    public internal(set) var offsets: [Int]
    /// Whole packet length in bytes (7 + data length field).
    public internal(set) var lengths: [UInt32]
    public internal(set) var sequenceCounts: [UInt16]
    public internal(set) var sequenceFlags: [SequenceFlags]
    /// Bytes of all packets of this APID.
    public internal(set) var bytes: Int
    public internal(set) var minimumLength: Int
    public internal(set) var maximumLength: Int
    /// Number of sequence gaps, and packets missing in them.
    public internal(set) var gaps: Int
    public internal(set) var missingPackets: Int
    public internal(set) var duplicates: Int
    /// Segmented packets reassembled: one entry per whole logical packet, unsegmented packets
    /// being logical packets of one segment; orphan segments are left out (and reported). Nil
    /// when no packet of this APID is a segment: then every packet is its own logical packet.
    public internal(set) var logicalPackets: [LogicalPacket]?

    public var count: Int { offsets.count }
    /// Whole logical packets: packets once segments are reassembled.
    public var logicalPacketCount: Int { logicalPackets?.count ?? offsets.count }
}

/// A whole user data unit: `segmentCount` consecutive packets of one APID starting at packet
/// `firstPacket` (an index into the APID's columns).
public struct LogicalPacket: Sendable, Hashable {
    public var firstPacket: Int
    public var segmentCount: Int

    public init(firstPacket: Int, segmentCount: Int) {
        self.firstPacket = firstPacket
        self.segmentCount = segmentCount
    }
}
