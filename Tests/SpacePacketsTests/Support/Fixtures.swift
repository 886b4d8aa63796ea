import Foundation
@_exported import ReferenceFixtures
import SpacePackets
import Testing

/// Scans bytes held in an array.
func scan(_ bytes: [UInt8], file: String = "test.bin", rules: ScanRules = ScanRules()) -> PacketIndex {
    bytes.withUnsafeBytes { PacketScanner.scan($0, file: file, rules: rules) }
}

/// Every byte of the input is a packet, an idle packet, skipped or truncated, and packets never
/// overlap: the scan loses nothing and invents nothing.
func checkAccounting(_ index: PacketIndex, sourceLocation: SourceLocation = #_sourceLocation) {
    var spans: [(Int, Int)] = []
    for packets in index.apids {
        for i in 0..<packets.count { spans.append((packets.offsets[i], Int(packets.lengths[i]))) }
    }
    spans.sort { $0.0 < $1.0 }
    var end = 0
    for (offset, length) in spans {
        #expect(offset >= end, "packets overlap at \(offset)", sourceLocation: sourceLocation)
        end = offset + length
    }
    #expect(end <= index.fileSize, sourceLocation: sourceLocation)
    let accounted = index.packetBytes + index.idleBytes + index.skippedBytes + index.truncatedBytes
    #expect(accounted == index.fileSize, "accounted \(accounted) of \(index.fileSize) bytes", sourceLocation: sourceLocation)
}

/// A packet with the given fields and payload.
func packet(apid: UInt16, sequence: UInt16, flags: SequenceFlags = .unsegmented, payload: [UInt8], secondary: Bool = false, version: UInt8 = 0) -> [UInt8] {
    PrimaryHeader(version: version, hasSecondaryHeader: secondary, apid: apid, sequenceFlags: flags, sequenceCount: sequence,
                  dataLength: UInt16(payload.count - 1)).bytes + payload
}
