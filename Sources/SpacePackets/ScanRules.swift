/// The rules that decide whether the bytes at an offset are a packet, and so how the scan
/// resynchronises after junk.
///
/// A header is plausible when its version is the file's packet version (see `PacketVersionRule`),
/// its length is at most `maximumPacketLength`, and,
/// when `knownAPIDs` is given, its APID is known (idle packets, APID 2047, always are). A header
/// is *confirmed* when it starts a chain of plausible headers, each packet ending exactly where the
/// next begins, `confirmationDepth` long (or reaching the end of the file exactly). Without a known
/// APID set, an APID not yet seen in the file must chain `newAPIDConfirmationDepth` deep before it
/// is believed: random bytes have version 0 one time in eight, so short chains of them are common.
public struct ScanRules: Sendable, Hashable {
    public var knownAPIDs: Set<UInt16>?
    public var packetVersion: PacketVersionRule
    public var maximumPacketLength: Int
    public var confirmationDepth: Int
    public var newAPIDConfirmationDepth: Int

    public init(
        knownAPIDs: Set<UInt16>? = nil,
        packetVersion: PacketVersionRule = .automatic,
        maximumPacketLength: Int = PrimaryHeader.maximumPacketLength,
        confirmationDepth: Int = 3,
        newAPIDConfirmationDepth: Int = 6
    ) {
        self.knownAPIDs = knownAPIDs
        self.packetVersion = packetVersion
        self.maximumPacketLength = min(max(maximumPacketLength, 7), PrimaryHeader.maximumPacketLength)
        self.confirmationDepth = max(confirmationDepth, 1)
        self.newAPIDConfirmationDepth = max(newAPIDConfirmationDepth, confirmationDepth, 1)
    }
}

/// Which packet version numbers a header may carry.
///
/// CCSDS packets carry version 0, but ground-test files exist whose headers carry another version,
/// or random bits there (IMAP-Hi's 2023 test files randomise version, sequence flags and counts).
/// `automatic` takes, in turn, 0, the first header's version, and any version, keeping the first
/// under which the file starts with a confirmed chain of headers; 0 when none does.
public enum PacketVersionRule: Sendable, Hashable {
    case automatic
    case exactly(UInt8)
    case any
}
