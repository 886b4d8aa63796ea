// Decoded values as CSV or JSON text, for inspection and for comparison with other decoders.

import Dataset

/// Writes a `DecodeResult` as text: CSV (one section per container: a comment line, a header row,
/// one row per packet; array elements as `NAME[i]` columns) or JSON (containers with column arrays,
/// then the undecoded packets and findings).
///
/// Values: integers in decimal, floats in shortest round-trip form (NaN as empty / null), binary
/// as lowercase hex, text as is (quoted where CSV needs it). Streams through `write` in pieces of
/// about 64 KiB; costs a formatting call per value.
public struct TextExport {
    public enum Format: String, Sendable, CaseIterable { case csv, json }

    public let format: Format
    private let write: (String) -> Void
    private var buffer = ""

    public init(format: Format, write: @escaping (String) -> Void) {
        self.format = format
        self.write = write
    }

    public mutating func export(_ result: DecodeResult) {
        switch format {
        case .csv: csv(result)
        case .json: json(result)
        }
        flush()
    }

    private mutating func emit(_ s: String) {
        buffer += s
        if buffer.utf8.count >= 1 << 16 { flush() }
    }

    private mutating func flush() {
        if !buffer.isEmpty { write(buffer); buffer = "" }
    }

    // MARK: - CSV

    private mutating func csv(_ result: DecodeResult) {
        var first = true
        for c in result.containers {
            if !first { emit("\n") }
            first = false
            emit("# container \(c.name)\(c.apid.map { " (APID \($0))" } ?? ""): \(c.records) packets\n")
            let variables = c.dataset.variables
            var header: [String] = []
            for v in variables {
                let n = v.column.elementsPerRecord
                if n == 1 && v.column.shape.isEmpty { header.append(Self.csvField(v.name)) } else {
                    for i in 0..<n { header.append(Self.csvField("\(v.name)[\(i)]")) }
                }
            }
            emit(header.joined(separator: ",") + "\n")
            let sizes = variables.map { v in c.dataset[v.name + ".bits"]?.column }
            for r in 0..<c.records {
                var row: [String] = []
                for (k, v) in variables.enumerated() {
                    let n = v.column.elementsPerRecord
                    for i in 0..<n {
                        row.append(Self.csvField(Self.text(v.column, r * n + i, sizeInBits: sizes[k].map { Self.bits($0, r * n + i) }) ?? ""))
                    }
                }
                emit(row.joined(separator: ",") + "\n")
            }
        }
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
    }

    // MARK: - JSON

    private mutating func json(_ result: DecodeResult) {
        emit("{\"containers\":[")
        for (k, c) in result.containers.enumerated() {
            if k > 0 { emit(",") }
            emit("\n{\"name\":\(Self.jsonString(c.name)),\"apid\":\(c.apid.map(String.init) ?? "null"),\"packets\":\(c.records),\"columns\":{")
            for (j, v) in c.dataset.variables.enumerated() {
                if j > 0 { emit(",") }
                emit("\n\(Self.jsonString(v.name)):[")
                let n = v.column.elementsPerRecord
                let nested = !(n == 1 && v.column.shape.isEmpty)
                let size = c.dataset[v.name + ".bits"]?.column
                for r in 0..<c.records {
                    if r > 0 { emit(",") }
                    if nested { emit("[") }
                    for i in 0..<n {
                        if i > 0 { emit(",") }
                        emit(Self.jsonValue(v.column, r * n + i, sizeInBits: size.map { Self.bits($0, r * n + i) }))
                    }
                    if nested { emit("]") }
                }
                emit("]")
            }
            emit("}}")
        }
        emit("],\n\"undecoded\":[")
        for (k, u) in result.undecoded.enumerated() {
            if k > 0 { emit(",") }
            emit("\n{\"apid\":\(u.apid),\"reason\":\(Self.jsonString(u.reason.description)),\"packets\":\(u.count),"
                 + "\"first_file\":\(Self.jsonString(u.firstFile)),\"first_offset\":\(u.firstOffset)}")
        }
        emit("],\n\"findings\":[")
        for (k, f) in result.findings.enumerated() {
            if k > 0 { emit(",") }
            emit("\n{\"file\":\(Self.jsonString(f.file)),\"offset\":\(f.offset),\"apid\":\(f.apid),"
                 + "\"container\":\(Self.jsonString(f.container)),\"message\":\(Self.jsonString(f.message))}")
        }
        emit("],\n\"findings_omitted\":\(result.findingsOmitted)}\n")
    }

    /// Element `index` of a `uint32` bit-size column.
    static func bits(_ column: Column, _ index: Int) -> Int {
        column.withUnsafeBytes { Int($0.load(fromByteOffset: index * 4, as: UInt32.self)) }
    }

    static func jsonValue(_ column: Column, _ index: Int, sizeInBits: Int? = nil) -> String {
        switch column.elementType {
        case .string, .binary: return jsonString(text(column, index, sizeInBits: sizeInBits) ?? "")
        case .float32, .float64:
            let t = text(column, index) ?? ""
            return t.isEmpty || t == "inf" || t == "-inf" ? "null" : t
        default: return text(column, index) ?? "null"
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    // MARK: - Values

    /// Element `index` of a column as text (`nil` for NaN). Binary values of variable size are
    /// cut to `sizeInBits` (from their `NAME.bits` column) when given.
    public static func text(_ column: Column, _ index: Int, sizeInBits: Int? = nil) -> String? {
        column.withUnsafeBytes { raw -> String? in
            switch column.elementType {
            case .uint8: return String(raw.load(fromByteOffset: index, as: UInt8.self))
            case .uint16: return String(raw.load(fromByteOffset: index * 2, as: UInt16.self))
            case .uint32: return String(raw.load(fromByteOffset: index * 4, as: UInt32.self))
            case .uint64: return String(raw.load(fromByteOffset: index * 8, as: UInt64.self))
            case .int8: return String(raw.load(fromByteOffset: index, as: Int8.self))
            case .int16: return String(raw.load(fromByteOffset: index * 2, as: Int16.self))
            case .int32: return String(raw.load(fromByteOffset: index * 4, as: Int32.self))
            case .int64, .tt2000: return String(raw.load(fromByteOffset: index * 8, as: Int64.self))
            case .float32:
                let v = raw.load(fromByteOffset: index * 4, as: Float.self)
                return v.isNaN ? nil : "\(v)"
            case .float64:
                let v = raw.load(fromByteOffset: index * 8, as: Double.self)
                return v.isNaN ? nil : "\(v)"
            case .binary(let w):
                let digits = Array("0123456789abcdef")
                var s = ""
                let n = sizeInBits.map { min(w, ($0 + 7) / 8) } ?? w
                for b in raw[(index * w)..<(index * w + n)] { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
                return s
            case .string(let w):
                var bytes = Array(raw[(index * w)..<((index + 1) * w)])
                while bytes.last == 0 { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (no Foundation needed).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
