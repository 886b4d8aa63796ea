import Dataset

/// One variable's dataset shape and storage: dimensions (records first when record-varying), chunk
/// dimensions (nil: contiguous) and whether filters apply. Costs nothing (a value).
struct HDF5Layout {
    let dims: [Int]
    let chunk: [Int]?
    /// Records (outermost elements) per chunk, and the bytes of one whole chunk.
    var chunkRecords: Int { chunk?.first ?? 0 }
    let chunkByteCount: Int

    init(_ v: Variable, options: HDF5WriteOptions) throws(HDF5Error) {
        let c = v.column
        dims = (c.isRecordVarying ? [c.records] : []) + c.shape
        let elements = dims.reduce(1, *)
        guard options.compression != .none, !dims.isEmpty, elements > 0 else {
            chunk = nil
            chunkByteCount = 0
            return
        }
        let inner = Array(dims.dropFirst())
        let innerBytes = inner.reduce(1, *) * c.elementType.byteWidth
        var rows: Int
        if let r = options.chunkRecords {
            guard r > 0 else { throw .invalidOption("chunkRecords must be positive") }
            rows = r
        } else {
            rows = max(1, options.chunkBytes / max(1, innerBytes))
        }
        rows = min(rows, dims[0])
        guard rows * innerBytes < (1 << 32) else {
            throw .invalidOption("variable '\(v.name)': a chunk of \(rows) x \(innerBytes) bytes exceeds HDF5's 4 GiB chunk limit")
        }
        chunk = [rows] + inner
        chunkByteCount = rows * innerBytes
    }
}
