import Dataset

/// `average`: bins records on a fixed cadence aligned to the day's start and keeps one record per
/// non-empty bin: epoch at the bin's centre, the mean of each element of each numeric variable
/// (float64, fill and NaN left out), and the number of records in the bin (uint32).
///
/// Parameters: `cadence` (required, seconds), `variables` (list; default every numeric
/// record-varying variable but the epoch), `epoch` (default `epoch`), `count` (name of the count
/// variable, default `count`). Non-record-varying variables (support data) are kept; other
/// record-varying variables are dropped. Costs one add per input element and one output column
/// per variable (bins x elements).
struct AverageStep: ProductAlgorithm {
    static let name = "average"
    var cadence: Int64
    var variables: [String]?
    var epoch: String
    var count: String

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["cadence", "variables", "epoch", "count"])
        cadence = try p.requiredNanoseconds("cadence")
        variables = try p.stringList("variables")
        epoch = try p.string("epoch") ?? "epoch"
        count = try p.string("count") ?? "count"
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        try Self.average(input, context: context, step: Self.name, cadence: cadence, epoch: epoch,
                         variables: variables, count: count)
    }

    /// Averages `variables` (default: every numeric record-varying variable but the epoch).
    static func average(_ input: Dataset, context: AlgorithmContext, step: String, cadence: Int64, epoch: String,
                        variables: [String]?, count: String) throws(ProductError) -> Dataset {
        let data = StepData(context, step: step)
        let time = try data.epoch(epoch, in: input)
        let records = time.column.records
        var chosen: [Variable] = []
        if let variables {
            for name in variables {
                let v = try data.numeric(name, in: input)
                guard v.column.isRecordVarying, v.column.records == records else {
                    throw data.error("variable '\(name)' must vary by record (\(records) records like '\(epoch)')")
                }
                chosen.append(v)
            }
        } else {
            chosen = input.variables.filter {
                $0.name != epoch && $0.column.isRecordVarying && $0.column.records == records && NumericColumn.isNumeric($0.column.elementType)
            }
        }
        let bins = try EpochBins(epoch: time.column, day: context.day, cadence: cadence, data: data)
        var out: [Variable] = [Variable(epoch, try bins.epochColumn(data: data, name: epoch), attributes: time.attributes)]
        for v in input.variables {
            if chosen.contains(where: { $0.name == v.name }) {
                out.append(Variable(v.name, try bins.mean(v.column, data: data, name: v.name), dimensions: v.dimensionNames))
            } else if !v.column.isRecordVarying {
                out.append(v)
            }
        }
        if !out.contains(where: { $0.name == count }) {
            out.append(Variable(count, try bins.countColumn(data: data, name: count)))
        }
        return try data.build(out, attributes: input.attributes)
    }
}

/// `spectrogram`: `average` for one `[bins]` variable (e.g. count rates per energy step) and its
/// support variable (e.g. the energies), which is kept as it is when it does not vary by record and
/// averaged when it does.
///
/// Parameters: `variable` (required, shape `[bins]`), `cadence` (required, seconds), `support`
/// (variable whose last dimension is `bins`), `epoch` (default `epoch`), `count` (default `count`).
/// Other record-varying variables are dropped. Costs as `average`.
struct SpectrogramStep: ProductAlgorithm {
    static let name = "spectrogram"
    var variable: String
    var support: String?
    var cadence: Int64
    var epoch: String
    var count: String

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["variable", "support", "cadence", "epoch", "count"])
        variable = try p.requiredString("variable")
        support = try p.string("support")
        cadence = try p.requiredNanoseconds("cadence")
        epoch = try p.string("epoch") ?? "epoch"
        count = try p.string("count") ?? "count"
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let v = try data.numeric(variable, in: input)
        guard v.column.shape.count == 1 else {
            throw data.error("variable '\(variable)' must have one dimension per record (bins); it has shape \(v.column.shape)")
        }
        var averaged = [variable]
        if let support {
            let s = try data.variable(support, in: input)
            guard s.column.shape.last == v.column.shape[0] else {
                throw data.error("support variable '\(support)' has shape \(s.column.shape); its last dimension must be \(v.column.shape[0]) like '\(variable)'")
            }
            if s.column.isRecordVarying { averaged.append(support) }
        }
        let kept = input.variables.filter {
            !$0.column.isRecordVarying || $0.name == epoch || averaged.contains($0.name)
        }
        let reduced = try data.build(kept, attributes: input.attributes)
        return try AverageStep.average(reduced, context: context, step: Self.name, cadence: cadence, epoch: epoch,
                                       variables: averaged, count: count)
    }
}
