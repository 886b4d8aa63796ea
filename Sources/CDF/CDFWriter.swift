import Dataset

/// Native CDF 3.9 writer (no C CDF library): single file, row-major, little-endian (IBMPC), all
/// zVariables. Lays the file out record by record with final offsets and writes each record once,
/// streaming column bytes straight from the Dataset buffers (no extra copy of the data), to a
/// temporary file that is synced and renamed: never a partial file.
///
/// Compression runs on background threads while earlier variables are being written; the GDR's eof
/// is then patched at the end. With MD5 on (the digest is streamed as bytes are written) all blocks
/// are compressed before the first byte is written instead.
/// Costs: compressed blocks wait in memory until written; uncompressed data is never copied.
/// Invalid input is found before the file is created.
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

        let pipeline = CompressionPipeline(variables: vars, blocks: blocks)
        pipeline.start(maxConcurrency: options.maxConcurrency)
        defer { pipeline.cancel() }

        let meta = CDFLayout.Metadata(attributes: attributes)
        // With an MD5 the GDR (and its eof) must be final before it is hashed: place everything first.
        var placed: [CDFLayout.Variable] = []
        var eof = 0
        if options.md5 {
            var at = meta.end
            for vi in vars.indices {
                try pipeline.collect(variable: vi, into: &blocks[vi], recordBytes: vars[vi].recordBytes)
                let l = CDFLayout.Variable(vars[vi], blocks: blocks[vi], at: at)
                placed.append(l)
                at = l.end
            }
            eof = at
        }

        let sink = try AtomicFileSink(destination: path, md5: options.md5)
        try sink.write(CDFLayout.magic)
        try sink.write(CDFRecords.cdr(gdr: CDFLayout.gdrOffset, md5: options.md5))
        func gdr(eof: Int) -> [UInt8] {
            CDFRecords.gdr(zVDRHead: vars.isEmpty ? 0 : meta.end, adrHead: meta.adrs.first ?? 0, eof: eof,
                           attributes: attributes.count, zVars: vars.count, leapSecondLastUpdated: options.leapSeconds.lastUpdated)
        }
        try sink.write(gdr(eof: eof))     // 0 for now when not known yet: patched below
        for (ai, a) in attributes.enumerated() {
            let next = ai + 1 < meta.adrs.count ? meta.adrs[ai + 1] : 0
            try sink.write(CDFRecords.adr(a, next: next, entryOffsets: meta.aedrs[ai]))
            let offs = meta.aedrs[ai]
            for (ei, e) in a.entries.enumerated() {
                try sink.write(CDFRecords.aedr(e, attribute: a, next: ei + 1 < offs.count ? offs[ei + 1] : 0))
            }
        }
        var at = meta.end
        for (vi, rv) in vars.enumerated() {
            let l: CDFLayout.Variable
            if options.md5 {
                l = placed[vi]
            } else {
                try pipeline.collect(variable: vi, into: &blocks[vi], recordBytes: rv.recordBytes)
                l = CDFLayout.Variable(rv, blocks: blocks[vi], at: at)
            }
            guard sink.position == l.vdr else {
                throw CDFError.corrupt(path: path, offset: sink.position, reason: "internal layout error: variable '\(rv.name)' planned at \(l.vdr)")
            }
            try writeVariable(rv, blocks: blocks[vi], layout: l, next: vi + 1 < vars.count ? l.end : 0, to: sink)
            blocks[vi] = []           // compressed bytes written: release them
            at = l.end
        }
        try sink.flush()
        guard sink.written == at, !options.md5 || at == eof else {
            throw CDFError.corrupt(path: path, offset: sink.written, reason: "internal layout error: wrote \(sink.written) bytes, planned \(at)")
        }
        var md5Hex: String?
        if let m = sink.md5 {
            let digest = m.finalize()
            sink.md5 = nil
            try sink.write(digest)
            md5Hex = digest.map { String($0, radix: 16).leftPadded(2) }.joined()
        } else {
            try sink.patch(at: CDFLayout.gdrOffset, gdr(eof: at))
        }
        try sink.commit()
        return CDFWriteReport(path: path, bytes: sink.written, istpIssues: istpIssues, md5: md5Hex)
    }

    /// Writes one variable's zVDR, CPR, VXR chain and data blocks at the sink's current position.
    private func writeVariable(_ rv: ResolvedVariable, blocks bs: [DataBlock], layout l: CDFLayout.Variable, next: Int, to sink: AtomicFileSink) throws {
        try sink.write(CDFRecords.zvdr(rv, layout: l, next: next))
        if let level = rv.gzipLevel { try sink.write(CDFRecords.cpr(level: level)) }
        for k in l.vxrs.indices {
            let lo = k * CDFLayout.vxrEntries, hi = min(lo + CDFLayout.vxrEntries, bs.count)
            let nextVXR = k + 1 < l.vxrs.count ? l.vxrs[k + 1] : 0
            try sink.write(CDFRecords.vxr(next: nextVXR, blocks: bs[lo..<hi], offsets: l.blocks[lo..<hi]))
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
