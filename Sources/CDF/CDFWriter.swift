import Dataset

/// Native CDF 3.9 writer (no C CDF library): single file, row-major, little-endian (IBMPC), all
/// zVariables. Lays the whole file out first (every offset known), then writes it once, streaming each
/// column's bytes straight from the Dataset buffers (no extra copy of the data), to a temporary file
/// that is synced and renamed: never a partial file.
///
/// Costs: compressed variables hold their gzip blocks in memory until written (compressed in
/// parallel); uncompressed data is never copied. Validation happens before the file is created.
public struct CDFWriter: Sendable {
    public var options: CDFWriteOptions

    public init(options: CDFWriteOptions = CDFWriteOptions()) { self.options = options }

    /// Writes `dataset` to `path`; returns what was written. Throws `CDFError` for invalid input
    /// (nothing is created then) or I/O failures (the temporary file is removed).
    @discardableResult
    public func write(_ dataset: Dataset, to path: String) throws -> CDFWriteReport {
        var istpIssues: [ISTPIssue] = []
        if options.istp != .off {
            istpIssues = ISTPChecker.check(dataset)
            if options.istp == .error && !istpIssues.isEmpty { throw CDFError.istp(istpIssues) }
        }
        for (name, _) in options.variables where dataset[name] == nil {
            throw CDFError.invalidOption(variable: name, reason: "options given for a variable that is not in the dataset")
        }
        var seen = Set<String>()
        let vars = try dataset.variables.enumerated().map { i, v in
            guard seen.insert(v.name).inserted else { throw CDFError.duplicateName(v.name) }
            return try CDFTypeMapping.resolve(v, number: i, options: options)
        }
        let attributes = try CDFAttributePlanner.plan(globals: dataset.attributes, variables: vars)
        var blocks = vars.map(BlockPlanner.blocks(for:))
        try BlockCompressor.compress(&blocks, variables: vars, maxConcurrency: options.maxConcurrency)
        let layout = CDFLayout(attributes: attributes, variables: vars, blocks: blocks)

        let sink = try AtomicFileSink(destination: path, md5: options.md5)
        try sink.write(CDFLayout.magic)
        try sink.write(CDFRecords.cdr(gdr: layout.gdr, md5: options.md5))
        try sink.write(CDFRecords.gdr(
            zVDRHead: layout.variables.first?.vdr ?? 0, adrHead: layout.adrs.first ?? 0, eof: layout.eof,
            attributes: attributes.count, zVars: vars.count, leapSecondLastUpdated: options.leapSeconds.lastUpdated))
        for (ai, a) in attributes.enumerated() {
            let next = ai + 1 < layout.adrs.count ? layout.adrs[ai + 1] : 0
            try sink.write(CDFRecords.adr(a, next: next, entryOffsets: layout.aedrs[ai]))
            for (ei, e) in a.entries.enumerated() {
                let offs = layout.aedrs[ai]
                try sink.write(CDFRecords.aedr(e, attribute: a, next: ei + 1 < offs.count ? offs[ei + 1] : 0))
            }
        }
        for (vi, rv) in vars.enumerated() {
            let l = layout.variables[vi]
            let next = vi + 1 < layout.variables.count ? layout.variables[vi + 1].vdr : 0
            try sink.write(CDFRecords.zvdr(rv, layout: l, next: next))
            if let level = rv.gzipLevel { try sink.write(CDFRecords.cpr(level: level)) }
            let bs = blocks[vi]
            for k in l.vxrs.indices {
                let lo = k * CDFLayout.vxrEntries, hi = min(lo + CDFLayout.vxrEntries, bs.count)
                let next = k + 1 < l.vxrs.count ? l.vxrs[k + 1] : 0
                try sink.write(CDFRecords.vxr(next: next, blocks: bs[lo..<hi], offsets: l.blocks[lo..<hi]))
            }
            for b in bs {
                if let c = b.compressed {
                    try sink.write(CDFRecords.cvvrHeader(compressedBytes: c.count))
                    try sink.write(c)
                } else {
                    let n = b.count * rv.recordBytes
                    try sink.write(CDFRecords.vvrHeader(dataBytes: n))
                    let start = b.columnRecord * rv.recordBytes
                    try rv.column.withUnsafeBytes { raw in
                        try sink.write(UnsafeRawBufferPointer(rebasing: raw[start..<(start + n)]))
                    }
                }
            }
        }
        try sink.flush()
        guard sink.written == layout.eof else {
            throw CDFError.corrupt(path: path, offset: sink.written, reason: "internal layout error: wrote \(sink.written) bytes, planned \(layout.eof)")
        }
        var md5Hex: String?
        if let m = sink.md5 {
            let digest = m.finalize()
            sink.md5 = nil
            try sink.write(digest)
            md5Hex = digest.map { String($0, radix: 16).leftPadded(2) }.joined()
        }
        try sink.commit()
        return CDFWriteReport(path: path, bytes: sink.written, istpIssues: istpIssues, md5: md5Hex)
    }
}

extension String {
    func leftPadded(_ n: Int, with c: Character = "0") -> String {
        count >= n ? self : String(repeating: c, count: n - count) + self
    }
}

extension CDFWriter {
    /// The same write, for async callers: runs on a Dispatch thread so that the blocking file I/O and
    /// the parallel compression never occupy the cooperative pool's threads.
    @discardableResult
    public func write(_ dataset: Dataset, to path: String) async throws -> CDFWriteReport {
        try await withCheckedThrowingContinuation { (k: CheckedContinuation<CDFWriteReport, any Error>) in
            DispatchQueue.global(qos: .userInitiated).async {
                k.resume(with: Result { try self.write(dataset, to: path) as CDFWriteReport })
            }
        }
    }
}

import Foundation
