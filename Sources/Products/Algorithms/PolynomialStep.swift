import Dataset

/// `polynomial`: `c0 + c1 x + c2 x^2 + ...` of a numeric variable (any shape), as float64.
///
/// Parameters: `variable` (required), `coefficients` (required, c0 first), `name` (default `variable`:
/// replaces it). Fill and NaN inputs give fill. Costs one Horner evaluation per element.
struct PolynomialStep: ProductAlgorithm {
    static let name = "polynomial"
    var variable: String
    var coefficients: [Double]
    var output: String

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["variable", "coefficients", "name"])
        variable = try p.requiredString("variable")
        coefficients = try p.requiredDoubleList("coefficients")
        output = try p.string("name") ?? variable
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let source = try data.numeric(variable, in: input)
        var column = try data.column(.float64, records: source.column.records, shape: source.column.shape, for: output)
        column.fill(Double.self) { out in _ = NumericColumn.visit(source.column, PolynomialKernel(coefficients: coefficients, out: out)) }
        let v = Variable(output, column, dimensions: source.dimensionNames, attributes: output == variable ? source.attributes : [:])
        return try data.put(v, into: input, after: variable)
    }
}

struct PolynomialKernel: NumericKernel {
    var coefficients: [Double]
    var out: UnsafeMutableBufferPointer<Double>
    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) {
        coefficients.withUnsafeBufferPointer { c in
            for i in 0..<values.count {
                let v = values[i]
                if v.isFillOrNaN { out[i] = Fill.float64; continue }
                let x = v.doubleValue
                var y = 0.0
                var k = c.count - 1
                while k >= 0 { y = y * x + c[k]; k -= 1 }
                out[i] = y
            }
        }
    }
}
