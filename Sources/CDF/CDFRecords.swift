import Dataset

/// Serialises the CDF internal records (big-endian headers) given a computed `CDFLayout`.
///
/// Costs: one small array per record.
enum CDFRecords {
    static func cdr(gdr: Int, md5: Bool) -> [UInt8] {
        var w = BigEndianWriter(capacity: CDFLayout.cdrSize)
        w.int64(CDFLayout.cdrSize); w.int32(1); w.int64(gdr)
        w.int32(3); w.int32(9)              // version 3, release 9
        w.int32(6)                          // IBMPC encoding (little-endian)
        w.int32(md5 ? 0xF : 0x3)            // row-major, single file, [checksum, MD5]
        w.int32(0); w.int32(0)              // rfuA, rfuB
        w.int32(1)                          // increment
        w.int32(-1); w.int32(-1)            // identifier, rfuE
        w.fixedText("\nCommon Data Format (CDF)\nWritten by Downlink (native CDF 3.9 writer)\n", size: 256)
        return w.bytes
    }

    static func gdr(zVDRHead: Int, adrHead: Int, eof: Int, attributes: Int, zVars: Int, leapSecondLastUpdated: Int32) -> [UInt8] {
        var w = BigEndianWriter(capacity: CDFLayout.gdrSize)
        w.int64(CDFLayout.gdrSize); w.int32(2)
        w.int64(0); w.int64(zVDRHead); w.int64(adrHead); w.int64(eof)
        w.int32(0)              // NrVars
        w.int32(attributes)
        w.int32(-1)             // rMaxRec
        w.int32(0)              // rNumDims
        w.int32(zVars)
        w.int64(0)              // UIRhead
        w.int32(0)              // rfuC
        w.int32(leapSecondLastUpdated)
        w.int32(-1)             // rfuE
        return w.bytes
    }

    static func adr(_ a: AttributePlan, next: Int, entryOffsets: [Int]) -> [UInt8] {
        var w = BigEndianWriter(capacity: CDFLayout.adrSize)
        w.int64(CDFLayout.adrSize); w.int32(4); w.int64(next)
        let g = a.isGlobal ? entryOffsets : []
        let z = a.isGlobal ? [] : entryOffsets
        w.int64(g.first ?? 0)
        w.int32(a.isGlobal ? 1 : 2)
        w.int32(a.number)
        w.int32(g.count)
        w.int32(a.isGlobal ? (a.entries.map(\.number).max() ?? -1) : -1)
        w.int32(0)              // rfuA
        w.int64(z.first ?? 0)
        w.int32(z.count)
        w.int32(a.isGlobal ? -1 : (a.entries.map(\.number).max() ?? -1))
        w.int32(-1)             // rfuE
        w.fixedText(a.name, size: 256)
        return w.bytes
    }

    static func aedr(_ e: AttributeEntry, attribute: AttributePlan, next: Int) -> [UInt8] {
        var w = BigEndianWriter(capacity: CDFLayout.aedrHeader + e.bytes.count)
        w.int64(CDFLayout.aedrHeader + e.bytes.count)
        w.int32(attribute.isGlobal ? 5 : 9)
        w.int64(next)
        w.int32(attribute.number)
        w.int32(e.type.rawValue)
        w.int32(e.number)
        w.int32(e.numElems)
        w.int32(e.numStrings)
        w.int32(0); w.int32(0)  // rfuB, rfuC
        w.int32(-1); w.int32(-1) // rfuD, rfuE
        w.raw(e.bytes)
        return w.bytes
    }

    static func zvdr(_ rv: ResolvedVariable, layout l: CDFLayout.Variable, next: Int) -> [UInt8] {
        var w = BigEndianWriter(capacity: l.vdrSize)
        w.int64(l.vdrSize); w.int32(8); w.int64(next)
        w.int32(rv.type.rawValue)
        w.int32(rv.maxRec)
        w.int64(l.vxrs.first ?? 0)
        w.int64(l.vxrs.last ?? 0)
        var flags: Int32 = 0x2                       // pad value present
        if rv.column.isRecordVarying { flags |= 0x1 }
        if rv.gzipLevel != nil { flags |= 0x4 }
        w.int32(flags)
        w.int32(rv.sparse.rawValue)
        w.int32(0); w.int32(-1); w.int32(-1)        // rfuB, rfuC, rfuF
        w.int32(rv.numElems)
        w.int32(rv.number)
        w.int64(rv.gzipLevel != nil ? l.cpr : -1)   // CPRorSPRoffset
        w.int32(rv.gzipLevel != nil ? rv.blockRecords : 0)
        w.fixedText(rv.name, size: 256)
        w.int32(rv.dims.count)
        for d in rv.dims { w.int32(d) }
        for _ in rv.dims { w.int32(-1) }            // every dimension varies
        w.raw(rv.pad)
        return w.bytes
    }

    static func cpr(level: Int) -> [UInt8] {
        var w = BigEndianWriter(capacity: CDFLayout.cprSize)
        w.int64(CDFLayout.cprSize); w.int32(11)
        w.int32(5)      // gzip
        w.int32(0)      // rfuA
        w.int32(1)      // one parameter
        w.int32(level)
        return w.bytes
    }

    static func vxr(next: Int, blocks: ArraySlice<DataBlock>, offsets: ArraySlice<Int>) -> [UInt8] {
        var w = BigEndianWriter(capacity: CDFLayout.vxrSize(blocks.count))
        w.int64(CDFLayout.vxrSize(blocks.count)); w.int32(6); w.int64(next)
        w.int32(blocks.count); w.int32(blocks.count)
        for b in blocks { w.int32(b.first) }
        for b in blocks { w.int32(b.last) }
        for o in offsets { w.int64(o) }
        return w.bytes
    }

    static func vvrHeader(dataBytes: Int) -> [UInt8] {
        var w = BigEndianWriter(capacity: CDFLayout.vvrHeader)
        w.int64(CDFLayout.vvrHeader + dataBytes); w.int32(7)
        return w.bytes
    }

    static func cvvrHeader(compressedBytes: Int) -> [UInt8] {
        var w = BigEndianWriter(capacity: CDFLayout.cvvrHeader)
        w.int64(CDFLayout.cvvrHeader + compressedBytes); w.int32(13)
        w.int32(0)                      // rfuA
        w.int64(compressedBytes)
        return w.bytes
    }
}
