import Dataset

/// Parses the metadata records of a CDF (VDRs, ADRs, AEDRs) from the file's bytes, checking every
/// offset and count against the file size.
///
/// Costs: one pass over the record chains; loop guards stop cyclic chains.
struct RecordParser {
    let data: UnsafeRawBufferPointer
    let path: String
    let bigEndian: Bool
    let rowMajor: Bool

    func reader(at offset: Int) -> BigEndianReader { BigEndianReader(data: data, path: path, offset: offset) }

    func variables(head: Int, count: Int, isZ: Bool, rDims: [Int]) throws -> [CDFVariableInfo] {
        var out: [CDFVariableInfo] = []
        var at = head
        var visited = Set<Int>()
        while at != 0 {
            guard visited.insert(at).inserted else { throw CDFError.corrupt(path: path, offset: at, reason: "the VDR chain loops") }
            guard out.count < max(count, 0) + 1 else { throw CDFError.corrupt(path: path, offset: at, reason: "VDR chain longer than the GDR says") }
            var r = reader(at: at)
            _ = try r.int64()
            let type = try r.int32()
            guard type == (isZ ? 8 : 3) else { throw CDFError.corrupt(path: path, offset: at + 8, reason: "expected a \(isZ ? "z" : "r")VDR, found record type \(type)") }
            let next = try r.offset64()
            let dtRaw = try r.int32()
            guard let dt = CDFDataType(rawValue: dtRaw) else { throw CDFError.corrupt(path: path, offset: at + 20, reason: "unknown data type \(dtRaw)") }
            let maxRec = Int(try r.int32())
            let vxrHead = try r.offset64()
            _ = try r.offset64()
            let flags = try r.int32()
            let sRecords = try r.int32()
            _ = try r.int32(); _ = try r.int32(); _ = try r.int32()
            let numElems = Int(try r.int32())
            let num = Int(try r.int32())
            let cprOffset = try r.int64()
            let blocking = Int(try r.int32())
            let name = try r.text(256)
            var dims = rDims
            if isZ {
                let nd = Int(try r.int32())
                guard (0...64).contains(nd) else { throw CDFError.corrupt(path: path, offset: r.offset - 4, reason: "\(nd) dimensions") }
                dims = []
                for _ in 0..<nd { dims.append(Int(try r.int32())) }
            }
            var varys: [Bool] = []
            for _ in dims { varys.append(try r.int32() != 0) }
            guard numElems >= 1, dims.allSatisfy({ $0 >= 0 }), maxRec >= -1 else {
                throw CDFError.corrupt(path: path, offset: at, reason: "variable '\(name)': \(numElems) elements, dims \(dims), maxRec \(maxRec)")
            }
            guard numElems == 1 || dt.isText else {
                throw CDFError.corrupt(path: path, offset: at, reason: "variable '\(name)': \(numElems) elements per value of \(dt) (only text has more than 1)")
            }
            // Sizes from an untrusted file: no overflow, and a logical size a reader can hold. Virtual
            // (sparse or unwritten) records may make a variable larger than the file, but not absurdly.
            var recordBytes = dt.size * numElems
            for d in dims {
                let (p, o) = recordBytes.multipliedReportingOverflow(by: d)
                guard !o else { throw CDFError.corrupt(path: path, offset: at, reason: "variable '\(name)': record size overflows") }
                recordBytes = p
            }
            let (total, o) = recordBytes.multipliedReportingOverflow(by: maxRec + 1)
            guard !o, total <= Self.maxLogicalBytes(fileSize: data.count) else {
                throw CDFError.corrupt(path: path, offset: at, reason: "variable '\(name)': \(maxRec + 1) records of \(recordBytes) bytes is implausible for a \(data.count)-byte file")
            }
            var pad: [UInt8]?
            if flags & 2 != 0 { pad = try r.bytes(dt.size * numElems) }
            var compression: (Int32, Int32)?
            if flags & 4 != 0 {
                guard cprOffset > 0, Int(cprOffset) < data.count else {
                    throw CDFError.corrupt(path: path, offset: at, reason: "variable '\(name)' is compressed but has no CPR")
                }
                var c = reader(at: Int(cprOffset))
                _ = try c.int64()
                let t = try c.int32()
                guard t == 11 else {
                    throw CDFError.unsupported(path: path, feature: "sparse arrays (SPR) in variable '\(name)'")
                }
                let method = try c.int32()
                _ = try c.int32()
                let pCount = try c.int32()
                compression = (method, pCount > 0 ? try c.int32() : 0)
            }
            guard let sparse = CDFSparseRecords(rawValue: sRecords) else {
                throw CDFError.corrupt(path: path, offset: at, reason: "variable '\(name)': sparse-records mode \(sRecords)")
            }
            out.append(CDFVariableInfo(
                name: name, number: num, isZVariable: isZ, type: dt, numElems: numElems, dims: dims, dimVarys: varys,
                recordVarying: flags & 1 != 0, maxRec: maxRec, sparse: sparse,
                compression: compression.map { (method: $0.0, level: $0.1) }, blockingFactor: blocking, pad: pad,
                attributes: [], vxrHead: vxrHead))
            at = next
        }
        return out
    }

