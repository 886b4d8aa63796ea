import Dataset

/// A Dataset variable resolved to its CDF form: type, elements, dims, pad, sparseness, compression.
///
/// Costs: holds the column by reference; the pad and record numbers are small arrays.
struct ResolvedVariable: Sendable {
    let variable: Variable
    let number: Int
    let type: CDFDataType
    /// Elements per value: the string width for CHAR/UCHAR, 1 otherwise.
    let numElems: Int
    let dims: [Int]
    let recordBytes: Int
    let sparse: CDFSparseRecords
    /// CDF record number of each column record (nil: record i is record i).
    let recordNumbers: [Int]?
    let pad: [UInt8]
    /// gzip level, nil when stored raw.
    let gzipLevel: Int?
    let blockRecords: Int

    var name: String { variable.name }
    var column: Column { variable.column }
    /// Last CDF record number, -1 when there is none.
    var maxRec: Int {
        if column.records == 0 { return -1 }
        return recordNumbers?.last ?? (column.records - 1)
    }
}

/// Attribute names whose values must have the variable's own type.
let typedLikeVariable: Set<String> = ["FILLVAL", "VALIDMIN", "VALIDMAX", "SCALEMIN", "SCALEMAX"]

/// Maps Dataset variables and attribute values to CDF types, refusing what CDF cannot hold.
///
/// Costs: a scan of a UInt64 column (to prove it fits INT8); otherwise only metadata work.
enum CDFTypeMapping {
    static func resolve(_ v: Variable, number: Int, options: CDFWriteOptions) throws -> ResolvedVariable {
        guard !v.name.isEmpty else { throw CDFError.emptyName(what: "variable \(number)") }
        guard v.name.utf8.count <= 256 else { throw CDFError.invalidOption(variable: v.name, reason: "name longer than 256 bytes") }
        let vo = options.variables[v.name] ?? CDFVariableOptions()
        let c = v.column
        var dims = c.shape
        var numElems = 1
        let type: CDFDataType
        let requested = vo.dataType
        func allow(_ def: CDFDataType, _ alternatives: [CDFDataType]) throws -> CDFDataType {
            guard let r = requested else { return def }
            guard r == def || alternatives.contains(r) else {
                throw CDFError.invalidTypeMapping(variable: v.name, from: c.elementType, to: r)
            }
            return r
        }
        switch c.elementType {
        case .int8: type = try allow(.int1, [.byte])
        case .int16: type = try allow(.int2, [])
        case .int32: type = try allow(.int4, [])
        case .int64: type = try allow(.int8, [.timeTT2000])
        case .uint8: type = try allow(.uint1, [])
        case .uint16: type = try allow(.uint2, [])
        case .uint32: type = try allow(.uint4, [])
        case .uint64:
            guard vo.uint64 == .int8Checked else {
                throw CDFError.unsupportedElementType(variable: v.name, .uint64,
                    hint: "CDF has no unsigned 64-bit type; declare CDFVariableOptions(uint64: .int8Checked)")
            }
            type = try allow(.int8, [])
            try c.withUnsafeBytes { raw in
                for (i, x) in raw.bindMemory(to: UInt64.self).enumerated() where x > UInt64(Int64.max) {
                    throw CDFError.valueOutOfRange(variable: v.name, record: i, reason: "\(x) does not fit CDF_INT8")
                }
            }
        case .float32: type = try allow(.real4, [.float])
        case .float64:
            type = try allow(.real8, [.double, .epoch, .epoch16])
            if type == .epoch16 {
                guard dims.last == 2 else {
                    throw CDFError.invalidOption(variable: v.name, reason: "EPOCH16 needs a last per-record dimension of 2 (seconds, picoseconds)")
                }
                dims.removeLast()
            }
        case .tt2000: type = try allow(.timeTT2000, [])
        case .string(let w):
            type = try allow(.char, [.uchar])
            numElems = w
        case .binary(let w):
            type = try allow(.uint1, [.byte])
            dims.append(w)
        }
        let recordBytes = c.bytesPerRecord
        precondition(recordBytes == type.size * numElems * dims.reduce(1, *))

        // Pad value.
        var pad = type.defaultPad(numElems: numElems)
        if let p = vo.padValue {
            pad = try typedBytes(p, variable: v, type: type, numElems: numElems, attribute: "pad value", padText: true)
            guard pad.count == type.size * numElems else {
                throw CDFError.invalidOption(variable: v.name, reason: "the pad value must be exactly one element")
            }
        }

        // Sparse records.
        if let rn = vo.recordNumbers {
            guard vo.sparseRecords != .none else {
                throw CDFError.invalidOption(variable: v.name, reason: "record numbers are given but sparseRecords is .none")
            }
            guard rn.count == c.records else {
                throw CDFError.invalidOption(variable: v.name, reason: "\(rn.count) record numbers for \(c.records) records")
            }
            for (a, b) in zip(rn, rn.dropFirst()) where b <= a {
                throw CDFError.invalidOption(variable: v.name, reason: "record numbers must increase strictly (\(a) then \(b))")
            }
            guard (rn.first ?? 0) >= 0 else { throw CDFError.invalidOption(variable: v.name, reason: "negative record number") }
        }
        guard c.isRecordVarying || vo.sparseRecords == .none else {
            throw CDFError.invalidOption(variable: v.name, reason: "a non-record-varying variable cannot have sparse records")
        }
        let maxRecord = vo.recordNumbers?.last ?? (c.records - 1)
        guard maxRecord < Int(Int32.max) else {
            throw CDFError.invalidOption(variable: v.name, reason: "record number \(maxRecord) exceeds CDF's 2^31-1")
        }

        // Compression: epoch types are never compressed; asking for it explicitly is an error.
        let comp = vo.compression ?? options.compression
        var level: Int?
        if case .gzip(let l) = comp {
            guard (1...9).contains(l) else { throw CDFError.invalidOption(variable: v.name, reason: "gzip level \(l) is not 1-9") }
            if type.isEpoch {
                if vo.compression != nil && vo.compression != CDFCompression.none {
                    throw CDFError.invalidOption(variable: v.name, reason: "\(type) variables are never compressed (SPDF rejects compressed epochs)")
                }
            } else if c.isRecordVarying && c.records > 0 && recordBytes > 0 {
                level = l
            }
        }
        let block = vo.blockRecords ?? max(1, (1 << 20) / max(recordBytes, 1))
        guard block >= 1 else { throw CDFError.invalidOption(variable: v.name, reason: "blockRecords must be >= 1") }
        guard level == nil || block.multipliedReportingOverflow(by: recordBytes).partialValue <= 1 << 30 || block == 1 else {
            throw CDFError.invalidOption(variable: v.name, reason: "a compressed block of \(block) records of \(recordBytes) bytes exceeds 1 GiB")
        }

        return ResolvedVariable(
            variable: v, number: number, type: type, numElems: numElems, dims: dims, recordBytes: recordBytes,
            sparse: vo.sparseRecords, recordNumbers: vo.recordNumbers, pad: pad, gzipLevel: level, blockRecords: block)
    }

