/// Reassembles segmented packets of one APID (sequence flags first, continuation..., last) into
/// logical packets, and reports every segment that belongs to no whole one.
///
/// A group is whole when it starts with a first segment, continues with consecutive sequence
/// counts, and ends with a last segment. A continuation or last with no open group, a group cut
/// by a new first or an unsegmented packet or the end of the file, and a group broken by a
/// sequence gap are orphans: reported as runs of adjacent orphan segments, never glued together.
///
/// Cost: one pass over the APID's flags; 16 bytes a logical packet.
public enum SegmentAssembler {
    struct Result {
        var logicalPackets: [LogicalPacket]
        var orphans: [Anomaly]
    }

    static func assemble(_ packets: APIDPackets, file: String) -> Result {
        var logical: [LogicalPacket] = []
        var orphans: [Anomaly] = []
        var orphanRun: Range<Int>? = nil
        var open: Int? = nil
        let flags = packets.sequenceFlags
        let counts = packets.sequenceCounts

        func flush() {
            guard let run = orphanRun else { return }
            orphans.append(Anomaly(
                kind: .orphanSegment, file: file, offset: packets.offsets[run.lowerBound], apid: packets.apid,
                length: run.count, sequenceCount: counts[run.lowerBound]))
            orphanRun = nil
        }
        func orphan(_ range: Range<Int>) {
            if let run = orphanRun, run.upperBound == range.lowerBound {
                orphanRun = run.lowerBound..<range.upperBound
            } else {
                flush()
                orphanRun = range
            }
        }

        for i in flags.indices {
            let flag = flags[i]
            if let groupStart = open, flag == .continuation || flag == .last {
                if counts[i] != (counts[i - 1] &+ 1) & 0x3FFF {
                    orphan(groupStart..<(i + 1))
                    open = nil
                } else if flag == .last {
                    flush()
                    logical.append(LogicalPacket(firstPacket: groupStart, segmentCount: i - groupStart + 1))
                    open = nil
                }
                continue
            }
            if let groupStart = open {
                orphan(groupStart..<i)
                open = nil
            }
            switch flag {
            case .unsegmented:
                flush()
                logical.append(LogicalPacket(firstPacket: i, segmentCount: 1))
            case .first:
                open = i
            case .continuation, .last:
                orphan(i..<(i + 1))
            }
        }
        if let groupStart = open { orphan(groupStart..<flags.count) }
        flush()
        return Result(logicalPackets: logical, orphans: orphans)
    }

    /// The user data of a logical packet: the first segment whole (primary header included),
    /// then the data field of each further segment after skipping its primary header and
    /// `continuationHeaderLength` more bytes (a secondary header repeated in every segment).
    public static func data(
        of packet: LogicalPacket, in packets: APIDPackets, bytes: UnsafeRawBufferPointer,
        continuationHeaderLength: Int = 0
    ) -> [UInt8] {
        var result: [UInt8] = []
        for segment in packet.firstPacket..<(packet.firstPacket + packet.segmentCount) {
            let offset = packets.offsets[segment]
            let length = Int(packets.lengths[segment])
            let skip = segment == packet.firstPacket ? 0 : PrimaryHeader.byteCount + continuationHeaderLength
            guard skip < length else { continue }
            result.append(contentsOf: bytes[(offset + skip)..<(offset + length)])
        }
        return result
    }
}
