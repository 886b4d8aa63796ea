import Dataset
import Decom
import PacketDefinitions

/// `xtce_calibrate`: engineering values of raw parameter columns from the calibrators of an XTCE
/// (or CSV) definition file, and text labels of enumerated and boolean parameters, computed the way
/// Decom computes them at decode time (`CalibrationFunction`, the same sum term by term).
///
/// Parameters: `definitions` (required, file relative to the mission directory), `parameters` (list;
/// default every parameter of the file with a calibrator or labels that is in the dataset), `suffix`
/// (default `_eng`), `replace` (default false: when true the float64 column takes the raw column's
/// name and place), `labels` (default true), `label_suffix` (default `_label`).
/// Context calibrators are supported when their conditions compare other scalar columns of the
/// dataset (by parameter name, raw values) with literals or enumeration labels.
/// Costs one calibrator evaluation per element (a few multiplies) and one label copy per label.
struct XTCECalibrateStep: ProductAlgorithm {
    static let name = "xtce_calibrate"

    /// A condition on the record's raw values of other parameters.
    indirect enum Condition: Sendable {
        case compare(variable: String, op: ComparisonOperator, value: Double)
        case all([Condition])
        case any([Condition])
    }

    struct Target: Sendable {
        var parameter: String
        var function: CalibrationFunction?
        var contexts: [(condition: Condition, function: CalibrationFunction)]
        /// Raw ranges to labels (enumerations and booleans).
        var labels: [(range: ClosedRange<Int64>, label: String)]
    }

    var targets: [Target]
    /// Whether `parameters` was given (then every target must be in the dataset).
    var explicit: Bool
    var suffix: String
    var replace: Bool
    var makeLabels: Bool
    var labelSuffix: String

