import Dataset

/// `epoch`: the TT2000 time of each record from the spacecraft clock (MET) fields of its packet,
/// `clock.tt2000(met: coarse + fine / fine_scale)`, as a tt2000 variable placed first.
///
/// Parameters: `coarse` (required, MET seconds variable), `fine` (sub-second counts variable),
/// `fine_scale` (counts per second, default 65536), `name` (default `epoch`).
/// Costs one clock conversion per record and one output column.
struct EpochStep: ProductAlgorithm {
    static let name = "epoch"
    var coarse: String
    var fine: String?
    var fineScale: Double
    var output: String

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["coarse", "fine", "fine_scale", "name"])
        coarse = try p.requiredString("coarse")
        fine = try p.string("fine")
        fineScale = try p.double("fine_scale") ?? 65536
        guard fineScale > 0 else { throw ConfigurationError("parameter 'fine_scale' of step 'epoch' must be positive", at: p["fine_scale"]!.location) }
        output = try p.string("name") ?? "epoch"
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let coarseVariable = try data.numeric(coarse, in: input)
        let fineVariable = try fine.map { name throws(ProductError) in try data.numeric(name, in: input) }
        let records = coarseVariable.column.records
        guard coarseVariable.column.shape.isEmpty else { throw data.error("variable '\(coarse)' must be a scalar per record") }
        if let f = fineVariable, f.column.records != records || !f.column.shape.isEmpty {
            throw data.error("variable '\(f.name)' must be a scalar with \(records) records like '\(coarse)'")
        }
        let seconds = NumericColumn.visit(coarseVariable.column, ToDoubles(scale: 1))!
        var met = seconds
        if let f = fineVariable {
            let fraction = NumericColumn.visit(f.column, ToDoubles(scale: 1 / fineScale))!
            for i in 0..<records { met[i] += fraction[i] }
        }
        var column = try data.column(.tt2000, records: records, shape: [], for: output)
        convert(met, context.clock, into: &column)
        var list = input.variables.filter { $0.name != output }
        list.insert(Variable(output, column), at: 0)
        return try data.build(list, attributes: input.attributes)
    }

    /// Generic over the clock's concrete type: one direct call per record, no existential dispatch.
    private func convert<C: MissionClock>(_ met: [Double], _ clock: C, into column: inout Column) {
        column.fill(Int64.self) { out in
            for i in 0..<met.count { out[i] = clock.tt2000(met: met[i]) }
        }
    }
}

/// Copies a numeric column to doubles, times `scale`.
struct ToDoubles: NumericKernel {
    var scale: Double
    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) -> [Double] {
        [Double](unsafeUninitializedCapacity: values.count) { out, n in
            for i in 0..<values.count { out[i] = values[i].doubleValue * scale }
            n = values.count
        }
    }
}
