import Dataset

/// `decompress`: replaces compressed codes by the values of a lookup table (e.g. quasi-logarithmic
/// 8-bit count codes to counts), for an integer variable of any shape.
///
/// Parameters: `variable` (required, integers), `table` (required, CSV `code,value` per line, codes
/// 0...16777215), `type` (`uint32` default, or `float64`), `name` (default `variable`: replaces it).
/// Codes the table does not list become fill. Costs one array index per element; the table is read
/// once when the mission is loaded into a dense array indexed by code.
struct DecompressStep: ProductAlgorithm {
    static let name = "decompress"
    var variable: String
    var table: [Double]
    var known: [Bool]
    var asFloat: Bool
    var output: String

    init(_ parameters: ConfigValue, missionDirectory: String) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["variable", "table", "type", "name"])
        variable = try p.requiredString("variable")
        guard let (path, location) = try p.path("table", missionDirectory: missionDirectory) else {
            throw ConfigurationError("step 'decompress' needs parameter 'table' (a CSV file of code,value lines)", at: p.location)
        }
        asFloat = try p.choice("type", ["uint32", "float64"], default: "uint32") == "float64"
        output = try p.string("name") ?? variable
        let file = try TableFile(path: path, referencedAt: location)
        guard !file.rows.isEmpty else { throw ConfigurationError("table '\(path)' has no code,value lines", at: location) }
        var table: [Double] = []
        var known: [Bool] = []
        for row in file.rows {
            guard row.values.count == 2 else {
                throw ConfigurationError("expected 2 fields (code,value), found \(row.values.count)", at: file.location(row))
            }
            let code = row.values[0]
            guard code >= 0, code <= 16_777_215, code == code.rounded() else {
                throw ConfigurationError("code \(code) is not an integer in 0...16777215", at: file.location(row))
            }
            let value = row.values[1]
            if !asFloat, value < 0 || value >= 4_294_967_295 || value != value.rounded() {
                throw ConfigurationError("value \(value) does not fit uint32 (use type: float64)", at: file.location(row))
            }
            let c = Int(code)
            if c >= table.count {
                table += [Double](repeating: 0, count: c + 1 - table.count)
                known += [Bool](repeating: false, count: c + 1 - known.count)
            }
            guard !known[c] else { throw ConfigurationError("code \(c) is listed twice", at: file.location(row)) }
            table[c] = value
            known[c] = true
        }
        self.table = table
        self.known = known
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let source = try data.numeric(variable, in: input)
        guard NumericColumn.isInteger(source.column.elementType) else {
            throw data.error("variable '\(variable)' has type \(source.column.elementType); codes must be integers")
        }
        var column = try data.column(asFloat ? .float64 : .uint32, records: source.column.records, shape: source.column.shape, for: output)
        if asFloat {
            column.fill(Double.self) { out in _ = NumericColumn.visit(source.column, LookupKernel(table: table, known: known, fill: Fill.float64, out: out)) }
        } else {
            let table = self.table.map { UInt32($0) }
            column.fill(UInt32.self) { out in _ = NumericColumn.visit(source.column, LookupKernel(table: table, known: known, fill: Fill.uint32, out: out)) }
        }
        let v = Variable(output, column, dimensions: source.dimensionNames, attributes: output == variable ? source.attributes : [:])
        return try data.put(v, into: input, after: variable)
    }
}

/// `out[i] = table[code]`, or `fill` for codes the table does not list.
struct LookupKernel<Value>: NumericKernel {
    var table: [Value]
    var known: [Bool]
    var fill: Value
    var out: UnsafeMutableBufferPointer<Value>
    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) {
        let n = table.count
        table.withUnsafeBufferPointer { t in
            known.withUnsafeBufferPointer { k in
                for i in 0..<values.count {
                    let c = values[i].int64Value
                    out[i] = c >= 0 && c < n && k[Int(c)] ? t[Int(c)] : fill
                }
            }
        }
    }
}
