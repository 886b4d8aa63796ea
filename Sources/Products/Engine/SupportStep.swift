import Dataset
import Foundation

/// `support`: adds a non-record-varying support variable (energies, bin centres) to the dataset,
/// either from a CSV table (`table:`, one value per row from column `column`, default the last) or
/// copied from another input of the product (`input:` + `variable:`, e.g. a join's energy table).
/// Parameters: `name` (required with `table`; default `variable`), `table`, `column`, `input`, `variable`.
///
/// The engine provides this step (the standard library has no table-to-variable step). Costs one
/// read of the table at load time and one small column per product.
struct SupportStep: ProductAlgorithm {
    static let name = "support"
    enum Source: Sendable { case values([Double]), input(String, String) }
    let source: Source
    let output: String

    static let factory: AlgorithmFactory = { parameters, directory throws(ConfigurationError) in
        try SupportStep(parameters, directory: directory)
    }

    init(_ parameters: ConfigValue, directory: String) throws(ConfigurationError) {
        let entries = try parameters.mapEntries("parameters of step 'support'", allowed: ["table", "column", "name", "input", "variable"])
        func field(_ k: String) -> ConfigValue? { entries.first { $0.key == k }?.value }
        if let t = field("table") {
            let name = try t.requireString("table")
            let path = name.hasPrefix("/") ? name : directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw t.error("cannot read table file '\(name)' (looked for \(path))")
            }
            let column = try field("column")?.requireInt("column")
            var values: [Double] = []
            var lineNumber = 0
            var first = true
            for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
                lineNumber += 1
                var line = Substring(raw)
                if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                if fields.allSatisfy(\.isEmpty) { continue }
                defer { first = false }
                let index = column ?? fields.count - 1
                guard index >= 0, index < fields.count else {
                    throw ConfigurationError("no column \(index) in this row", at: ConfigLocation(file: path, line: lineNumber))
                }
                guard let v = Double(fields[index]) else {
                    if first { continue }
                    throw ConfigurationError("'\(fields[index])' is not a number", at: ConfigLocation(file: path, line: lineNumber))
                }
                values.append(v)
            }
            guard !values.isEmpty else { throw t.error("table '\(name)' has no values") }
            guard let n = field("name") else { throw parameters.error("step 'support' with a table needs 'name'") }
            source = .values(values)
            output = try n.requireString("name")
        } else if let i = field("input") {
            guard let v = field("variable") else { throw parameters.error("step 'support' with 'input' needs 'variable'") }
            let variable = try v.requireString("variable")
            source = .input(try i.requireString("input"), variable)
            output = try field("name")?.requireString("name") ?? variable
        } else {
            throw parameters.error("step 'support' needs 'table' or 'input'")
        }
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let variable: Variable
        switch source {
        case .values(let values):
            do {
                variable = Variable(output, try Column(values, shape: [values.count], recordVarying: false), dimensions: [output])
            } catch { throw ProductError(product: context.product, "support '\(output)': \(error)") }
        case .input(let name, let source):
            guard let other = context.inputs[name] else { throw ProductError(product: context.product, "support: no input '\(name)'") }
            guard var v = other[source] else { throw ProductError(product: context.product, "support: input '\(name)' has no variable '\(source)'") }
            v.name = output
            variable = v
        }
        var out = Dataset(attributes: input.attributes)
        do {
            for v in input.variables where v.name != output { try out.add(v) }
            try out.add(variable)
        } catch { throw ProductError(product: context.product, "support '\(output)': \(error)") }
        return out
    }
}
