import Dataset

/// `magnitude`: the Euclidean norm of a vector variable (last dimension `k`, e.g. B [3] -> |B|),
/// float64 with the leading dimensions kept (a `[3]` vector gives a scalar per record).
///
/// Parameters: `variable` (required, numeric with at least one dimension), `name` (default
/// `variable` + `_magnitude`). A fill or NaN component gives fill. Costs k multiply-adds and a
/// square root per vector.
struct MagnitudeStep: ProductAlgorithm {
    static let name = "magnitude"
    var variable: String
    var output: String

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["variable", "name"])
        variable = try p.requiredString("variable")
        output = try p.string("name") ?? variable + "_magnitude"
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let source = try data.numeric(variable, in: input)
        guard let k = source.column.shape.last, k > 0 else {
            throw data.error("variable '\(variable)' must be a vector (shape [k]); it has shape \(source.column.shape)")
        }
        let shape = Array(source.column.shape.dropLast())
        var column = try data.column(.float64, records: source.column.records, shape: shape, for: output)
        column.fill(Double.self) { out in _ = NumericColumn.visit(source.column, NormKernel(k: k, out: out)) }
        let v = Variable(output, column, dimensions: shape.isEmpty ? [] : Array(source.dimensionNames.dropLast()))
        return try data.put(v, into: input, after: variable)
    }
}

struct NormKernel: NumericKernel {
    var k: Int
    var out: UnsafeMutableBufferPointer<Double>
    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) {
        ParallelRecords.forEach(records: out.count) { range in
            for j in range {
                var sum = 0.0
                var fill = false
                for c in 0..<k {
                    let v = values[j * k + c]
                    if v.isFillOrNaN { fill = true }
                    let x = v.doubleValue
                    sum += x * x
                }
                out[j] = fill ? Fill.float64 : sum.squareRoot()
            }
        }
    }
}