    init(_ parameters: ConfigValue, missionDirectory: String) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name,
                                   allowed: ["definitions", "parameters", "suffix", "replace", "labels", "label_suffix"])
        guard let (path, location) = try p.path("definitions", missionDirectory: missionDirectory) else {
            throw ConfigurationError("step 'xtce_calibrate' needs parameter 'definitions' (a definition file)", at: p.location)
        }
        let set: DefinitionSet
        do { set = try DefinitionSet.load(contentsOf: path) } catch {
            if case .unreadable = error.kind {
                throw ConfigurationError("cannot read definitions file '\(path)': \(error.message)", at: location)
            }
            throw ConfigurationError(error.message, at: ConfigLocation(file: error.file, line: error.line ?? 0))
        }
        suffix = try p.string("suffix") ?? "_eng"
        replace = try p.bool("replace") ?? false
        makeLabels = try p.bool("labels") ?? true
        labelSuffix = try p.string("label_suffix") ?? "_label"
        var targets: [Target] = []
        if let names = try p.stringList("parameters") {
            explicit = true
            let items = p["parameters"]!.list ?? [p["parameters"]!]
            for (name, item) in zip(names, items) {
                guard let parameter = set.parameter(named: name) else {
                    throw ConfigurationError("parameter '\(name)' is not defined in '\(path)'", at: item.location)
                }
                guard let t = try Self.target(parameter, set) else {
                    throw ConfigurationError("parameter '\(name)' has no calibrator and no labels in '\(path)'", at: item.location)
                }
                targets.append(t)
            }
        } else {
            explicit = false
            var seen = Set<String>()
            for parameter in set.parameters where seen.insert(parameter.name).inserted {
                if let t = try Self.target(parameter, set) { targets.append(t) }
            }
        }
        self.targets = targets
    }

    /// What to compute for a parameter (through array types to their element type), or nil.
    static func target(_ parameter: Parameter, _ set: DefinitionSet) throws(ConfigurationError) -> Target? {
        var type = set.type(of: parameter.id)
        var depth = 0
        while case .array(let info) = type.kind, depth < 8 { type = set[info.elementType]; depth += 1 }
        var t = Target(parameter: parameter.name, function: nil, contexts: [], labels: [])
        switch type.kind {
        case .enumerated(let entries):
            t.labels = entries.map { ($0.value...max($0.value, $0.maxValue), $0.label) }
            return t
        case .boolean(let one, let zero):
            t.labels = [(0...0, zero), (Int64.min...(-1), one), (1...Int64.max, one)]
            return t
        default: break
        }
        var contexts: [ContextCalibrator] = []
        switch type.encoding {
        case .integer(let e)?: t.function = e.defaultCalibrator.map(CalibrationFunction.init); contexts = e.contextCalibrators
        case .float(let e)?: t.function = e.defaultCalibrator.map(CalibrationFunction.init); contexts = e.contextCalibrators
        default: return nil
        }
        for c in contexts {
            t.contexts.append((try condition(c.match, set, at: parameter.source), CalibrationFunction(c.calibrator)))
        }
        return t.function == nil && t.contexts.isEmpty ? nil : t
    }

    static func condition(_ m: MatchCriteria, _ set: DefinitionSet, at source: SourceLocation) throws(ConfigurationError) -> Condition {
        switch m {
        case .all(let members):
            var out: [Condition] = []
            for x in members { out.append(try condition(x, set, at: source)) }
            return .all(out)
        case .any(let members):
            var out: [Condition] = []
            for x in members { out.append(try condition(x, set, at: source)) }
            return .any(out)
        case .comparison(let c):
            let referenced = set[c.parameter.parameter]
            let location = ConfigLocation(file: source.file, line: source.line)
            guard case .value(let text) = c.operand else {
                throw ConfigurationError("context calibrator compares '\(c.parameter.name)' with another parameter; only literals are supported here", at: location)
            }
            if let v = Double(text) ?? c.operand.integerValue.map(Double.init) {
                return .compare(variable: referenced.name, op: c.comparisonOperator, value: v)
            }
            if case .enumerated(let entries) = set.type(of: referenced.id).kind, let e = entries.first(where: { $0.label == text }) {
                return .compare(variable: referenced.name, op: c.comparisonOperator, value: Double(e.value))
            }
            throw ConfigurationError("context calibrator compares '\(c.parameter.name)' with '\(text)', which is neither a number nor one of its labels", at: location)
        }
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        var dataset = input
        for t in targets {
            guard let present = dataset[t.parameter] else {
                if explicit { _ = try data.variable(t.parameter, in: dataset) }
                continue
            }
            // Without a list, a same-named column that holds no numbers (text, bytes) is not a raw value.
            if !explicit && !NumericColumn.isNumeric(present.column.elementType) { continue }
            let source = try data.numeric(t.parameter, in: dataset)
            if !t.labels.isEmpty {
                guard makeLabels else { continue }
                let name = t.parameter + labelSuffix
                let column = try labels(source.column, t.labels, data: data, name: name)
                dataset = try data.put(Variable(name, column, dimensions: StepData.dimensions(of: source, for: column)), into: dataset, after: t.parameter)
                continue
            }
            let name = replace ? t.parameter : t.parameter + suffix
            let column = try calibrate(source.column, t, in: dataset, data: data, name: name)
            dataset = try data.put(Variable(name, column, dimensions: StepData.dimensions(of: source, for: column)), into: dataset, after: t.parameter)
        }
        return dataset
    }

    private func calibrate(_ source: Column, _ t: Target, in dataset: Dataset, data: StepData, name: String) throws(ProductError) -> Column {
        var column = try data.column(.float64, records: source.records, shape: source.shape, for: name)
        // One function per record: the first context whose condition holds, else the default.
        var perRecord: [Int] = []
        var functions: [CalibrationFunction?] = [t.function]
        if !t.contexts.isEmpty {
            var values: [String: [Double]] = [:]
            for (c, _) in t.contexts { try collect(c, dataset, data, &values) }
            functions += t.contexts.map { Optional($0.function) }
            perRecord = [Int](repeating: 0, count: source.records)
            for r in 0..<source.records {
                for (k, c) in t.contexts.enumerated() where Self.holds(c.condition, values, r) { perRecord[r] = k + 1; break }
            }
        }
        column.fill(Double.self) { out in
            let kernel = CalibrateKernel(functions: functions, perRecord: perRecord, elementsPerRecord: source.elementsPerRecord, out: out)
            _ = NumericColumn.visit(source, kernel)
        }
        return column
    }

    private func collect(_ c: Condition, _ dataset: Dataset, _ data: StepData, _ values: inout [String: [Double]]) throws(ProductError) {
        switch c {
        case .compare(let name, _, _):
            guard values[name] == nil else { return }
            let v = try data.numeric(name, in: dataset)
            guard v.column.shape.isEmpty else { throw data.error("variable '\(name)' (read by a context calibrator) must be a scalar per record") }
            values[name] = NumericColumn.visit(v.column, ToDoubles(scale: 1))!
        case .all(let m), .any(let m):
            for x in m { try collect(x, dataset, data, &values) }
        }
    }

    static func holds(_ c: Condition, _ values: [String: [Double]], _ r: Int) -> Bool {
        switch c {
        case .compare(let name, let op, let value): return op.holds(values[name]![r], value)
        case .all(let m): return m.allSatisfy { holds($0, values, r) }
        case .any(let m): return m.contains { holds($0, values, r) }
        }
    }

    private func labels(_ source: Column, _ entries: [(range: ClosedRange<Int64>, label: String)], data: StepData, name: String) throws(ProductError) -> Column {
        guard NumericColumn.isInteger(source.elementType) else { throw data.error("variable '\(name)' must hold integers to take labels") }
        let width = max(1, entries.map { $0.label.utf8.count }.max() ?? 1)
        var column = try data.column(.string(width: width), records: source.records, shape: source.shape, for: name)
        let raw = NumericColumn.visit(source, ToInt64s())!
        let encoded = entries.map { (range: $0.range, bytes: Array($0.label.utf8)) }
        column.withUnsafeMutableBytes { out in
            for i in 0..<raw.count {
                guard let e = encoded.first(where: { $0.range.contains(raw[i]) }) else { continue }
                for (k, b) in e.bytes.enumerated() { out[i * width + k] = b }
            }
        }
        return column
    }
}

/// Applies one of `functions` per record (index from `perRecord`, or the first when it is empty);
/// a nil function keeps the raw value, a NaN result becomes fill.
struct CalibrateKernel: NumericKernel {
    var functions: [CalibrationFunction?]
    var perRecord: [Int]
    var elementsPerRecord: Int
    var out: UnsafeMutableBufferPointer<Double>

    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) {
        let isFloat = T.elementType == .float32 || T.elementType == .float64
        let epr = max(elementsPerRecord, 1)
        for i in 0..<values.count {
            let f = functions[perRecord.isEmpty ? 0 : perRecord[i / epr]]
            let v = values[i]
            let raw = isFloat ? ScalarValue(double: v.doubleValue) : ScalarValue(integer: v.int64Value)
            let e = f.map { $0.apply(raw) } ?? raw.double
            out[i] = e.isNaN ? Fill.float64 : e
        }
    }
}
