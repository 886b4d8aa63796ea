import Dataset
import Decom
import PacketDefinitions

/// Values of decoded columns in the tagged text form tools/spp_reference.py prints:
/// `i:<decimal>`, `f:<16 hex digits of the binary64 pattern>`, `b:<hex>`, `s:<text>`.
struct TaggedValues {
    let container: DecodedContainer
    let definitions: DefinitionSet
    /// Column index by name, and the raw bytes of every column.
    private var index: [String: Int] = [:]

    init(_ container: DecodedContainer, _ definitions: DefinitionSet) {
        self.container = container
        self.definitions = definitions
        for (i, v) in container.dataset.variables.enumerated() { index[v.name] = i }
    }

    func column(_ name: String) -> Column? { index[name].map { container.dataset.variables[$0].column } }

    /// Parameter columns (raw values of decoded parameters), by name.
    var parameterNames: Set<String> {
        Set(container.plan.columns.compactMap { c in c.parameter == nil ? nil : c.name })
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        for b in bytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return s
    }

    static func float(_ d: Double) -> String {
        let h = String(d.bitPattern, radix: 16)
        return "f:" + String(repeating: "0", count: 16 - h.count) + h
    }

    /// The raw value of `name` in `record`, tagged; `nil` when there is no such column.
    func raw(_ name: String, _ record: Int) -> String? {
        guard let col = column(name) else { return nil }
        return col.withUnsafeBytes { raw -> String in
            switch col.elementType {
            case .uint8: return "i:\(raw.load(fromByteOffset: record, as: UInt8.self))"
            case .uint16: return "i:\(raw.load(fromByteOffset: record * 2, as: UInt16.self))"
            case .uint32: return "i:\(raw.load(fromByteOffset: record * 4, as: UInt32.self))"
            case .uint64: return "i:\(raw.load(fromByteOffset: record * 8, as: UInt64.self))"
            case .int8: return "i:\(raw.load(fromByteOffset: record, as: Int8.self))"
            case .int16: return "i:\(raw.load(fromByteOffset: record * 2, as: Int16.self))"
            case .int32: return "i:\(raw.load(fromByteOffset: record * 4, as: Int32.self))"
            case .int64, .tt2000: return "i:\(raw.load(fromByteOffset: record * 8, as: Int64.self))"
            case .float32: return Self.float(Double(raw.load(fromByteOffset: record * 4, as: Float.self)))
            case .float64: return Self.float(raw.load(fromByteOffset: record * 8, as: Double.self))
            case .binary(let w):
                var n = w
                if let bits = column(name + ".bits") { n = (Int(bits.withUnsafeBytes { $0.load(fromByteOffset: record * 4, as: UInt32.self) }) + 7) / 8 }
                return "b:" + Self.hex(raw[(record * w)..<(record * w + n)])
            case .string(let w):
                var n = w
                if let bits = column(name + ".bits") { n = Int(bits.withUnsafeBytes { $0.load(fromByteOffset: record * 4, as: UInt32.self) }) / 8 }
                var bytes = Array(raw[(record * w)..<(record * w + n)])
                while bytes.last == 0 { bytes.removeLast() }
                return "s:" + String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    /// The engineering value: calibrated (`NAME.eng`), label (`NAME.label`), 0/1 for booleans,
    /// else the raw value (also for float-typed parameters with an uncalibrated integer encoding).
    func derived(_ name: String, _ record: Int) -> String? {
        if let eng = column(name + ".eng") {
            return Self.float(eng.withUnsafeBytes { $0.load(fromByteOffset: record * 8, as: Double.self) })
        }
        guard let i = container.plan.columns.firstIndex(where: { $0.name == name }),
              let p = container.plan.columns[i].parameter else { return raw(name, record) }
        let type = definitions.type(of: p)
        switch type.kind {
        case .enumerated:
            guard let label = column(name + ".label") else { return nil }
            let w = label.elementType.byteWidth
            var bytes = label.withUnsafeBytes { Array($0[(record * w)..<((record + 1) * w)]) }
            while bytes.last == 0 { bytes.removeLast() }
            return "s:" + String(decoding: bytes, as: UTF8.self)
        case .boolean:
            return raw(name, record) == "i:0" ? "i:0" : "i:1"
        default:
            return raw(name, record)
        }
    }
}
