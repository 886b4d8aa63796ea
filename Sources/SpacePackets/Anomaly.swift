/// Something wrong found in a Level-0 file: where (file and byte offset), which APID when known,
/// and what. Anomalies are findings, not errors: the scan goes on and every intact packet is kept.
public struct Anomaly: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Sequence counts of one APID jumped: `expectedSequenceCount` was due, `sequenceCount`
        /// came, `missingPackets` were lost (modulo 16384).
        case sequenceGap
        /// A packet carries the same sequence count as the APID's previous packet.
        case duplicatePacket
        /// The file ends inside a packet (or inside a header); `length` bytes of it are present.
        case truncatedPacket
        /// Bytes that belong to no plausible packet, skipped until the next confirmed header.
        case skippedBytes
        /// Segments (sequence flags first / continuation / last) that do not form a whole
        /// segmented packet: a continuation or last without a first, a first never closed, or a
        /// group broken by a sequence gap. `length` is the number of segments in the orphan run.
        case orphanSegment
    }

    public var kind: Kind
    public var file: String
    /// Byte offset in `file` where the finding starts.
    public var offset: Int
    public var apid: UInt16?
    /// Bytes skipped or present (skippedBytes, truncatedPacket) or segments (orphanSegment).
    public var length: Int?
    public var sequenceCount: UInt16?
    public var expectedSequenceCount: UInt16?
    public var missingPackets: Int?

    public init(
        kind: Kind, file: String, offset: Int, apid: UInt16? = nil, length: Int? = nil,
        sequenceCount: UInt16? = nil, expectedSequenceCount: UInt16? = nil, missingPackets: Int? = nil
    ) {
        self.kind = kind
        self.file = file
        self.offset = offset
        self.apid = apid
        self.length = length
        self.sequenceCount = sequenceCount
        self.expectedSequenceCount = expectedSequenceCount
        self.missingPackets = missingPackets
    }

    public var description: String {
        var text = "\(file): byte \(offset): "
        if let apid { text += "APID \(apid): " }
        switch kind {
        case .sequenceGap:
            text += "sequence gap: expected \(expectedSequenceCount ?? 0), found \(sequenceCount ?? 0)"
            text += " (\(missingPackets ?? 0) missing)"
        case .duplicatePacket:
            text += "duplicate sequence count \(sequenceCount ?? 0)"
        case .truncatedPacket:
            text += "truncated packet: file ends after \(length ?? 0) bytes of it"
        case .skippedBytes:
            text += "skipped \(length ?? 0) bytes that are not a plausible packet"
        case .orphanSegment:
            text += "\(length ?? 0) orphan segment(s) that form no whole segmented packet"
        }
        return text
    }
}