    /// The largest logical variable size the reader accepts: 64 times the file plus 1 GiB.
    static func maxLogicalBytes(fileSize: Int) -> Int { fileSize.multipliedReportingOverflow(by: 64).partialValue + (1 << 30) }

    typealias EntryTable = [Int: [(name: String, entry: CDFAttributeEntry)]]

    func attributes(head: Int, count: Int) throws -> ([CDFAttributeInfo], EntryTable, EntryTable) {
        var attrs: [CDFAttributeInfo] = []
        var rTable: EntryTable = [:], zTable: EntryTable = [:]
        var at = head
        var visited = Set<Int>()
        while at != 0 {
            guard visited.insert(at).inserted else { throw CDFError.corrupt(path: path, offset: at, reason: "the ADR chain loops") }
            guard attrs.count <= count else { throw CDFError.corrupt(path: path, offset: at, reason: "ADR chain longer than the GDR says") }
            var r = reader(at: at)
            _ = try r.int64()
            guard try r.int32() == 4 else { throw CDFError.corrupt(path: path, offset: at + 8, reason: "expected an ADR") }
            let next = try r.offset64()
            let grHead = try r.offset64()
            let scope = try r.int32()
            let num = Int(try r.int32())
            let nGr = Int(try r.int32())
            _ = try r.int32(); _ = try r.int32()
            let zHead = try r.offset64()
            let nZ = Int(try r.int32())
            _ = try r.int32(); _ = try r.int32()
            let name = try r.text(256)
            let isGlobal = scope == 1 || scope == 3
            let gr = try entries(head: grHead, limit: nGr, attribute: name)
            let z = try entries(head: zHead, limit: nZ, attribute: name)
            if isGlobal {
                attrs.append(CDFAttributeInfo(name: name, number: num, isGlobal: true, entries: gr + z))
            } else {
                for (n, e) in gr { rTable[n, default: []].append((name, e)) }
                for (n, e) in z { zTable[n, default: []].append((name, e)) }
                attrs.append(CDFAttributeInfo(name: name, number: num, isGlobal: false, entries: []))
            }
            at = next
        }
        return (attrs, rTable, zTable)
    }

    private func entries(head: Int, limit: Int, attribute: String) throws -> [(number: Int, entry: CDFAttributeEntry)] {
        var out: [(Int, CDFAttributeEntry)] = []
        var at = head
        var visited = Set<Int>()
        while at != 0 {
            guard visited.insert(at).inserted else { throw CDFError.corrupt(path: path, offset: at, reason: "the AEDR chain of '\(attribute)' loops") }
            guard out.count <= limit else { throw CDFError.corrupt(path: path, offset: at, reason: "AEDR chain of '\(attribute)' too long") }
            var r = reader(at: at)
            _ = try r.int64()
            let t = try r.int32()
            guard t == 5 || t == 9 else { throw CDFError.corrupt(path: path, offset: at + 8, reason: "expected an AEDR, found type \(t)") }
            let next = try r.offset64()
            _ = try r.int32()
            let dtRaw = try r.int32()
            guard let dt = CDFDataType(rawValue: dtRaw) else { throw CDFError.corrupt(path: path, offset: at + 24, reason: "unknown data type \(dtRaw) in '\(attribute)'") }
            let num = Int(try r.int32())
            let numElems = Int(try r.int32())
            let numStrings = Int(try r.int32())
            _ = try r.int32(); _ = try r.int32(); _ = try r.int32(); _ = try r.int32()
            guard numElems >= 0 else { throw CDFError.corrupt(path: path, offset: at, reason: "negative element count in '\(attribute)'") }
            let raw = try r.bytes(numElems * dt.size)
            out.append((num, CDFAttributeEntry(type: dt, value: decode(raw, type: dt, numStrings: numStrings))))
            at = next
        }
        return out
    }

    /// Decodes an attribute entry's value from the file encoding.
    func decode(_ raw: [UInt8], type: CDFDataType, numStrings: Int) -> AttributeValue {
        func ints<T: FixedWidthInteger>(_: T.Type) -> [T] {
            raw.withUnsafeBytes { b in
                (0..<(b.count / MemoryLayout<T>.size)).map { i in
                    let v = b.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                    return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
                }
            }
        }
        switch type {
        case .char, .uchar:
            var s = String(decoding: raw, as: UTF8.self)
            while s.hasSuffix("\0") { s.removeLast() }
            return .text(numStrings > 1 ? s.components(separatedBy: "\\N ") : [s])
        case .int1, .byte: return .int8(ints(Int8.self))
        case .int2: return .int16(ints(Int16.self))
        case .int4: return .int32(ints(Int32.self))
        case .int8: return .int64(ints(Int64.self))
        case .timeTT2000: return .tt2000(ints(Int64.self))
        case .uint1: return .uint8(raw)
        case .uint2: return .uint16(ints(UInt16.self))
        case .uint4: return .uint32(ints(UInt32.self))
        case .real4, .float: return .float32(ints(UInt32.self).map(Float.init(bitPattern:)))
        case .real8, .double, .epoch, .epoch16: return .float64(ints(UInt64.self).map(Double.init(bitPattern:)))
        }
    }
}

import Foundation
