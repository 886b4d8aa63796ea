import Dataset

/// `histogram`: per cadence interval (aligned to the day's start), how many values of a scalar
/// variable fall in each of fixed bins; one record per non-empty interval.
///
/// Parameters: `variable` (required, numeric scalar per record), `edges` (required, increasing bin
/// edges: bin i holds `edges[i] <= v < edges[i+1]`, the last bin also its upper edge), `cadence`
/// (required, seconds), `name` (default `variable` + `_histogram`), `epoch` (default `epoch`).
/// Output: epoch at the interval's centre, uint32 counts `[bins]`, and `name` + `_centers`
/// (float64 bin centres, not record-varying) as support. Values outside the edges, fill and NaN
/// are not counted. Costs a binary search over the edges per record.
struct HistogramStep: ProductAlgorithm {
    static let name = "histogram"
    var variable: String
    var edges: [Double]
    var cadence: Int64
    var output: String
    var epoch: String

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["variable", "edges", "cadence", "name", "epoch"])
        variable = try p.requiredString("variable")
        edges = try p.requiredDoubleList("edges")
        guard edges.count >= 2, zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ConfigurationError("parameter 'edges' of step 'histogram' must list at least 2 increasing edges", at: p["edges"]!.location)
        }
        cadence = try p.requiredNanoseconds("cadence")
        output = try p.string("name") ?? variable + "_histogram"
        epoch = try p.string("epoch") ?? "epoch"
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let time = try data.epoch(epoch, in: input)
        let source = try data.numeric(variable, in: input)
        guard source.column.shape.isEmpty, source.column.records == time.column.records else {
            throw data.error("variable '\(variable)' must be a scalar per record with \(time.column.records) records like '\(epoch)'")
        }
        let bins = try EpochBins(epoch: time.column, day: context.day, cadence: cadence, data: data)
        let nb = edges.count - 1
        let values = NumericColumn.visit(source.column, ToDoubles(scale: 1))!
        var counts = try data.column(.uint32, records: bins.outputRecords, shape: [nb], for: output)
        let edges = self.edges
        bins.outputIndex.withTyped(Int32.self) { outputIndex in
        counts.fill(UInt32.self) { out in
            for r in 0..<values.count {
                let o = Int(outputIndex[r])
                let v = values[r]
                guard o >= 0, !v.isFillOrNaN, v >= edges[0], v <= edges[nb] else { continue }
                // Last edge <= v, clamped to the last bin.
                var lo = 0, hi = nb
                while lo < hi {
                    let mid = (lo + hi + 1) / 2
                    if edges[mid] <= v { lo = mid } else { hi = mid - 1 }
                }
                out[o * nb + min(lo, nb - 1)] += 1
            }
        }
        }
        let centres = try data.values((0..<nb).map { (edges[$0] + edges[$0 + 1]) / 2 }, shape: [nb], recordVarying: false, for: output + "_centers")
        let dimension = output + "_bins"
        return try data.build([
            Variable(epoch, try bins.epochColumn(data: data, name: epoch), attributes: time.attributes),
            Variable(output, counts, dimensions: [dimension]),
            Variable(output + "_centers", centres, dimensions: [dimension]),
        ] + input.variables.filter { !$0.column.isRecordVarying && $0.name != output && $0.name != output + "_centers" },
        attributes: input.attributes)
    }
}

