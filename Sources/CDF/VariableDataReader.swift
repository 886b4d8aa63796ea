import Dataset

/// Reads one variable's records: walks its VXR tree, copies VVR records and inflates CVVR blocks into
/// a Column of all logical records, fills virtual records (pad / previous), swaps big-endian values
/// and transposes column-major records.
///
/// Costs: one allocation of the logical size; compressed blocks are inflated one at a time.
struct VariableDataReader {
    let reader: CDFReader
    let info: CDFVariableInfo

    var path: String { reader.path }

    /// Reads records `range` (clamped to the variable's records; all of them when nil). Only the
    /// blocks that hold those records (and, for previous-sparse variables, the last stored record
    /// before them) are read or inflated.
    func read(range requested: Range<Int>? = nil) throws -> Column {
        let v = info
        if zip(v.dims, v.dimVarys).contains(where: { $1 == false && $0 > 1 }) {
            return try readBroadcasting(range: requested)
        }
        var shape = v.dims
        let et: ElementType
        switch v.type {
        case .char, .uchar: et = .string(width: v.numElems)
        case .epoch16: et = .float64; shape.append(2)
        default: et = v.type.elementType
        }
        let all = 0..<v.records
        let range = (requested ?? all).clamped(to: all)
        let records = range.count
        let recordVarying = v.recordVarying || v.records == 0
        var column = try Column.make(type: et, records: recordVarying ? records : max(records, 1), shape: shape, recordVarying: recordVarying)
        let rb = v.recordBytes
        guard records > 0, rb > 0 else { return column }
        guard column.byteCount == records * rb else {
            throw CDFError.corrupt(path: path, offset: 0, reason: "variable '\(v.name)': record size \(rb) does not match its type and shape")
        }
        var stored = [Bool](repeating: false, count: records)
        let pad = v.pad ?? v.type.defaultPad(numElems: v.numElems)
        let previousSparse = v.sparse == .previousMissing
        // For previous-sparse reads: the last stored record before the range, and its bytes.
        var before: (record: Int, bytes: [UInt8])?
        try column.withUnsafeMutableBytes { out in
            // Fill everything with the pad value first.
            pad.withUnsafeBytes { p in
                var o = 0
                while o < out.count { out.baseAddress!.advanced(by: o).copyMemory(from: p.baseAddress!, byteCount: p.count); o += p.count }
            }
            var blocks: [(first: Int, last: Int, offset: Int)] = []
            var visited = Set<Int>()
            try collect(vxr: v.vxrHead, into: &blocks, depth: 0, visited: &visited)
            for b in blocks {
                guard b.first >= 0, b.last >= b.first else {
                    throw CDFError.corrupt(path: path, offset: b.offset, reason: "block records \(b.first)-\(b.last) of '\(v.name)'")
                }
                let lo = max(b.first, range.lowerBound), hi = min(b.last, range.upperBound - 1)
                // The block's last record before the range, if it beats the best candidate so far.
                let prevCandidate = previousSparse && b.first < range.lowerBound ? min(b.last, range.lowerBound - 1) : nil
                let wantsPrevious = prevCandidate.map { c in before.map { c > $0.record } ?? true } ?? false
                guard lo <= hi || wantsPrevious else { continue }
                try withBlockRecords(b, recordBytes: rb) { src in
                    if lo <= hi {
                        out.baseAddress!.advanced(by: (lo - range.lowerBound) * rb)
                            .copyMemory(from: src + (lo - b.first) * rb, byteCount: (hi - lo + 1) * rb)
                        for i in lo...hi { stored[i - range.lowerBound] = true }
                    }
                    if wantsPrevious, let c = prevCandidate {
                        before = (c, Array(UnsafeRawBufferPointer(start: src + (c - b.first) * rb, count: rb)))
                    }
                }
            }
            if previousSparse {
                var last: Int? = nil
                for i in 0..<records {
                    if stored[i] {
                        last = i
                    } else if let l = last {
                        out.baseAddress!.advanced(by: i * rb).copyMemory(from: out.baseAddress!.advanced(by: l * rb), byteCount: rb)
                    } else if let b = before {
                        b.bytes.withUnsafeBytes { out.baseAddress!.advanced(by: i * rb).copyMemory(from: $0.baseAddress!, byteCount: rb) }
                    }
                }
            }
            if reader.bigEndian { swap(out) }
            if !reader.isRowMajor && v.dims.count > 1 { transpose(out, records: records, recordBytes: rb) }
        }
        return column
    }