    /// The little-endian bytes of an attribute or pad value that must have variable `v`'s own type.
    /// Text is padded with spaces to `numElems` only for the pad value (`padText`); attribute text keeps
    /// its own length (at least one byte).
    static func typedBytes(_ value: AttributeValue, variable v: Variable, type: CDFDataType, numElems: Int, attribute: String, padText: Bool = false) throws -> [UInt8] {
        let et = v.column.elementType
        let ok: Bool
        switch (et, value) {
        case (.string, .text(let s)):
            guard s.count == 1 else { ok = false; break }
            guard padText else { return s[0].isEmpty ? [0x20] : Array(s[0].utf8) }
            var b = Array(s[0].utf8.prefix(numElems))
            b += [UInt8](repeating: 0x20, count: numElems - b.count)
            return b
        case (.tt2000, .tt2000), (.tt2000, .int64), (.int64, .tt2000), (.uint64, .int64), (.binary, .uint8), (.binary, .int8):
            ok = true
        default:
            ok = value.elementType == et
        }
        guard ok else {
            throw CDFError.attributeTypeMismatch(
                variable: v.name, attribute: attribute, expected: "\(et) (the variable's \(type))",
                actual: value.elementType.map { "\($0)" } ?? "text")
        }
        if case .uint64(let xs) = value, let bad = xs.first(where: { $0 > UInt64(Int64.max) }) {
            throw CDFError.valueOutOfRange(variable: v.name, record: 0, reason: "\(attribute) \(bad) does not fit CDF_INT8")
        }
        return value.littleEndianBytes
    }
}
