/// The 6-byte CCSDS space packet primary header (CCSDS 133.0-B-2 §4.1.3), held as its three
/// big-endian 16-bit words; every field is a shift and a mask away.
///
/// Cost: two unaligned loads to read; nothing is allocated.
public struct PrimaryHeader: Sendable, Hashable {
    public static let byteCount = 6
    /// APID of idle packets, which carry no data and are counted and skipped.
    public static let idleAPID: UInt16 = 2047
    /// The largest packet the 16-bit length field can describe: 6 + 65536 bytes.
    public static let maximumPacketLength = 65542

    public var word0: UInt16
    public var word1: UInt16
    public var word2: UInt16

    @inlinable
    public init(word0: UInt16, word1: UInt16, word2: UInt16) {
        self.word0 = word0
        self.word1 = word1
        self.word2 = word2
    }

    /// Reads a header at `offset`; the caller guarantees `offset + 6 <= bytes.count`.
    @inlinable
    public init(unchecked bytes: UnsafeRawBufferPointer, at offset: Int) {
        let first = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).bigEndian
        word0 = UInt16(truncatingIfNeeded: first >> 16)
        word1 = UInt16(truncatingIfNeeded: first)
        word2 = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self).bigEndian
    }

    /// Reads a header at `offset`, or nil when fewer than 6 bytes remain.
    @inlinable
    public init?(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        guard offset >= 0, offset <= bytes.count - Self.byteCount else { return nil }
        self.init(unchecked: bytes, at: offset)
    }

    /// Builds a header from its fields; `dataLength` is the packet length minus 7.
    public init(
        version: UInt8 = 0, type: PacketType = .telemetry, hasSecondaryHeader: Bool, apid: UInt16,
        sequenceFlags: SequenceFlags = .unsegmented, sequenceCount: UInt16, dataLength: UInt16
    ) {
        word0 = UInt16(version & 7) << 13 | UInt16(type.rawValue) << 12
            | (hasSecondaryHeader ? 0x0800 : 0) | (apid & 0x07FF)
        word1 = UInt16(sequenceFlags.rawValue) << 14 | (sequenceCount & 0x3FFF)
        word2 = dataLength
    }

    @inlinable public var version: UInt8 { UInt8(truncatingIfNeeded: word0 >> 13) }
    @inlinable public var type: PacketType { (word0 & 0x1000) == 0 ? .telemetry : .telecommand }
    @inlinable public var hasSecondaryHeader: Bool { (word0 & 0x0800) != 0 }
    @inlinable public var apid: UInt16 { word0 & 0x07FF }
    @inlinable public var sequenceFlags: SequenceFlags { SequenceFlags(rawValue: UInt8(truncatingIfNeeded: word1 >> 14))! }
    @inlinable public var sequenceCount: UInt16 { word1 & 0x3FFF }
    /// The packet data length field: number of bytes after the primary header, minus one.
    @inlinable public var dataLength: UInt16 { word2 }
    /// Length of the whole packet, primary header included: 7 + data length field.
    @inlinable public var packetLength: Int { Int(word2) + 7 }

    /// The header's 6 bytes, big-endian.
    public var bytes: [UInt8] {
        [UInt8(word0 >> 8), UInt8(word0 & 0xFF), UInt8(word1 >> 8), UInt8(word1 & 0xFF),
         UInt8(word2 >> 8), UInt8(word2 & 0xFF)]
    }
}

/// Packet type bit of the primary header.
public enum PacketType: UInt8, Sendable, Codable {
    case telemetry = 0
    case telecommand = 1
}

/// Sequence flags: where a packet stands in a segmented user data unit. The cases are declared in
/// raw-value order on purpose: the scanner stores the two flag bits straight into this type.
public enum SequenceFlags: UInt8, Sendable, Codable, CaseIterable {
    case continuation = 0
    case first = 1
    case last = 2
    case unsegmented = 3
}
