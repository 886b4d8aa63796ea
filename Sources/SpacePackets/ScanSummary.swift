/// The report of `downlink inspect`: per file, per APID across all files, and every anomaly.
/// Codable so that `--json` prints it as is.
///
/// Cost: one pass over the indexes; with a time code, one decode per packet.
public struct ScanSummary: Sendable, Codable {
    public struct File: Sendable, Codable {
        public var file: String
        public var bytes: Int
        /// Nil when the file's headers carry assorted versions (accepted by the `any` rule).
        public var packetVersion: UInt8?
        public var packets: Int
        public var idlePackets: Int
        public var skippedBytes: Int
        public var truncatedBytes: Int
        public var anomalies: Int
    }

    public struct APID: Sendable, Codable {
        public var apid: UInt16
        public var packets: Int
        public var logicalPackets: Int
        public var bytes: Int
        public var minimumLength: Int
        public var maximumLength: Int
        /// Sequence gaps (events) and the packets missing in them.
        public var gaps: Int
        public var missingPackets: Int
        public var duplicates: Int
        public var firstTime: String?
        public var lastTime: String?
        /// Packets too short to hold the configured time code (or with a bad P-field).
        public var untimedPackets: Int?
    }

    public var files: [File]
    public var apids: [APID]
    public var anomalies: AnomalyList
    public var packets: Int
    public var bytes: Int
    public var idlePackets: Int

    public init(_ scanned: [ScannedFile], timeCode: TimeCode? = nil) {
        files = scanned.map { s in
            File(file: s.index.file, bytes: s.index.fileSize, packetVersion: s.index.packetVersion, packets: s.index.packetCount, idlePackets: s.index.idlePackets,
                 skippedBytes: s.index.skippedBytes, truncatedBytes: s.index.truncatedBytes, anomalies: s.index.anomalies.count)
        }
        var byAPID: [UInt16: APID] = [:]
        var times: [UInt16: (SpacecraftTime, SpacecraftTime)] = [:]
        for s in scanned {
            for packets in s.index.apids {
                var entry = byAPID[packets.apid] ?? APID(
                    apid: packets.apid, packets: 0, logicalPackets: 0, bytes: 0, minimumLength: .max, maximumLength: 0,
                    gaps: 0, missingPackets: 0, duplicates: 0)
                entry.packets += packets.count
                entry.logicalPackets += packets.logicalPacketCount
                entry.bytes += packets.bytes
                entry.minimumLength = min(entry.minimumLength, packets.minimumLength)
                entry.maximumLength = max(entry.maximumLength, packets.maximumLength)
                entry.gaps += packets.gaps
                entry.missingPackets += packets.missingPackets
                entry.duplicates += packets.duplicates
                if let timeCode {
                    var untimed = entry.untimedPackets ?? 0
                    s.mapping.withBytes { bytes in
                        for i in 0..<packets.count {
                            guard let t = timeCode.decode(bytes, packetOffset: packets.offsets[i], packetLength: Int(packets.lengths[i])) else {
                                untimed += 1
                                continue
                            }
                            if let (lo, hi) = times[packets.apid] {
                                times[packets.apid] = (min(lo, t), max(hi, t))
                            } else {
                                times[packets.apid] = (t, t)
                            }
                        }
                    }
                    entry.untimedPackets = untimed
                }
                byAPID[packets.apid] = entry
            }
        }
        for (apid, (first, last)) in times {
            byAPID[apid]!.firstTime = first.description
            byAPID[apid]!.lastTime = last.description
        }
        apids = byAPID.values.sorted { $0.apid < $1.apid }
        // Findings are shared, not copied (a concatenated file can have a million).
        anomalies = AnomalyList(concatenating: scanned.map(\.index.anomalies))
        packets = apids.reduce(0) { $0 + $1.packets }
        bytes = files.reduce(0) { $0 + $1.bytes }
        idlePackets = files.reduce(0) { $0 + $1.idlePackets }
    }
}
