import Dataset

/// `daily_statistics`: per UTC day, the mean, minimum and maximum of chosen variables over several
/// days of data (a 7-day-window L3): the step's input and other inputs of the product (e.g. the
/// previous days of the same product) taken together.
///
/// Parameters: `variables` (required, list), `inputs` (list of other input names whose records are
/// added to the step's input; absent inputs are skipped, as soft dependencies may be), `epoch`
/// (default `epoch`). Output: one record per day with data, in day order: epoch at the day's
/// noon (12:00 UTC), float64 `NAME_mean`, `NAME_min`, `NAME_max` per element (fill and NaN left out;
/// fill where a day has no valid value), uint32 `count` (records of the day).
/// Costs one day look-up (two compares) and three updates per element.
struct DailyStatisticsStep: ProductAlgorithm {
    static let name = "daily_statistics"
    var variables: [String]
    var inputs: [String]
    var epoch: String

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["variables", "inputs", "epoch"])
        variables = try p.requiredStringList("variables")
        inputs = try p.stringList("inputs") ?? []
        epoch = try p.string("epoch") ?? "epoch"
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let sources = [input] + inputs.compactMap { context.inputs[$0] }
        // Day of every record of every source.
        var dayOf: [[Int]] = []
        var locator = DayLocator()
        for s in sources {
            let t = try data.epoch(epoch, in: s)
            dayOf.append(t.column.withTyped(Int64.self) { times in times.map { $0 == Fill.tt2000 ? Int.min : locator.day(of: $0) } })
        }
        let valid = dayOf.joined().filter { $0 != Int.min }
        guard let first = valid.min(), let last = valid.max() else {
            throw data.error("no records with a time in '\(epoch)' to compute daily statistics from")
        }
        var slot = [Int](repeating: -1, count: last - first + 1)
        for d in valid { slot[d - first] = 0 }
        var days: [Int] = []
        for i in 0..<slot.count where slot[i] == 0 { slot[i] = days.count; days.append(first + i) }
        var counts = [UInt32](repeating: 0, count: days.count)
        for d in valid { counts[slot[d - first]] += 1 }

        var out: [Variable] = []
        let noons = days.map { DayBounds.tt2000(MissionDay(dayNumber: $0)) + 43_200_000_000_000 }
        var epochColumn = try data.column(.tt2000, records: days.count, shape: [], for: epoch)
        epochColumn.fill(Int64.self) { o in _ = o.initialize(from: noons) }
        out.append(Variable(epoch, epochColumn))
        for name in variables {
            var shape: [Int]?
            var stats = DailyAccumulator(days: days.count, elementsPerRecord: 0)
            for (k, s) in sources.enumerated() {
                let v: Variable
                do { v = try data.numeric(name, in: s) } catch {
                    throw k == 0 ? error : data.error("input '\(inputs[k - 1])': \(error.message)")
                }
                if shape == nil {
                    shape = v.column.shape
                    stats = DailyAccumulator(days: days.count, elementsPerRecord: v.column.elementsPerRecord)
                }
                guard v.column.shape == shape, v.column.records == dayOf[k].count else {
                    throw data.error("variable '\(name)' has shape \(v.column.shape) and \(v.column.records) records in one input, shape \(shape!) in another (or not one value per '\(epoch)')")
                }
                let index = dayOf[k].map { $0 == Int.min ? -1 : slot[$0 - first] }
                stats = NumericColumn.visit(v.column, DailyKernel(accumulator: stats, slots: index))!
            }
            for (suffix, values) in [("_mean", stats.means), ("_min", stats.minimum), ("_max", stats.maximum)] {
                var column = try data.column(.float64, records: days.count, shape: shape ?? [], for: name + suffix)
                column.fill(Double.self) { o in _ = o.initialize(from: values) }
                out.append(Variable(name + suffix, column))
            }
        }
        var countColumn = try data.column(.uint32, records: days.count, shape: [], for: "count")
        countColumn.fill(UInt32.self) { o in _ = o.initialize(from: counts) }
        out.append(Variable("count", countColumn))
        return try data.build(out, attributes: input.attributes)
    }
}

/// Sums, valid counts, minima and maxima per (day, element).
struct DailyAccumulator {
    var elementsPerRecord: Int
    var sum: [Double], n: [Int], minimum: [Double], maximum: [Double]

    init(days: Int, elementsPerRecord: Int) {
        self.elementsPerRecord = elementsPerRecord
        let size = days * elementsPerRecord
        sum = [Double](repeating: 0, count: size)
        n = [Int](repeating: 0, count: size)
        minimum = [Double](repeating: Fill.float64, count: size)
        maximum = [Double](repeating: Fill.float64, count: size)
    }

    var means: [Double] { zip(sum, n).map { $1 > 0 ? $0 / Double($1) : Fill.float64 } }
}

struct DailyKernel: NumericKernel {
    var accumulator: DailyAccumulator
    var slots: [Int]
    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) -> DailyAccumulator {
        var a = accumulator
        let epr = a.elementsPerRecord
        for r in 0..<slots.count where slots[r] >= 0 {
            for e in 0..<epr {
                let v = values[r * epr + e]
                if v.isFillOrNaN { continue }
                let x = v.doubleValue
                let i = slots[r] * epr + e
                if a.n[i] == 0 { a.minimum[i] = x; a.maximum[i] = x } else {
                    if x < a.minimum[i] { a.minimum[i] = x }
                    if x > a.maximum[i] { a.maximum[i] = x }
                }
                a.sum[i] += x
                a.n[i] += 1
            }
        }
        return a
    }
}

/// The UTC day (days since 1970-01-01) of a TT2000 time: a guess from the J2000 offset, corrected
/// against the day's leap-second-aware bounds, which are cached for the next (usually same-day) time.
struct DayLocator {
    private var cached: (day: Int, start: Int64, end: Int64)?

    mutating func day(of t: Int64) -> Int {
        if let c = cached, t >= c.start, t < c.end { return c.day }
        // TT2000 0 is 2000-01-01T11:58:55.816 UTC (day 10957); leap seconds move it by under a minute.
        var day = 10957 + Int(((Double(t) / 1e9 + 43_135.816) / 86_400).rounded(.down))
        for _ in 0..<4 {
            let (start, end) = DayBounds.bounds(MissionDay(dayNumber: day))
            if t < start { day -= 1 } else if t >= end { day += 1 } else { cached = (day, start, end); return day }
        }
        return day
    }
}
