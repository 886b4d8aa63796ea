import Dataset

/// `time_order`: puts records in time order and drops records whose epoch repeats an earlier one
/// (duplicated or replayed packets), so that L1B and later products have strictly increasing epochs
/// as ISTP expects (MONOTON INCREASE). Parameters: `epoch` (default `epoch`), `drop_duplicates`
/// (default true). Non-record-varying variables are kept as they are.
///
/// The engine provides this step. Costs one sort of the epochs (skipped when already in order) and
/// one gather per record-varying column.
struct TimeOrderStep: ProductAlgorithm {
    static let name = "time_order"
    let epoch: String
    let dropDuplicates: Bool

    static let factory: AlgorithmFactory = { parameters, _ throws(ConfigurationError) in
        let entries: [(key: String, value: ConfigValue)]
        if case .null = parameters.kind { entries = [] } else {
            entries = try parameters.mapEntries("parameters of step 'time_order'", allowed: ["epoch", "drop_duplicates"])
        }
        let epoch = try entries.first { $0.key == "epoch" }?.value.requireString("epoch") ?? "epoch"
        let drop = try entries.first { $0.key == "drop_duplicates" }?.value.requireBool("drop_duplicates") ?? true
        return TimeOrderStep(epoch: epoch, dropDuplicates: drop)
    }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        guard let e = input[epoch], e.column.elementType == .tt2000, e.column.shape.isEmpty else {
            throw ProductError(product: context.product, "time_order: no tt2000 variable '\(epoch)'")
        }
        let times: [Int64]
        do { times = try e.column.values(as: Int64.self) } catch { throw ProductError(product: context.product, "time_order: \(error)") }
        var inOrder = true
        for i in times.indices.dropFirst() where times[i] <= times[i - 1] { inOrder = false; break }
        if inOrder { return input }
        let sorted = times.indices.sorted { times[$0] < times[$1] || (times[$0] == times[$1] && $0 < $1) }
        var keep: [Int] = []
        keep.reserveCapacity(sorted.count)
        for i in sorted where !(dropDuplicates && keep.last.map { times[$0] == times[i] } == true) { keep.append(i) }
        var out = Dataset(attributes: input.attributes)
        do {
            for v in input.variables {
                guard v.column.isRecordVarying, v.column.records == times.count else { try out.add(v); continue }
                let width = v.column.bytesPerRecord
                var column = try Column.make(type: v.column.elementType, records: keep.count, shape: v.column.shape)
                v.column.withUnsafeBytes { src in
                    column.withUnsafeMutableBytes { dst in
                        for (to, from) in keep.enumerated() where width > 0 {
                            dst.baseAddress!.advanced(by: to * width).copyMemory(from: src.baseAddress!.advanced(by: from * width), byteCount: width)
                        }
                    }
                }
                try out.add(Variable(v.name, column, dimensions: v.dimensionNames, attributes: v.attributes))
            }
        } catch { throw ProductError(product: context.product, "time_order: \(error)") }
        return out
    }
}
