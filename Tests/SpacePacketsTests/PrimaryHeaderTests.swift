import SpacePackets
import Testing

@Suite struct PrimaryHeaderTests {
    @Test func fieldsFromHandComputedBytes() {
        // 0x0D 0x9C: version 0, type 0, secondary header 1, APID 0x59C = 1436.
        // 0xC0 0x2A: flags 3 (unsegmented), count 42. 0x00 0x63: data length 99 -> packet 106 bytes.
        let bytes: [UInt8] = [0x0D, 0x9C, 0xC0, 0x2A, 0x00, 0x63]
        let header = bytes.withUnsafeBytes { PrimaryHeader($0, at: 0)! }
        #expect(header.version == 0)
        #expect(header.type == .telemetry)
        #expect(header.hasSecondaryHeader)
        #expect(header.apid == 1436)
        #expect(header.sequenceFlags == .unsegmented)
        #expect(header.sequenceCount == 42)
        #expect(header.dataLength == 99)
        #expect(header.packetLength == 106)
    }

    @Test func everyBitOfEveryField() {
        // 0xFF 0xFF 0x7F 0xFF 0xFF 0xFF: version 7, telecommand, secondary, APID 2047, flags 1, count 16383.
        let bytes: [UInt8] = [0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF]
        let header = bytes.withUnsafeBytes { PrimaryHeader($0, at: 0)! }
        #expect(header.version == 7)
        #expect(header.type == .telecommand)
        #expect(header.apid == 2047)
        #expect(header.sequenceFlags == .first)
        #expect(header.sequenceCount == 16383)
        #expect(header.packetLength == 65542)
    }

    @Test func roundTripThroughFields() {
        let header = PrimaryHeader(version: 1, type: .telecommand, hasSecondaryHeader: false, apid: 0x2F2,
                                   sequenceFlags: .last, sequenceCount: 0x1234, dataLength: 7)
        #expect(header.bytes == [0x32, 0xF2, 0x92, 0x34, 0x00, 0x07])
    }

    @Test func shortBufferHasNoHeader() {
        let bytes: [UInt8] = [0, 1, 2, 3, 4]
        #expect(bytes.withUnsafeBytes { PrimaryHeader($0, at: 0) } == nil)
        #expect(bytes.withUnsafeBytes { PrimaryHeader($0, at: -1) } == nil)
    }
}
