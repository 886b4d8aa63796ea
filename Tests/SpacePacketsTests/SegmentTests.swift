import SpacePackets
import Testing

@Suite struct SegmentTests {
    @Test func userDataOfASegmentedPacketIsReassembled() {
        let bytes = packet(apid: 50, sequence: 10, flags: .first, payload: [1, 2, 3])
            + packet(apid: 50, sequence: 11, flags: .continuation, payload: [4, 5])
            + packet(apid: 51, sequence: 0, payload: [0xEE])
            + packet(apid: 50, sequence: 12, flags: .last, payload: [6])
            + packet(apid: 50, sequence: 13, payload: [7, 8])
        let index = scan(bytes)
        #expect(index.anomalies.isEmpty)
        let apid50 = index.packets(apid: 50)!
        #expect(apid50.count == 4)
        #expect(apid50.logicalPackets == [LogicalPacket(firstPacket: 0, segmentCount: 3), LogicalPacket(firstPacket: 3, segmentCount: 1)])
        let data = bytes.withUnsafeBytes { SegmentAssembler.data(of: apid50.logicalPackets![0], in: apid50, bytes: $0) }
        #expect(data == Array(bytes[0..<9]) + [4, 5, 6])
        #expect(index.packets(apid: 51)?.logicalPackets == nil)
    }

    @Test func continuationHeaderBytesAreSkipped() {
        let bytes = packet(apid: 50, sequence: 0, flags: .first, payload: [0xAA, 1])
            + packet(apid: 50, sequence: 1, flags: .last, payload: [0xAA, 2, 3])
        let index = scan(bytes)
        let apid50 = index.packets(apid: 50)!
        let data = bytes.withUnsafeBytes { SegmentAssembler.data(of: apid50.logicalPackets![0], in: apid50, bytes: $0, continuationHeaderLength: 1) }
        #expect(data == Array(bytes[0..<8]) + [2, 3])
    }

    @Test func brokenGroupsAreOrphans() {
        // first, (gap), last: one orphan run of two segments, not a glued packet.
        let bytes = packet(apid: 8, sequence: 0, flags: .first, payload: [1])
            + packet(apid: 8, sequence: 2, flags: .last, payload: [2])
            + packet(apid: 8, sequence: 3, flags: .continuation, payload: [3])
            + packet(apid: 8, sequence: 4, flags: .unsegmented, payload: [4])
            + packet(apid: 8, sequence: 5, flags: .first, payload: [5])
        let index = scan(bytes)
        let apid8 = index.packets(apid: 8)!
        #expect(apid8.logicalPackets == [LogicalPacket(firstPacket: 3, segmentCount: 1)])
        #expect(index.anomalies == [
            Anomaly(kind: .orphanSegment, file: "test.bin", offset: 0, apid: 8, length: 3, sequenceCount: 0),
            Anomaly(kind: .sequenceGap, file: "test.bin", offset: 7, apid: 8, sequenceCount: 2, expectedSequenceCount: 1, missingPackets: 1),
            Anomaly(kind: .orphanSegment, file: "test.bin", offset: 28, apid: 8, length: 1, sequenceCount: 5),
        ])
    }
}
