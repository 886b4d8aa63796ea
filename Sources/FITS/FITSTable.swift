import CFITSIO
import Dataset

/// A binary-table extension planned from variables that share a record count: its columns with row
/// offsets, the column keywords from each variable's attributes, and the row count.
///
/// Writing packs blocks of rows in parallel (`RowPacker`) and hands them to cfitsio in order with
/// `ffptbb`. Costs: about 2 x threads blocks of rows in memory; one pass over the data.
struct FITSTable {
    let name: String
    let rows: Int
    var columns: [FITSColumn]
    let keywords: [FITSColumnKeywords]
    let rowWidth: Int

    init(name: String, variables: [(Int, Variable)], rows: Int, nullKeywords: Bool = true) throws(FITSError) {
        guard !name.isEmpty, name.utf8.count <= 68, name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw .invalidName(name, reason: "EXTNAME is 1-68 printable ASCII characters")
        }
        var seen = Set<String>()
        var cols: [FITSColumn] = []
        var kws: [FITSColumnKeywords] = []
        var offset = 0
        for (i, v) in variables {
            guard seen.insert(v.name.uppercased()).inserted else { throw .duplicateColumn(v.name) }
            guard v.column.records == rows else {
                throw .recordCountMismatch(variable: v.name, records: v.column.records, table: rows)
            }
            var c = try FITSColumn(v, index: i)
            c.offset = offset
            offset += c.bytesPerRow
            cols.append(c)
            kws.append(try FITSColumnKeywords(v, nullKeywords: nullKeywords))
        }
        guard cols.count <= 999 else { throw .invalidOption("table \(name) would have \(cols.count) columns; FITS allows 999") }
        self.name = name
        self.rows = rows
        self.columns = cols
        self.keywords = kws
        self.rowWidth = offset
    }

    /// Creates the extension and its header, then writes every row. With `checksum`, the data sum is
    /// computed while rows are packed and cfitsio only sums the header (DATASUM, then `ffupck`).
    func write(_ dataset: Dataset, to file: borrowing FITSFile, threads: Int, rowsPerBlock: Int, checksum: Bool,
               longStringsAnnounced: inout Bool) throws(FITSError) {
        try writeHeader(dataset, to: file, longStringsAnnounced: &longStringsAnnounced)
        if checksum {
            // Placeholders reserve the cards, so that filling them in later never moves the data.
            try file.call("ffpkys(CHECKSUM)") { ffpkys($0, "CHECKSUM", "0000000000000000", "HDU checksum", &$1) }
            try file.call("ffpkys(DATASUM)") { ffpkys($0, "DATASUM", "0", "data unit checksum", &$1) }
        }
        let sum = try writeRows(dataset, to: file, threads: threads, rowsPerBlock: rowsPerBlock, checksum: checksum)
        if checksum {
            try file.call("ffmkys(DATASUM)") { ffmkys($0, "DATASUM", String(sum.value), "data unit checksum", &$1) }
            try file.call("ffupck(\(name))") { ffupck($0, &$1) }
        }
    }

    private func writeRows(_ dataset: Dataset, to file: borrowing FITSFile, threads: Int, rowsPerBlock: Int,
                           checksum: Bool) throws(FITSError) -> FITSChecksum {
        var sum = FITSChecksum()
        guard rows > 0, rowWidth > 0 else { return sum }
        let columnsData = columns.map { dataset.variables[$0.variableIndex].column }
        let blockRows = rowsPerBlock > 0 ? rowsPerBlock : max(1, (4 << 20) / rowWidth)
        let blocks = (rows + blockRows - 1) / blockRows
        let total = rows
        let fp = file.pointer
        do {
            try withColumnBytes(columnsData) { sources in
                let packer = RowPacker(columns: columns, sources: sources, rowWidth: rowWidth)
                try ParallelBlocks.run(count: blocks, workers: threads, produce: { b in
                    let first = b * blockRows
                    let bytes = packer.pack(first: first, count: min(blockRows, total - first))
                    var blockSum = FITSChecksum()
                    if checksum { bytes.withUnsafeBytes { blockSum.add($0, at: first * packer.rowWidth) } }
                    return (bytes, blockSum)
                }, consume: { b, block in
                    let (bytes, blockSum) = block
                    sum.add(blockSum)
                    var status: Int32 = 0
                    bytes.withUnsafeBufferPointer { buf in
                        _ = ffptbb(fp, Int64(b * blockRows + 1), 1, Int64(buf.count), UnsafeMutablePointer(mutating: buf.baseAddress), &status)
                    }
                    try FITSFile.check(status, "ffptbb(\(name), row \(b * blockRows + 1))")
                })
            }
        } catch let e as FITSError {
            throw e
        } catch {
            throw .invalidOption("unexpected error \(error)")
        }
        return sum
    }

    private func writeHeader(_ dataset: Dataset, to file: borrowing FITSFile, longStringsAnnounced: inout Bool) throws(FITSError) {
        let names = columns.map(\.name), forms = columns.map(\.tform), units = keywords.map { $0.unit ?? "" }
        try withCStrings(names) { (ttype) throws(FITSError) in
            try withCStrings(forms) { (tform) throws(FITSError) in
                try withCStrings(units) { (tunit) throws(FITSError) in
                    try file.call("ffcrtb(\(name))") {
                        ffcrtb($0, BINARY_TBL, Int64(rows), Int32(columns.count), ttype, tform, tunit, name, &$1)
                    }
                }
            }
        }
        for (n, (c, k)) in zip(columns, keywords).enumerated() {
            let colnum = Int32(n + 1)
            if var dims = c.tdim {
                try file.call("ffptdmll(\(c.name))") { ffptdmll($0, colnum, Int32(dims.count), &dims, &$1) }
            }
            if let d = k.display {
                try file.call("ffpkys(TDISP\(colnum))") { ffpkys($0, "TDISP\(colnum)", d, nil, &$1) }
            }
            if let null = k.null {
                try file.call("ffpkyj(TNULL\(colnum))") { ffpkyj($0, "TNULL\(colnum)", null, nil, &$1) }
            }
            if let comment = k.comment {
                try file.call("ffmcom(TTYPE\(colnum))") { ffmcom($0, "TTYPE\(colnum)", comment, &$1) }
            }
        }
        if columns.contains(where: \.isTime) { try FITSTimeKeywords.write(to: file) }
        for (c, k) in zip(columns, keywords) {
            try FITSHeader.write(k.rest, prefix: c.name + " ", to: file, longStringsAnnounced: &longStringsAnnounced)
        }
    }
}

/// Runs `body` with a C array of C strings (valid only inside `body`).
func withCStrings<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws(FITSError) -> R) throws(FITSError) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { (buf) throws(FITSError) in try body(buf.baseAddress!) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ProductOutput
