// Engineering values and labels, computed column by column after the raw decode.

import Dataset

/// Reads record values of decoded raw columns: the `ValueReader` of context calibrators.
struct ColumnReader: ValueReader {
    let columns: [UnsafeRawBufferPointer]
    let types: [ElementType]
    let elementsPerRecord: [Int]
    var record = 0

    mutating func value(_ source: ValueSource) -> ScalarValue? {
        guard case .column(let c) = source else { return nil }
        return Self.scalar(columns[c], types[c], record &* elementsPerRecord[c])
    }

    /// Element `index` of a numeric column as a `ScalarValue`.
    @inline(__always)
    static func scalar(_ raw: UnsafeRawBufferPointer, _ type: ElementType, _ index: Int) -> ScalarValue? {
        switch type {
        case .uint8: return ScalarValue(integer: Int64(raw.load(fromByteOffset: index, as: UInt8.self)))
        case .uint16: return ScalarValue(integer: Int64(raw.load(fromByteOffset: index * 2, as: UInt16.self)))
        case .uint32: return ScalarValue(integer: Int64(raw.load(fromByteOffset: index * 4, as: UInt32.self)))
        case .uint64: return ScalarValue(unsigned: raw.load(fromByteOffset: index * 8, as: UInt64.self))
        case .int8: return ScalarValue(integer: Int64(raw.load(fromByteOffset: index, as: Int8.self)))
        case .int16: return ScalarValue(integer: Int64(raw.load(fromByteOffset: index * 2, as: Int16.self)))
        case .int32: return ScalarValue(integer: Int64(raw.load(fromByteOffset: index * 4, as: Int32.self)))
        case .int64, .tt2000: return ScalarValue(integer: raw.load(fromByteOffset: index * 8, as: Int64.self))
        case .float32: return ScalarValue(double: Double(raw.load(fromByteOffset: index * 4, as: Float.self)))
        case .float64: return ScalarValue(double: raw.load(fromByteOffset: index * 8, as: Double.self))
        default: return nil
        }
    }
}

/// Builds `NAME.eng` (float64) and `NAME.label` (text) columns from decoded raw columns.
///
/// Costs one pass over each calibrated or labelled column (a calibrator evaluation or a label
/// lookup per element) and one new column each.
enum Calibration {
    /// Engineering columns for every calibrated parameter of the plan: context calibrators first
    /// (first whose match holds), then the default; elements no calibrator applies to keep the raw value.
    static func columns(_ plan: DecodePlan, columns: inout [Column], records: Int) throws(DecomError) -> [(String, Column)] {
        var out: [(String, Column)] = []
        for cal in plan.calibrations {
            let source = columns[cal.column]
            var column: Column
            do { column = try Column.make(type: .float64, records: records, shape: source.shape) } catch {
                throw .allocationFailed(container: plan.containerName, column: plan.columns[cal.column].name + ".eng", reason: "\(error)")
            }
            let epr = source.elementsPerRecord
            withAll(columns) { views in
                var reader = ColumnReader(columns: views, types: columns.map(\.elementType),
                                          elementsPerRecord: columns.map(\.elementsPerRecord))
                column.withUnsafeMutableBytes { out in
                    let values = out.bindMemory(to: Double.self)
                    for r in 0..<records {
                        reader.record = r
                        var function = cal.defaultFunction
                        for ctx in cal.contexts where ctx.condition.evaluate(&reader) == true {
                            function = ctx.function
                            break
                        }
                        for e in 0..<epr {
                            guard let raw = ColumnReader.scalar(views[cal.column], source.elementType, r * epr + e) else { continue }
                            values[r * epr + e] = function.map { $0.apply(raw) } ?? raw.double
                        }
                    }
                }
            }
            out.append((plan.columns[cal.column].name + ".eng", column))
        }
        return out
    }

    /// Label columns for every enumerated or boolean parameter (empty text where no label applies).
    static func labelColumns(_ plan: DecodePlan, columns: [Column], records: Int) throws(DecomError) -> [(String, Column)] {
        var out: [(String, Column)] = []
        for labels in plan.labels {
            let source = columns[labels.column]
            let width = max(1, labels.entries.map { $0.label.utf8.count }.max() ?? 1)
            var column: Column
            do { column = try Column.make(type: .string(width: width), records: records, shape: source.shape) } catch {
                throw .allocationFailed(container: plan.containerName, column: plan.columns[labels.column].name + ".label", reason: "\(error)")
            }
            let n = records * source.elementsPerRecord
            source.withUnsafeBytes { raw in
                column.withUnsafeMutableBytes { dst in
                    for i in 0..<n {
                        guard let v = ColumnReader.scalar(raw, source.elementType, i), v.isInteger,
                              let label = labels.label(for: v.integer) else { continue }
                        let bytes = Array(label.utf8)
                        for (k, b) in bytes.enumerated() { dst[i * width + k] = b }
                    }
                }
            }
            out.append((plan.columns[labels.column].name + ".label", column))
        }
        return out
    }

    /// Runs `body` with read-only views of every column's bytes.
    private static func withAll(_ columns: [Column], _ body: ([UnsafeRawBufferPointer]) -> Void) {
        var views: [UnsafeRawBufferPointer] = []
        func nest(_ i: Int) {
            if i == columns.count { body(views); return }
            columns[i].withUnsafeBytes { views.append($0); nest(i + 1) }
        }
        nest(0)
    }
}
