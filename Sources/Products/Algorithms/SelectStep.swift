import Dataset

/// `select`: keeps only some variables (`keep`) or removes some (`drop`); the dataset's order stays.
///
/// Parameters: exactly one of `keep` and `drop` (lists of names). A named variable that is not in
/// the dataset is an error. Costs nothing per record (columns are shared).
struct SelectStep: ProductAlgorithm {
    static let name = "select"
    var names: [String]
    var keep: Bool

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["keep", "drop"])
        let keep = try p.stringList("keep"), drop = try p.stringList("drop")
        switch (keep, drop) {
        case let (k?, nil): names = k; self.keep = true
        case let (nil, d?): names = d; self.keep = false
        default: throw ConfigurationError("step 'select' takes exactly one of 'keep' and 'drop'", at: p.location)
        }
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        for n in names { _ = try data.variable(n, in: input) }
        return try data.build(input.variables.filter { names.contains($0.name) == keep }, attributes: input.attributes)
    }
}

/// `rename`: renames variables in place. The parameters are the map `old: new`.
///
/// A missing old name or a new name that is already taken is an error. Costs nothing per record.
struct RenameStep: ProductAlgorithm {
    static let name = "rename"
    var pairs: [(old: String, new: String)]

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        guard let entries = parameters.entries, !entries.isEmpty else {
            throw ConfigurationError("step 'rename' takes a map of old: new variable names", at: parameters.location)
        }
        var pairs: [(String, String)] = []
        for (old, value) in entries {
            guard let new = value.string, !new.isEmpty else {
                throw ConfigurationError("the new name of '\(old)' in step 'rename' must be a non-empty string", at: value.location)
            }
            pairs.append((old, new))
        }
        self.pairs = pairs
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        var list = input.variables
        for (old, new) in pairs {
            guard let i = list.firstIndex(where: { $0.name == old }) else { _ = try data.variable(old, in: input); continue }
            guard old == new || !list.contains(where: { $0.name == new }) else {
                throw data.error("cannot rename '\(old)' to '\(new)': a variable '\(new)' exists")
            }
            list[i].name = new
        }
        return try data.build(list, attributes: input.attributes)
    }
}
