import Dataset

/// `scale_by_index`: physical units from counts with a factor chosen per record by an index
/// variable (a magnetometer's range -> nT per count), minus per-component offsets:
/// `out[r, ..., c] = value[r, ..., c] * factors[index[r]] - offsets[c]`.
///
/// Parameters: `variable` (required, numeric, any shape), `index` (required, integer scalar per
/// record), `factors` (required, list: the factor for index 0, 1, ...), `offsets` (list, one per
/// element of the last dimension) or `offsets_table` (CSV file: one data row of those numbers, or
/// one `name,offset` row per component in order, e.g. `x,0.412` `y,-0.275` `z,0.138`),
/// `name` (default `variable`: replaces it). An index outside the list, or a fill input, gives fill.
/// Costs a multiply and a subtract per element.
struct ScaleByIndexStep: ProductAlgorithm {
    static let name = "scale_by_index"
    var variable: String
    var index: String
    var factors: [Double]
    var offsets: [Double]?
    var output: String

    init(_ parameters: ConfigValue, missionDirectory: String) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["variable", "index", "factors", "offsets", "offsets_table", "name"])
        variable = try p.requiredString("variable")
        index = try p.requiredString("index")
        factors = try p.requiredDoubleList("factors")
        output = try p.string("name") ?? variable
        offsets = try p.doubleList("offsets")
        if let (path, location) = try p.path("offsets_table", missionDirectory: missionDirectory) {
            guard offsets == nil else {
                throw ConfigurationError("give either 'offsets' or 'offsets_table' to step 'scale_by_index', not both", at: location)
            }
            let table = try TableFile(path: path, referencedAt: location, labelled: true)
            if let first = table.rows.first, first.label != nil {
                // One `name,offset` row per component.
                for row in table.rows where row.label == nil || row.values.count != 1 {
                    throw ConfigurationError("expected a 'name,offset' row like the first one", at: table.location(row))
                }
                offsets = table.rows.map { $0.values[0] }
            } else {
                guard table.rows.count == 1 else {
                    let at = table.rows.count > 1 ? table.location(table.rows[1]) : location
                    throw ConfigurationError("offsets table '\(path)' must have one row of numbers (or one 'name,offset' row per component), found \(table.rows.count) rows", at: at)
                }
                offsets = table.rows[0].values
            }
        }
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let source = try data.numeric(variable, in: input)
        let indexVariable = try data.numeric(index, in: input)
        let records = source.column.records
        guard NumericColumn.isInteger(indexVariable.column.elementType), indexVariable.column.shape.isEmpty,
              indexVariable.column.records == records else {
            throw data.error("index variable '\(index)' must be an integer scalar with \(records) records like '\(variable)'")
        }
        let components = source.column.shape.last ?? 1
        if let offsets, offsets.count != components {
            throw data.error("variable '\(variable)' has \(components) components in its last dimension but \(offsets.count) offsets are given")
        }
        var column = try data.column(.float64, records: records, shape: source.column.shape, for: output)
        let offsets = self.offsets ?? [Double](repeating: 0, count: components)
        column.fill(Double.self) { out in
            _ = NumericColumn.visit(source.column, ScaleKernel(index: indexVariable.column, factors: factors, offsets: offsets,
                                                               elementsPerRecord: source.column.elementsPerRecord, out: out))
        }
        let v = Variable(output, column, dimensions: source.dimensionNames, attributes: output == variable ? source.attributes : [:])
        return try data.put(v, into: input, after: variable)
    }
}

/// `out = value * factors[index[record]] - offsets[component]`, records in parallel ranges. The factor
/// of each record is looked up a block of records at a time into a small buffer: a day-long column of
/// per-record factors would be gigabytes of fresh memory for one multiply each.
struct ScaleKernel: NumericKernel {
    var index: Column
    var factors: [Double]
    var offsets: [Double]
    var elementsPerRecord: Int
    var out: UnsafeMutableBufferPointer<Double>

    static let block = 4096

    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) {
        let epr = elementsPerRecord, k = offsets.count
        guard epr > 0, k > 0 else { return }
        let groups = epr / k
        let records = values.count / epr
        ParallelRecords.forEach(records: records) { range in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: Self.block) { f in
                offsets.withUnsafeBufferPointer { off in
                    var first = range.lowerBound
                    while first < range.upperBound {
                        let last = min(range.upperBound, first + Self.block)
                        _ = NumericColumn.visit(index, RecordFactors(records: first..<last, factors: factors, into: f))
                        for r in first..<last {
                            let factor = f[r - first]
                            let base = r * epr
                            if factor.isNaN {
                                for e in 0..<epr { out[base + e] = Fill.float64 }
                                continue
                            }
                            for g in 0..<groups {
                                for c in 0..<k {
                                    let i = base + g * k + c
                                    let v = values[i]
                                    out[i] = v.isFillOrNaN ? Fill.float64 : v.doubleValue * factor - off[c]
                                }
                            }
                        }
                        first = last
                    }
                }
            }
        }
    }
}

/// The factor of each record of `records` (NaN where the index has none) into `into[0...]`.
struct RecordFactors: NumericKernel {
    var records: Range<Int>
    var factors: [Double]
    var into: UnsafeMutableBufferPointer<Double>

    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) {
        let n = Int64(factors.count)
        factors.withUnsafeBufferPointer { table in
            for r in records {
                let i = values[r].int64Value
                into[r - records.lowerBound] = i >= 0 && i < n && !values[r].isFillOrNaN ? table[Int(i)] : .nan
            }
        }
    }
}
