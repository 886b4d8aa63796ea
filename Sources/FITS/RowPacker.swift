import Dataset

/// Read-only column bytes shared with packing threads. `@unchecked Sendable` is sound because the
/// writer keeps the `Dataset` (and so every column buffer) alive and unmodified until all packing
/// threads have finished, and the bytes are only read.
struct SharedBytes: @unchecked Sendable {
    let base: UnsafeRawPointer?
    let count: Int
}

/// Interleaves column values into FITS binary-table rows: big-endian, each column at its offset,
/// with the top bit flipped for the TZERO-encoded types.
///
/// What it is for: handing cfitsio whole rows (`ffptbb`) so that it does no per-value conversion and
/// no scattered column writes; blocks of rows are packed in parallel. Costs one pass over the data
/// per block into a buffer of `rows x rowWidth` bytes.
struct RowPacker: Sendable {
    let columns: [FITSColumn]
    let sources: [SharedBytes]
    let rowWidth: Int

    /// Packs rows `first..<first + count` into a new buffer.
    func pack(first: Int, count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count * rowWidth) { buf, initialized in
            let dst = UnsafeMutableRawPointer(buf.baseAddress!)
            for (c, s) in zip(columns, sources) where c.bytesPerRow > 0 {
                let src = s.base! + first * c.bytesPerRow
                switch (c.swapWidth, c.flipSign) {
                case (1, false): copyBytes(src, dst, c, count)
                case (1, true): swapRows(src, dst, c, count, as: UInt8.self, flip: true)
                case (2, let f): swapRows(src, dst, c, count, as: UInt16.self, flip: f)
                case (4, let f): swapRows(src, dst, c, count, as: UInt32.self, flip: f)
                default: swapRows(src, dst, c, count, as: UInt64.self, flip: c.flipSign)
                }
            }
            initialized = count * rowWidth
        }
    }

    private func copyBytes(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ c: FITSColumn, _ rows: Int) {
        let n = c.bytesPerRow
        for r in 0..<rows {
            (dst + r * rowWidth + c.offset).copyMemory(from: src + r * n, byteCount: n)
        }
    }

    @inline(__always)
    private func swapRows<T: FixedWidthInteger & UnsignedInteger>(
        _ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ c: FITSColumn, _ rows: Int, as: T.Type, flip: Bool
    ) {
        let perRow = c.bytesPerRow / MemoryLayout<T>.size
        let mask: T = flip ? T(1) << (T.bitWidth - 1) : 0
        let w = rowWidth
        if perRow == 1 {
            let out = dst + c.offset
            for r in 0..<rows {
                let v = src.loadUnaligned(fromByteOffset: r * MemoryLayout<T>.size, as: T.self) ^ mask
                out.storeBytes(of: v.bigEndian, toByteOffset: r * w, as: T.self)
            }
            return
        }
        for r in 0..<rows {
            let s = src + r * c.bytesPerRow
            let d = dst + r * w + c.offset
            for j in 0..<perRow {
                let v = s.loadUnaligned(fromByteOffset: j * MemoryLayout<T>.size, as: T.self) ^ mask
                d.storeBytes(of: v.bigEndian, toByteOffset: j * MemoryLayout<T>.size, as: T.self)
            }
        }
    }
}

/// Runs `body` with the bytes of every column in `columns` (nested `withUnsafeBytes`, no copies).
func withColumnBytes<R>(_ columns: [Column], _ body: ([SharedBytes]) throws -> R) rethrows -> R {
    func nest(_ i: Int, _ acc: [SharedBytes]) throws -> R {
        if i == columns.count { return try body(acc) }
        return try columns[i].withUnsafeBytes { raw in
            try nest(i + 1, acc + [SharedBytes(base: raw.baseAddress, count: raw.count)])
        }
    }
    return try nest(0, [])
}
