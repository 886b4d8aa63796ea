import Dataset

/// Concatenates the datasets of a window of days (in day order) into one: record-varying variables
/// are joined record after record; non-record-varying ones come from the first day. Variables must
/// have the same type and per-record shape on every day.
///
/// Costs one copy of every record-varying column (windows are small: days of L1B housekeeping).
enum DatasetWindow {
    static func concatenate(_ days: [Dataset], product: String) throws(ProductError) -> Dataset {
        guard let first = days.first else { return Dataset() }
        if days.count == 1 { return first }
        var out = Dataset(attributes: first.attributes)
        for v in first.variables {
            guard v.column.isRecordVarying else {
                do { try out.add(v) } catch { throw ProductError(product: product, "window: \(error)") }
                continue
            }
            var parts: [Column] = []
            for d in days {
                guard let other = d[v.name] else {
                    throw ProductError(product: product, "window: variable '\(v.name)' is missing on one of the days")
                }
                guard other.column.elementType == v.column.elementType, other.column.shape == v.column.shape else {
                    throw ProductError(product: product, "window: variable '\(v.name)' changes type or shape between days")
                }
                parts.append(other.column)
            }
            let total = parts.reduce(0) { $0 + $1.records }
            do {
                var column = try Column.make(type: v.column.elementType, records: total, shape: v.column.shape)
                column.withUnsafeMutableBytes { out in
                    var at = 0
                    for p in parts {
                        p.withUnsafeBytes { src in
                            if src.count > 0 { out.baseAddress!.advanced(by: at).copyMemory(from: src.baseAddress!, byteCount: src.count) }
                            at += src.count
                        }
                    }
                }
                try out.add(Variable(v.name, column, dimensions: v.dimensionNames, attributes: v.attributes))
            } catch { throw ProductError(product: product, "window: \(error)") }
        }
        return out
    }
}
