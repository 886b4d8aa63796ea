import Dataset

/// `divide`: one variable by another, per record (count rates from counts and accumulation times):
/// `out = variable / (by * scale)`, float64.
///
/// Parameters: `variable` (required, numeric, any shape), `by` (required, numeric: a scalar per
/// record, applied to every element of the record, or the same shape as `variable`), `scale` (the
/// divisor's multiplier, default 1; 0.001 turns milliseconds into seconds), `name` (default
/// `variable`: replaces it). A zero or fill divisor, or a fill numerator, gives fill.
/// Costs one divide per element.
struct DivideStep: ProductAlgorithm {
    static let name = "divide"
    var variable: String
    var divisor: String
    var scale: Double
    var output: String

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["variable", "by", "scale", "name"])
        variable = try p.requiredString("variable")
        divisor = try p.requiredString("by")
        scale = try p.double("scale") ?? 1
        guard scale != 0 else { throw ConfigurationError("parameter 'scale' of step 'divide' must not be 0", at: p["scale"]!.location) }
        output = try p.string("name") ?? variable
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let source = try data.numeric(variable, in: input)
        let by = try data.numeric(divisor, in: input)
        let records = source.column.records
        guard by.column.records == records, by.column.shape.isEmpty || by.column.shape == source.column.shape else {
            throw data.error("divisor '\(divisor)' (shape \(by.column.shape), \(by.column.records) records) must be a scalar per record or shaped like '\(variable)' (\(source.column.shape), \(records) records)")
        }
        // Divisors as doubles, fill marked NaN, scale applied once.
        let divisors = NumericColumn.visit(by.column, DivisorKernel(scale: scale))!
        var column = try data.column(.float64, records: records, shape: source.column.shape, for: output)
        let stride = by.column.shape.isEmpty ? max(source.column.elementsPerRecord, 1) : 1
        column.fill(Double.self) { out in
            _ = NumericColumn.visit(source.column, DivideKernel(divisors: divisors, elementsPerDivisor: stride, out: out))
        }
        let v = Variable(output, column, dimensions: source.dimensionNames, attributes: output == variable ? source.attributes : [:])
        return try data.put(v, into: input, after: variable)
    }
}

struct DivisorKernel: NumericKernel {
    var scale: Double
    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) -> [Double] {
        values.map { $0.isFillOrNaN ? .nan : $0.doubleValue * scale }
    }
}

struct DivideKernel: NumericKernel {
    var divisors: [Double]
    var elementsPerDivisor: Int
    var out: UnsafeMutableBufferPointer<Double>
    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) {
        divisors.withUnsafeBufferPointer { d in
            for i in 0..<values.count {
                let q = d[i / elementsPerDivisor]
                let v = values[i]
                out[i] = q == 0 || q.isNaN || v.isFillOrNaN ? Fill.float64 : v.doubleValue / q
            }
        }
    }
}
