import Dataset

/// `expand_samples`: per-packet records holding N samples (variables of shape `[N, ...]`) to one
/// record per sample (shape `[...]`), each at `epoch + i * cadence` (e.g. 16 magnetometer vectors
/// per 1-second packet -> 16 Hz vectors).
///
/// Parameters: `variables` (required, list of `[N, ...]` variables, all with the same N), `cadence`
/// (required, seconds between samples), `epoch` (default `epoch`), `others` (`repeat` default: the
/// other record-varying scalars are repeated N times; `drop`: removed; other record-varying arrays
/// and binary blobs are always removed), `sample_index` (name of an int32 variable giving each sample's index in its
/// packet; none by default), `spread_over_spacing` (default false: when true and the next record
/// starts sooner than N * cadence after this one, as burst-rate packets do, this record's samples are
/// spread evenly over that spacing instead; a gap or the last record keeps `cadence`).
/// Non-record-varying variables are kept. A fill epoch stays fill.
/// Costs one copy of each expanded column (its bytes are already in sample order) and N writes
/// per record for the epoch and each repeated scalar.
struct ExpandSamplesStep: ProductAlgorithm {
    static let name = "expand_samples"
    var variables: [String]
    var cadence: Int64
    var epoch: String
    var repeatOthers: Bool
    var sampleIndex: String?
    var spreadOverSpacing: Bool

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["variables", "cadence", "epoch", "others", "sample_index", "spread_over_spacing"])
        variables = try p.requiredStringList("variables")
        cadence = try p.requiredNanoseconds("cadence")
        epoch = try p.string("epoch") ?? "epoch"
        repeatOthers = try p.choice("others", ["repeat", "drop"], default: "repeat") == "repeat"
        sampleIndex = try p.string("sample_index")
        spreadOverSpacing = try p.bool("spread_over_spacing") ?? false
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let time = try data.epoch(epoch, in: input)
        let records = time.column.records
        var n: Int?
        for name in variables {
            let v = try data.variable(name, in: input)
            guard let first = v.column.shape.first, v.column.records == records else {
                throw data.error("variable '\(name)' must have a sample dimension first and \(records) records (it has shape \(v.column.shape), \(v.column.records) records)")
            }
            if let n, n != first { throw data.error("variable '\(name)' has \(first) samples per record, '\(variables[0])' has \(n)") }
            n = first
        }
        let samples = n!
        let total = records * samples
        var out: [Variable] = []
        for v in input.variables {
            if v.name == epoch {
                var column = try data.column(v.column.elementType, records: total, shape: [], for: epoch)
                let cadence = self.cadence, spread = spreadOverSpacing
                let span = cadence &* Int64(samples)
                v.column.withTyped(Int64.self) { t in
                    column.fill(Int64.self) { o in
                        ParallelRecords.forEach(records: records) { range in
                            for r in range {
                                let e = t[r]
                                let next = r + 1 < records ? t[r + 1] : Fill.tt2000
                                if spread, e != Fill.tt2000, next != Fill.tt2000, next > e, next &- e < span {
                                    // Each sample's offset from the packet time, rounded to the nanosecond
                                    // without accumulating a rounding error across the packet.
                                    let spacing = next &- e
                                    for i in 0..<samples { o[r * samples + i] = e &+ spacing &* Int64(i) / Int64(samples) }
                                } else {
                                    for i in 0..<samples { o[r * samples + i] = e == Fill.tt2000 ? e : e &+ Int64(i) &* cadence }
                                }
                            }
                        }
                    }
                }
                out.append(Variable(v.name, column, attributes: v.attributes))
                if let sampleIndex {
                    var index = try data.column(.int32, records: total, shape: [], for: sampleIndex)
                    index.fill(Int32.self) { o in for j in 0..<total { o[j] = Int32(j % samples) } }
                    out.append(Variable(sampleIndex, index))
                }
            } else if variables.contains(v.name) {
                let shape = Array(v.column.shape.dropFirst())
                // The samples are already in record order: the same bytes, one record per sample.
                let column: Column
                do { column = try v.column.reshaped(records: total, shape: shape) } catch {
                    throw data.error("cannot expand '\(v.name)': \(error)")
                }
                out.append(Variable(v.name, column, dimensions: Array(v.dimensionNames.dropFirst()), attributes: v.attributes))
            } else if !v.column.isRecordVarying {
                out.append(v)
            } else if repeatOthers && v.column.shape.isEmpty && v.column.records == records && !Self.isBinary(v.column.elementType) {
                var column = try data.column(v.column.elementType, records: total, shape: [], for: v.name)
                Self.repeatEach(v.column, samples, into: &column)
                out.append(Variable(v.name, column, attributes: v.attributes))
            }
        }
        return try data.build(out, attributes: input.attributes)
    }

    static func isBinary(_ type: ElementType) -> Bool {
        if case .binary = type { return true }
        return false
    }

    /// Writes each element of `source` `times` times in a row.
    static func repeatEach(_ source: Column, _ times: Int, into column: inout Column) {
        let width = source.elementType.byteWidth
        func typed<T: BitwiseCopyable>(_: T.Type) {
            source.withUnsafeBytes { src in
                let s = src.bindMemory(to: T.self)
                column.withUnsafeMutableBytes { dst in
                    let d = dst.bindMemory(to: T.self)
                    for r in 0..<s.count { for i in 0..<times { d[r * times + i] = s[r] } }
                }
            }
        }
        switch width {
        case 1: typed(UInt8.self)
        case 2: typed(UInt16.self)
        case 4: typed(UInt32.self)
        case 8: typed(UInt64.self)
        default:
            source.withUnsafeBytes { src in
                column.withUnsafeMutableBytes { dst in
                    guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                    for r in 0..<source.records {
                        for i in 0..<times { (d + (r * times + i) * width).copyMemory(from: s + r * width, byteCount: width) }
                    }
                }
            }
        }
    }
}
