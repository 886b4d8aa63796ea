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
        guard v.dimVarys.allSatisfy({ $0 }) || v.dims.allSatisfy({ $0 <= 1 }) else {
            throw CDFError.unsupported(path: path, feature: "dimension variance false in variable '\(v.name)'")
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
            // Deflate expands at most ~1032:1; a larger claim is corruption, not a reason to allocate.
            guard blockBytes <= cSize * 1100 + 4096 else {
                throw CDFError.corrupt(path: path, offset: b.offset, reason: "CVVR of '\(v.name)' claims \(n) records from \(cSize) bytes")
            }
            guard let comp = v.compression, comp.method == 5 else {
                throw CDFError.unsupported(path: path, feature: "compression method \(v.compression?.method ?? -1) of '\(v.name)' (only gzip)")
            }
            let inflated = try Gzip.decompress(UnsafeRawBufferPointer(rebasing: data[(b.offset + 24)..<(b.offset + 24 + cSize)]), expected: blockBytes)
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
