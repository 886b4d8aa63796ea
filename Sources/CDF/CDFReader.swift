import Dataset

/// Reads CDF 3 files: the ones this package writes and those of the NASA library, cdflib and pycdfpp,
/// including gzip-compressed variables and whole-file gzip compression; zVariables and rVariables;
/// row- or column-major; little- or big-endian encodings; sparse records (pad or previous).
///
/// What it is for: tests, `downlink dump`, and reading reference products. Costs: the file is
/// memory-mapped (a whole-file-compressed CDF is inflated into memory once); `column(_:)` allocates the
/// variable's full logical size and inflates its blocks.
public final class CDFReader: Sendable {
    public let path: String
    public let version: (major: Int, release: Int, increment: Int)
    public let encoding: Int32
    public let isRowMajor: Bool
    /// Whether the file carries an MD5 checksum (CDR flags bits 2 and 3).
    public let hasMD5: Bool
    public let leapSecondLastUpdated: Int32
    public let isFileCompressed: Bool
    public let attributes: [CDFAttributeInfo]
    public let variables: [CDFVariableInfo]
    private let storage: ReaderStorage

    var bytes: UnsafeRawBufferPointer { storage.bytes }
    let bigEndian: Bool

    public init(path: String) throws {
        self.path = path
        let mapped = try MappedFile(path: path)
        guard mapped.bytes.count >= 8 else { throw CDFError.notACDF(path: path, reason: "shorter than 8 bytes") }
        let m1 = UInt32(bigEndian: mapped.bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let m2 = UInt32(bigEndian: mapped.bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        guard m1 == 0xCDF3_0001 else {
            if m1 == 0xCDF2_6002 || m1 == 0x0000_FFFF {
                throw CDFError.unsupported(path: path, feature: "the CDF 2.x format")
            }
            throw CDFError.notACDF(path: path, reason: String(format: "magic number %08X", m1))
        }
        switch m2 {
        case 0x0000_FFFF:
            storage = ReaderStorage(mapped: mapped)
            isFileCompressed = false
        case 0xCCCC_0001:
            storage = try ReaderStorage(inflatingCCR: mapped, path: path)
            isFileCompressed = true
        default:
            throw CDFError.notACDF(path: path, reason: String(format: "second magic number %08X", m2))
        }
        let data = storage.bytes
        var r = BigEndianReader(data: data, path: path, offset: 8)
        _ = try r.int64()
        guard try r.int32() == 1 else { throw CDFError.corrupt(path: path, offset: 16, reason: "no CDR at byte 8") }
        let gdr = try r.offset64()
        let ver = try r.int32(), rel = try r.int32()
        encoding = try r.int32()
        let flags = try r.int32()
        _ = try r.int32(); _ = try r.int32()
        let inc = try r.int32()
        version = (Int(ver), Int(rel), Int(inc))
        isRowMajor = flags & 1 != 0
        hasMD5 = flags & 0xC == 0xC
        switch encoding {
        case 4, 6, 8, 13: bigEndian = false     // DECSTATION, IBMPC, ALPHAOSF1, ARM_LITTLE
        case 1, 2, 5, 7, 9, 12: bigEndian = true // NETWORK, SUN, SGi, IBMRS, PPC, HP
        default: throw CDFError.unsupported(path: path, feature: "data encoding \(encoding) (VAX floating point)")
        }

        // GDR
        r.offset = gdr
        _ = try r.int64()
        guard try r.int32() == 2 else { throw CDFError.corrupt(path: path, offset: gdr + 8, reason: "expected a GDR") }
        let rVDRHead = try r.offset64(), zVDRHead = try r.offset64(), adrHead = try r.offset64()
        _ = try r.int64()                      // eof
        let nrVars = Int(try r.int32()), numAttr = Int(try r.int32())
        _ = try r.int32()                      // rMaxRec
        let rNumDims = Int(try r.int32())
        let nzVars = Int(try r.int32())
        _ = try r.int64(); _ = try r.int32()
        leapSecondLastUpdated = try r.int32()
        _ = try r.int32()
        guard (0...64).contains(rNumDims) else { throw CDFError.corrupt(path: path, offset: r.offset, reason: "rNumDims \(rNumDims)") }
        var rDims: [Int] = []
        for _ in 0..<rNumDims { rDims.append(Int(try r.int32())) }

        let parser = RecordParser(data: data, path: path, bigEndian: bigEndian, rowMajor: isRowMajor)
        var vars = try parser.variables(head: rVDRHead, count: nrVars, isZ: false, rDims: rDims)
        vars += try parser.variables(head: zVDRHead, count: nzVars, isZ: true, rDims: [])
        let (attrs, rEntries, zEntries) = try parser.attributes(head: adrHead, count: numAttr)
        for i in vars.indices {
            let table = vars[i].isZVariable ? zEntries : rEntries
            vars[i].attributes = table[vars[i].number] ?? []
        }
        attributes = attrs
        variables = vars
    }

    public func variable(_ name: String) throws -> CDFVariableInfo {
        guard let v = variables.first(where: { $0.name == name }) else { throw CDFError.noSuchVariable(name) }
        return v
    }

    public func globalAttribute(_ name: String) -> CDFAttributeInfo? {
        attributes.first { $0.isGlobal && $0.name == name }
    }

    /// All logical records of a variable (virtual records filled with the pad value or the previous
    /// record as its sparseness says), as a Column in host order: CHAR as `.string(width: numElems)`,
    /// EPOCH16 as float64 with a trailing dimension of 2, TT2000 as `.tt2000`.
    public func column(_ name: String) throws -> Column {
        try VariableDataReader(reader: self, info: try variable(name)).read()
    }

    /// Records `range` of a variable (clamped to its records), reading only the blocks that hold
    /// them: what a dump of the first records, or a reader of one time window, needs.
    public func column(_ name: String, records range: Range<Int>) throws -> Column {
        try VariableDataReader(reader: self, info: try variable(name)).read(range: range)
    }

    /// The whole file as a Dataset (global text entries become one `.text` list; a numeric global
    /// attribute keeps its first entry).
    public func dataset() throws -> Dataset {
        var attrs = Attributes()
        for a in attributes where a.isGlobal {
            let texts = a.entries.compactMap { e -> [String]? in if case .text(let s) = e.entry.value { return s }; return nil }
            if texts.count == a.entries.count { attrs[a.name] = .text(texts.flatMap { $0 }) }
            else if let first = a.entries.first { attrs[a.name] = first.entry.value }
        }
        var ds = Dataset(attributes: attrs)
        for v in variables {
            var va = Attributes()
            for (n, e) in v.attributes { va[n] = e.value }
            try ds.add(v.name, try column(v.name), attributes: va)
        }
        return ds
    }

    /// Recomputes the MD5 of the file and compares it with the stored one; nil when there is none.
    public func verifyMD5() throws -> Bool? {
        guard hasMD5, !isFileCompressed else { return nil }
        let mapped = try MappedFile(path: path)
        guard mapped.bytes.count >= 24 else { return false }
        var m = MD5()
        m.update(UnsafeRawBufferPointer(rebasing: mapped.bytes[0..<(mapped.bytes.count - 16)]))
        return m.finalize() == Array(mapped.bytes[(mapped.bytes.count - 16)...])
    }
}

/// The reader's bytes: a mapping, or an inflated copy of a whole-file-compressed CDF (which costs
/// the uncompressed size in memory).
/// Invariant for `@unchecked Sendable`: the bytes are never written after init.
final class ReaderStorage: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let mapped: MappedFile?
    private let owned: UnsafeMutableRawBufferPointer?

    init(mapped: MappedFile) {
        self.mapped = mapped
        self.owned = nil
        self.bytes = mapped.bytes
    }

    /// Inflates a CCR (compressed CDF record): the result is the magic numbers of an uncompressed CDF
    /// followed by the decompressed records.
    init(inflatingCCR mapped: MappedFile, path: String) throws {
        var r = BigEndianReader(data: mapped.bytes, path: path, offset: 8)
        let size = Int(try r.int64())
        guard try r.int32() == 10 else { throw CDFError.corrupt(path: path, offset: 16, reason: "expected a CCR") }
        let cpr = try r.offset64()
        let uSize = Int(try r.int64())
        _ = try r.int32()
        let start = r.offset
        let end = 8 + size
        guard end <= mapped.bytes.count, start <= end, uSize >= 0 else {
            throw CDFError.corrupt(path: path, offset: 8, reason: "CCR size \(size) runs past the file")
        }
        guard uSize <= (end - start) * 1100 + 4096 else {
            throw CDFError.corrupt(path: path, offset: 8, reason: "CCR claims \(uSize) bytes from \(end - start) compressed")
        }
        var c = BigEndianReader(data: mapped.bytes, path: path, offset: cpr + 12)
        let method = try c.int32()
        guard method == 5 else { throw CDFError.unsupported(path: path, feature: "whole-file compression method \(method)") }
        let inflated = try Gzip.decompress(UnsafeRawBufferPointer(rebasing: mapped.bytes[start..<end]), expected: uSize)
        let all = UnsafeMutableRawBufferPointer.allocate(byteCount: 8 + inflated.count, alignment: 16)
        all.copyBytes(from: [0xCD, 0xF3, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xFF] as [UInt8])
        UnsafeMutableRawBufferPointer(rebasing: all[8...]).copyBytes(from: inflated)
        owned = all
        self.mapped = nil
        bytes = UnsafeRawBufferPointer(all)
    }

    deinit { owned?.deallocate() }
}

import Foundation
