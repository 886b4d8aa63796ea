import Dataset
import CDF

/// Helpers every step uses to read its input and build its output: look-ups that fail with a
/// `ProductError` naming the variable, and rebuilding a dataset with variables replaced, added or
/// removed (a `Dataset` only appends, so edits rebuild it; columns are shared, never copied).
///
/// Costs one pass over the variable list per edit.
struct StepData {
    let context: AlgorithmContext
    let step: String

    init(_ context: AlgorithmContext, step: String) { self.context = context; self.step = step }

    func error(_ message: String) -> ProductError {
        ProductError(product: context.product, "step '\(step)': \(message)")
    }

    func variable(_ name: String, in dataset: Dataset) throws(ProductError) -> Variable {
        guard let v = dataset[name] else {
            throw error("variable '\(name)' is not in the dataset (it has \(dataset.variables.map(\.name).joined(separator: ", ")))")
        }
        return v
    }

    /// A record-varying numeric variable.
    func numeric(_ name: String, in dataset: Dataset) throws(ProductError) -> Variable {
        let v = try variable(name, in: dataset)
        guard NumericColumn.isNumeric(v.column.elementType) else {
            throw error("variable '\(name)' has type \(v.column.elementType), not a number")
        }
        return v
    }

    /// A time variable (TT2000).
    func epoch(_ name: String, in dataset: Dataset) throws(ProductError) -> Variable {
        let v = try variable(name, in: dataset)
        guard v.column.elementType == .tt2000 || v.column.elementType == .int64, v.column.shape.isEmpty else {
            throw error("variable '\(name)' is not a scalar TT2000 time (it is \(v.column.elementType) with shape \(v.column.shape))")
        }
        return v
    }

    /// Builds a dataset with `dataset`'s attributes from `variables`.
    func build(_ variables: [Variable], attributes: Attributes) throws(ProductError) -> Dataset {
        var out = Dataset(attributes: attributes)
        for v in variables {
            do { try out.add(v) } catch { throw self.error("cannot add variable '\(v.name)': \(error)") }
        }
        return out
    }

    /// `dataset` with `variable` in place of the variable of the same name, or added after `after`
    /// (at the end when `after` is nil or absent).
    func put(_ variable: Variable, into dataset: Dataset, after: String? = nil) throws(ProductError) -> Dataset {
        var list = dataset.variables
        if let i = list.firstIndex(where: { $0.name == variable.name }) {
            list[i] = variable
        } else if let after, let i = list.firstIndex(where: { $0.name == after }) {
            list.insert(variable, at: i + 1)
        } else {
            list.append(variable)
        }
        return try build(list, attributes: dataset.attributes)
    }

    /// A new column, failing with a `ProductError` (allocation or shape problems).
    func column(_ type: ElementType, records: Int, shape: [Int], for name: String) throws(ProductError) -> Column {
        do { return try Column.make(type: type, records: records, shape: shape) } catch {
            throw self.error("cannot allocate '\(name)': \(error)")
        }
    }

    /// A column from values (small support data).
    func values<T: ColumnScalar>(_ values: [T], shape: [Int] = [], recordVarying: Bool = true, for name: String) throws(ProductError) -> Column {
        do { return try Column(values, shape: shape, recordVarying: recordVarying) } catch {
            throw self.error("cannot make '\(name)': \(error)")
        }
    }

    /// Keeps a variable's dimension names when its new column has the same shape.
    static func dimensions(of source: Variable, for column: Column) -> [String] {
        source.column.shape == column.shape ? source.dimensionNames : []
    }
}

/// The TT2000 instants that bound a UTC day (leap seconds from the CDF module's built-in table).
enum DayBounds {
    static func tt2000(_ day: MissionDay) -> Int64 {
        // The built-in table covers every date after 1972; earlier days cannot be products here.
        (try? TT2000Converter().tt2000(.init(day.year, day.month, day.day))) ?? Fill.tt2000
    }

    /// Start (inclusive) and end (exclusive) of `day`.
    static func bounds(_ day: MissionDay) -> (start: Int64, end: Int64) {
        (tt2000(day), tt2000(day.adding(days: 1)))
    }
}

extension Column {
    /// Typed read access (the caller has checked the type); the pointer must not escape `body`.
    func withTyped<T: ColumnScalar, R>(_: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        let n = count
        return try withUnsafeBytes { raw in
            try body(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: T.self), count: n))
        }
    }

    /// Typed write access to a column this code just made (its element type is `T`'s, or tt2000 for Int64).
    mutating func fill<T: ColumnScalar>(_: T.Type, _ body: (UnsafeMutableBufferPointer<T>) -> Void) {
        let n = count
        withUnsafeMutableBytes { raw in
            body(UnsafeMutableBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: T.self), count: n))
        }
    }
}