    /// A variable with dimensions of variance false stores one value along each of them; readers see
    /// that value repeated along the dimension. Reads the physical records, then broadcasts.
    private func readBroadcasting(range: Range<Int>?) throws -> Column {
        let v = info
        let physicalDims = zip(v.dims, v.dimVarys).map { $1 ? $0 : 1 }
        let physicalInfo = CDFVariableInfo(
            name: v.name, number: v.number, isZVariable: v.isZVariable, type: v.type, numElems: v.numElems,
            dims: physicalDims, dimVarys: physicalDims.map { _ in true }, recordVarying: v.recordVarying,
            maxRec: v.maxRec, sparse: v.sparse, compression: v.compression, blockingFactor: v.blockingFactor,
            pad: v.pad, attributes: v.attributes, vxrHead: v.vxrHead)
        let physical = try VariableDataReader(reader: reader, info: physicalInfo).read(range: range)
        var shape = v.dims
        if v.type == .epoch16 { shape.append(2) }
        var out = try Column.make(type: physical.elementType, records: physical.records, shape: shape, recordVarying: physical.isRecordVarying)
        let es = v.type.size * v.numElems
        let logical = v.dims.reduce(1, *), phys = physicalDims.reduce(1, *)
        // Physical row-major index of each logical element (coordinates along invariant dims -> 0).
        var map = [Int](repeating: 0, count: logical)
        for i in 0..<logical {
            var rem = i, p = 0, stride = 1
            for d in v.dims.indices.reversed() {
                let c = rem % v.dims[d]
                rem /= v.dims[d]
                p += (v.dimVarys[d] ? c : 0) * stride
                stride *= physicalDims[d]
            }
            map[i] = p
        }
        physical.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                for r in 0..<physical.records {
                    for i in 0..<logical {
                        (dst.baseAddress! + (r * logical + i) * es)
                            .copyMemory(from: src.baseAddress! + (r * phys + map[i]) * es, byteCount: es)
                    }
                }
            }
        }
        return out
    }

    /// The variable's stored blocks in VXR order: record range and whether it is a CVVR (for tests
    /// and diagnostics).
    func blocks() throws -> [(first: Int, last: Int, compressed: Bool)] {
        var blocks: [(first: Int, last: Int, offset: Int)] = []
        var visited = Set<Int>()
        try collect(vxr: info.vxrHead, into: &blocks, depth: 0, visited: &visited)
        return try blocks.map { b in
            var r = BigEndianReader(data: reader.bytes, path: path, offset: b.offset + 8)
            return (b.first, b.last, try r.int32() == 13)
        }
    }

    /// Calls `body` with a pointer to the records of block `b` (in the mapping for a VVR, inflated
    /// for a CVVR), after checking that they lie inside the file.
    private func withBlockRecords(_ b: (first: Int, last: Int, offset: Int), recordBytes rb: Int,
                                  _ body: (UnsafeRawPointer) throws -> Void) throws {
        let v = info
        let data = reader.bytes
        let n = b.last - b.first + 1
        let (blockBytes, overflow) = n.multipliedReportingOverflow(by: rb)
        guard !overflow else { throw CDFError.corrupt(path: path, offset: b.offset, reason: "block of '\(v.name)' is too large") }
        var r = BigEndianReader(data: data, path: path, offset: b.offset)
        let size = Int(try r.int64())
        let type = try r.int32()
        switch type {
        case 7:
            guard size >= 12 + blockBytes, b.offset + 12 + blockBytes <= data.count else {
                throw CDFError.corrupt(path: path, offset: b.offset, reason: "VVR of '\(v.name)' holds fewer than \(n) records")
            }
            try body(data.baseAddress! + b.offset + 12)
        case 13:
            _ = try r.int32()
            let cSize = Int(try r.int64())
            guard cSize >= 0, b.offset + 24 + cSize <= data.count else {
                throw CDFError.corrupt(path: path, offset: b.offset, reason: "CVVR of '\(v.name)' runs past the file")
            }
            // Deflate expands at most ~1032:1 and RLE 128:1; a larger claim is corruption, not a
            // reason to allocate.
            guard blockBytes <= cSize * 1100 + 4096 else {
                throw CDFError.corrupt(path: path, offset: b.offset, reason: "CVVR of '\(v.name)' claims \(n) records from \(cSize) bytes")
            }
            let input = UnsafeRawBufferPointer(rebasing: data[(b.offset + 24)..<(b.offset + 24 + cSize)])
            let inflated: [UInt8]
            switch v.compression?.method {
            case 5?: inflated = try Gzip.decompress(input, expected: blockBytes)
            case 1?: inflated = try RunLengthZeros.decode(input, expected: blockBytes)
            default:
                throw CDFError.unsupported(path: path, feature: "compression method \(v.compression?.method ?? -1) of '\(v.name)' (gzip and RLE are read)")
            }
            try inflated.withUnsafeBytes { try body($0.baseAddress!) }
        default:
            throw CDFError.corrupt(path: path, offset: b.offset, reason: "expected a VVR or CVVR for '\(v.name)', found type \(type)")
        }
    }

    private func collect(vxr: Int, into blocks: inout [(first: Int, last: Int, offset: Int)], depth: Int, visited: inout Set<Int>) throws {
        var at = vxr
        while at != 0 {
            guard depth < 16, visited.insert(at).inserted else { throw CDFError.corrupt(path: path, offset: at, reason: "VXR tree too deep or cyclic") }
            var r = BigEndianReader(data: reader.bytes, path: path, offset: at)
            _ = try r.int64()
            guard try r.int32() == 6 else { throw CDFError.corrupt(path: path, offset: at + 8, reason: "expected a VXR for '\(info.name)'") }
            let next = try r.offset64()
            let nEntries = Int(try r.int32())
            let nUsed = Int(try r.int32())
            guard nEntries >= 0, (0...nEntries).contains(nUsed) else { throw CDFError.corrupt(path: path, offset: at, reason: "VXR entry counts \(nUsed)/\(nEntries)") }
            var firsts: [Int] = [], lasts: [Int] = []
            for _ in 0..<nEntries { firsts.append(Int(try r.int32())) }
            for _ in 0..<nEntries { lasts.append(Int(try r.int32())) }
            for i in 0..<nEntries {
                let rawOffset = try r.int64()          // unused entries hold -1
                guard i < nUsed else { continue }
                guard rawOffset > 0, rawOffset < reader.bytes.count else {
                    throw CDFError.corrupt(path: path, offset: r.offset - 8, reason: "VXR entry offset \(rawOffset) of '\(info.name)' outside the file")
                }
                let off = Int(rawOffset)
                var t = BigEndianReader(data: reader.bytes, path: path, offset: off + 8)
                if try t.int32() == 6 {
                    try collect(vxr: off, into: &blocks, depth: depth + 1, visited: &visited)
                } else {
                    blocks.append((firsts[i], lasts[i], off))
                }
            }
            at = next
        }
    }

    /// Big-endian file values to host order, element by element (EPOCH16: each double).
    private func swap(_ out: UnsafeMutableRawBufferPointer) {
        let w = info.type == .epoch16 ? 8 : info.type.size
        guard w > 1, !info.type.isText else { return }
        var o = 0
        while o + w <= out.count {
            for k in 0..<(w / 2) {
                let a = out[o + k]; out[o + k] = out[o + w - 1 - k]; out[o + w - 1 - k] = a
            }
            o += w
        }
    }

    /// Column-major records (first dimension fastest) to row-major (last fastest).
    private func transpose(_ out: UnsafeMutableRawBufferPointer, records: Int, recordBytes: Int) {
        let dims = info.dims
        let es = info.type.size * info.numElems
        let n = dims.reduce(1, *)
        var tmp = [UInt8](repeating: 0, count: recordBytes)
        for r in 0..<records {
            let base = r * recordBytes
            for i in 0..<n {
                // Row-major index i -> multi-index -> column-major offset.
                var rem = i, cm = 0, stride = 1
                var idx = [Int](repeating: 0, count: dims.count)
                for d in stride_reversed(dims.count) { idx[d] = rem % dims[d]; rem /= dims[d] }
                for d in 0..<dims.count { cm += idx[d] * stride; stride *= dims[d] }
                for b in 0..<es { tmp[i * es + b] = out[base + cm * es + b] }
            }
            for b in 0..<recordBytes { out[base + b] = tmp[b] }
        }
    }

    private func stride_reversed(_ n: Int) -> ReversedCollection<Range<Int>> { (0..<n).reversed() }
}
