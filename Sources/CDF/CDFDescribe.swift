import Dataset

extension CDFReader {
    /// A text description of the file for `downlink dump FILE.cdf`: format, global attributes,
    /// variables with their attributes and first records (TT2000 and EPOCH values also as UTC).
    ///
    /// Costs: reads only the blocks that hold the first `records` records of each variable.
    public func describe(records shown: Int = 3) -> String {
        var out: [String] = []
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        out.append("\(fileName): CDF \(version.major).\(version.release).\(version.increment), encoding \(encoding)\(bigEndian ? " (big-endian)" : " (little-endian)"), \(isRowMajor ? "row" : "column")-major\(isFileCompressed ? ", file gzip-compressed" : "")\(hasMD5 ? ", MD5 checksum" : ""), leap seconds to \(leapSecondLastUpdated)")
        let globals = attributes.filter(\.isGlobal)
        out.append("Global attributes (\(globals.count)):")
        for a in globals {
            if a.entries.count == 1 {
                out.append("  \(a.name): \(Self.show(a.entries[0].entry))")
            } else {
                out.append("  \(a.name):")
                for (n, e) in a.entries { out.append("    [\(n)] \(Self.show(e))") }
            }
        }
        out.append("Variables (\(variables.count)):")
        let converter = TT2000Converter()
        for v in variables {
            let shape = v.dims.isEmpty ? "scalar" : "[" + v.dims.map(String.init).joined(separator: ", ") + "]"
            var traits = [v.recordVarying ? "record-varying" : "not record-varying"]
            if let c = v.compression { traits.append(c.method == 5 ? "gzip \(c.level)" : "compression method \(c.method)") }
            if v.sparse != .none { traits.append(v.sparse == .padMissing ? "sparse (pad)" : "sparse (previous)") }
            let elems = v.type.isText ? "*\(v.numElems)" : ""
            out.append("  \(v.name)  \(v.type)\(elems) \(shape)  \(v.records) record\(v.records == 1 ? "" : "s")  (\(traits.joined(separator: ", ")))")
            for (n, e) in v.attributes { out.append("    \(n): \(Self.show(e))") }
            guard v.records > 0, shown > 0 else { continue }
            do {
                let c = try column(v.name, records: 0..<shown)
                let perRecord = c.elementsPerRecord
                for r in 0..<min(shown, c.records) {
                    out.append("    [\(r)] \(Self.record(c, r, perRecord: perRecord, type: v.type, converter: converter))")
                }
                if v.records > shown { out.append("    ... \(v.records - shown) more") }
            } catch {
                out.append("    (records unreadable: \(error))")
            }
        }
        return out.joined(separator: "\n")
    }

    static func show(_ e: CDFAttributeEntry) -> String {
        switch e.value {
        case .text: return e.value.description
        case .tt2000(let xs):
            let conv = TT2000Converter()
            return xs.map { x in (try? conv.utc(x)).map { "\($0)" } ?? "\(x)" }.joined(separator: ", ") + " (\(e.type))"
        default: return "\(e.value) (\(e.type))"
        }
    }

    static func record(_ c: Column, _ r: Int, perRecord: Int, type: CDFDataType, converter: TT2000Converter) -> String {
        func values<T: ColumnScalar>(_: T.Type, _ f: (T) -> String) -> String {
            guard let all = try? c.values(as: T.self) else { return "?" }
            let items = all[(r * perRecord)..<((r + 1) * perRecord)].map(f)
            return items.count == 1 ? items[0] : "[" + items.joined(separator: ", ") + "]"
        }
        switch c.elementType {
        case .int8: return values(Int8.self) { "\($0)" }
        case .int16: return values(Int16.self) { "\($0)" }
        case .int32: return values(Int32.self) { "\($0)" }
        case .int64: return values(Int64.self) { "\($0)" }
        case .uint8: return values(UInt8.self) { "\($0)" }
        case .uint16: return values(UInt16.self) { "\($0)" }
        case .uint32: return values(UInt32.self) { "\($0)" }
        case .uint64: return values(UInt64.self) { "\($0)" }
        case .float32: return values(Float.self) { "\($0)" }
        case .float64:
            if type == .epoch { return values(Double.self) { "\($0) (\(TT2000Converter.utc(epoch: $0)))" } }
            return values(Double.self) { "\($0)" }
        case .tt2000: return values(Int64.self) { x in (try? converter.utc(x)).map { "\($0)" } ?? "\(x)" }
        case .string:
            let s = (try? c.strings()) ?? []
            let items = s[(r * perRecord)..<((r + 1) * perRecord)].map { "\"\($0)\"" }
            return items.count == 1 ? items[0] : "[" + items.joined(separator: ", ") + "]"
        case .binary: return "(binary)"
        }
    }
}
