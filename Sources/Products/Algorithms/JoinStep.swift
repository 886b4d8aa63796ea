import Dataset

/// `join`: adds variables of another input of the product to the step's input, record by record on
/// time: for each input record, the other's record nearest in time within a tolerance (or with the
/// same epoch), fill where none matches (ISTP fill of the variable's type).
///
/// Parameters: `input` (required, the other input's name in the recipe), `variables` (list; default
/// every variable of the other input but its epoch; non-record-varying ones are copied as they are),
/// `mode` (`nearest` default, or `exact`), `tolerance` (seconds, default 0, nearest only), `epoch`
/// (default `epoch`, in both datasets), `prefix` (prepended to the taken variables' names, default
/// none). A taken name that already exists is an error (use `prefix`).
/// Costs a binary search per input record over the other's (sorted) epochs and one record copy per
/// taken variable and record.
struct JoinStep: ProductAlgorithm {
    static let name = "join"
    var other: String
    var variables: [String]?
    var exact: Bool
    var tolerance: Int64
    var epoch: String
    var prefix: String

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["input", "variables", "mode", "tolerance", "epoch", "prefix"])
        other = try p.requiredString("input")
        variables = try p.stringList("variables")
        exact = try p.choice("mode", ["nearest", "exact"], default: "nearest") == "exact"
        let t = try p.double("tolerance") ?? 0
        guard t >= 0, t < 1e9 else { throw ConfigurationError("parameter 'tolerance' of step 'join' must be a number of seconds >= 0", at: p["tolerance"]!.location) }
        if exact, p.has("tolerance") {
            throw ConfigurationError("parameter 'tolerance' of step 'join' applies to mode 'nearest' only", at: p["tolerance"]!.location)
        }
        tolerance = Int64((t * 1e9).rounded())
        epoch = try p.string("epoch") ?? "epoch"
        prefix = try p.string("prefix") ?? ""
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        guard let right = context.inputs[other] else {
            throw data.error("input '\(other)' is not among the product's inputs (\(context.inputs.keys.sorted().joined(separator: ", ")))")
        }
        let leftTime = try data.epoch(epoch, in: input)
        let rightTime: Variable
        do { rightTime = try data.epoch(epoch, in: right) } catch { throw data.error("input '\(other)': \(error.message)") }
        let match = matches(leftTime.column, rightTime.column)
        var out = input.variables
        let names = variables ?? right.variables.map(\.name).filter { $0 != epoch }
        var dimensionSizes: [String: Int] = [:]
        for (name, size) in input.dimensions { dimensionSizes[name] = size }
        for name in names {
            let source: Variable
            do { source = try data.variable(name, in: right) } catch { throw data.error("input '\(other)': \(error.message)") }
            let newName = prefix + name
            guard input[newName] == nil else {
                throw data.error("variable '\(newName)' taken from input '\(other)' is already in the dataset (give the step a 'prefix')")
            }
            var dims = source.dimensionNames.map { prefix + $0 }
            if zip(dims, source.column.shape).contains(where: { dimensionSizes[$0] != nil && dimensionSizes[$0] != $1 }) { dims = [] }
            for (d, s) in zip(dims, source.column.shape) { dimensionSizes[d] = s }
            guard source.column.isRecordVarying else {
                out.append(Variable(newName, source.column, dimensions: dims, attributes: source.attributes))
                continue
            }
            guard source.column.records == rightTime.column.records else {
                throw data.error("variable '\(name)' of input '\(other)' has \(source.column.records) records, its epoch \(rightTime.column.records)")
            }
            var column = try data.column(source.column.elementType, records: match.count, shape: source.column.shape, for: newName)
            let fill = Self.fillBytes(source.column.elementType)
            let recordBytes = source.column.bytesPerRecord
            let perRecord = source.column.elementsPerRecord
            source.column.withUnsafeBytes { src in
                column.withUnsafeMutableBytes { dst in
                    guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                    for r in 0..<match.count {
                        let target = d + r * recordBytes
                        let m = match[r]
                        if m >= 0 {
                            target.copyMemory(from: s + m * recordBytes, byteCount: recordBytes)
                        } else {
                            for e in 0..<perRecord { (target + e * fill.count).copyMemory(from: fill, byteCount: fill.count) }
                        }
                    }
                }
            }
            out.append(Variable(newName, column, dimensions: dims, attributes: source.attributes))
        }
        return try data.build(out, attributes: input.attributes)
    }

    /// For each left record, the matching right record or -1.
    func matches(_ left: Column, _ right: Column) -> [Int] {
        let rightTimes = right.withTyped(Int64.self) { Array($0) }
        // Right records by increasing time (usually already in order: the sort is then skipped).
        var order = Array(0..<rightTimes.count)
        if zip(rightTimes, rightTimes.dropFirst()).contains(where: { $0 > $1 }) {
            order.sort { rightTimes[$0] < rightTimes[$1] }
        }
        let sorted = order.map { rightTimes[$0] }
        return left.withTyped(Int64.self) { times in
            times.map { t -> Int in
                guard t != Fill.tt2000, !sorted.isEmpty else { return -1 }
                // First position with sorted[p] >= t.
                var lo = 0, hi = sorted.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if sorted[mid] < t { lo = mid + 1 } else { hi = mid }
                }
                var best = -1
                var bestDistance = Int64.max
                for p in (lo - 1)...lo where p >= 0 && p < sorted.count && sorted[p] != Fill.tt2000 {
                    let (diff, overflow) = sorted[p].subtractingReportingOverflow(t)
                    if overflow { continue }
                    let distance = diff.magnitude > UInt64(Int64.max) ? Int64.max : Int64(diff.magnitude)
                    if distance < bestDistance { best = p; bestDistance = distance }
                }
                guard best >= 0 else { return -1 }
                if exact ? bestDistance != 0 : bestDistance > tolerance { return -1 }
                return order[best]
            }
        }
    }

    /// One element's ISTP fill value as bytes (little-endian, as columns hold them); zeros for text
    /// and binary.
    static func fillBytes(_ type: ElementType) -> [UInt8] {
        func bytes<T>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
        switch type {
        case .int8: return bytes(Int8.min)
        case .int16: return bytes(Int16.min)
        case .int32: return bytes(Int32.min)
        case .int64, .tt2000: return bytes(Int64.min)
        case .uint8: return bytes(UInt8.max)
        case .uint16: return bytes(UInt16.max)
        case .uint32: return bytes(UInt32.max)
        case .uint64: return bytes(UInt64.max)
        case .float32: return bytes(Float(Fill.float64))
        case .float64: return bytes(Fill.float64)
        case .string(let w), .binary(let w): return [UInt8](repeating: 0, count: w)
        }
    }
}
