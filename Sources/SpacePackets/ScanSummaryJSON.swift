/// `ScanSummary` as JSON text, written directly: Foundation's encoder spends microseconds per
/// anomaly, and a damaged day can hold hundreds of thousands of them. The field names and values
/// are those of the `Codable` conformance (keys sorted), so either decodes the other.
///
/// Cost: one pass, about 100 bytes of output per anomaly.
extension ScanSummary {
    public func jsonText() -> String {
        var out = JSONText()
        out.object {
            $0.key("anomalies") { $0.array(anomalies) { $0.anomaly($1) } }
            $0.key("apids") {
                $0.array(apids) { w, a in
                    w.object {
                        $0.key("apid") { $0.int(Int(a.apid)) }
                        $0.key("bytes") { $0.int(a.bytes) }
                        $0.key("duplicates") { $0.int(a.duplicates) }
                        if let t = a.firstTime { $0.key("firstTime") { $0.string(t) } }
                        $0.key("gaps") { $0.int(a.gaps) }
                        if let t = a.lastTime { $0.key("lastTime") { $0.string(t) } }
                        $0.key("logicalPackets") { $0.int(a.logicalPackets) }
                        $0.key("maximumLength") { $0.int(a.maximumLength) }
                        $0.key("minimumLength") { $0.int(a.minimumLength) }
                        $0.key("missingPackets") { $0.int(a.missingPackets) }
                        $0.key("packets") { $0.int(a.packets) }
                        if let u = a.untimedPackets { $0.key("untimedPackets") { $0.int(u) } }
                    }
                }
            }
            $0.key("bytes") { $0.int(bytes) }
            $0.key("files") {
                $0.array(files) { w, f in
                    w.object {
                        $0.key("anomalies") { $0.int(f.anomalies) }
                        $0.key("bytes") { $0.int(f.bytes) }
                        $0.key("file") { $0.string(f.file) }
                        $0.key("idlePackets") { $0.int(f.idlePackets) }
                        if let v = f.packetVersion { $0.key("packetVersion") { $0.int(Int(v)) } }
                        $0.key("packets") { $0.int(f.packets) }
                        $0.key("skippedBytes") { $0.int(f.skippedBytes) }
                        $0.key("truncatedBytes") { $0.int(f.truncatedBytes) }
                    }
                }
            }
            $0.key("idlePackets") { $0.int(idlePackets) }
            $0.key("packets") { $0.int(packets) }
        }
        return out.text
    }
}

/// A minimal JSON text builder: objects, arrays, integers and escaped strings.
struct JSONText {
    private(set) var text = ""
    private var needsComma = false

    mutating func object(_ body: (inout JSONText) -> Void) {
        separate()
        text += "{"
        needsComma = false
        body(&self)
        text += "}"
        needsComma = true
    }

    mutating func array<C: Collection>(_ items: C, _ element: (inout JSONText, C.Element) -> Void) {
        separate()
        text += "["
        needsComma = false
        for item in items { element(&self, item) }
        text += "]"
        needsComma = true
    }

    mutating func key(_ name: String, _ value: (inout JSONText) -> Void) {
        separate()
        text += "\"\(name)\":"
        needsComma = false
        value(&self)
        needsComma = true
    }

    mutating func int(_ value: Int) {
        separate()
        text += String(value)
        needsComma = true
    }

    mutating func string(_ value: String) {
        separate()
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
        needsComma = true
    }

    mutating func anomaly(_ a: Anomaly) {
        object {
            if let v = a.apid { $0.key("apid") { $0.int(Int(v)) } }
            if let v = a.expectedSequenceCount { $0.key("expectedSequenceCount") { $0.int(Int(v)) } }
            $0.key("file") { $0.string(a.file) }
            $0.key("kind") { $0.string(a.kind.rawValue) }
            if let v = a.length { $0.key("length") { $0.int(v) } }
            if let v = a.missingPackets { $0.key("missingPackets") { $0.int(v) } }
            $0.key("offset") { $0.int(a.offset) }
            if let v = a.sequenceCount { $0.key("sequenceCount") { $0.int(Int(v)) } }
        }
    }

    private mutating func separate() {
        if needsComma { text += "," }
    }
}
