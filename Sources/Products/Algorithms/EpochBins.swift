import Dataset

/// Fixed-cadence time bins aligned to the start of the product's UTC day: which output record (a
/// non-empty bin) each input record falls in. Shared by `average`, `spectrogram` and `histogram`.
///
/// Bins follow UTC: bin b starts b * cadence seconds after 00:00:00, and a leap second
/// (23:59:60, the only place UTC inserts one) belongs to the day's last bin. Records before the
/// day's start or at/after the next day's start belong to no bin and are left out. Costs one divide per record and two Int32 arrays
/// (per record and per bin).
struct EpochBins {
    /// For each input record, its output record, or -1.
    var outputIndex: [Int32]
    /// Per output record: the centre of its bin (TT2000).
    var centres: [Int64]
    /// Per output record: input records in it.
    var counts: [UInt32]

    var outputRecords: Int { centres.count }

    init(epoch: Column, day: MissionDay, cadence: Int64) {
        let (start, end) = DayBounds.bounds(day)
        let nominalDay: Int64 = 86_400_000_000_000
        let bins = Int((nominalDay + cadence - 1) / cadence)
        var binOf = [Int32](repeating: -1, count: epoch.records)
        var perBin = [UInt32](repeating: 0, count: bins)
        epoch.withTyped(Int64.self) { t in
            for r in 0..<t.count {
                let e = t[r]
                guard e >= start, e < end else { continue }
                let b = min(Int((e - start) / cadence), bins - 1)
                binOf[r] = Int32(b)
                perBin[b] += 1
            }
        }
        var outOfBin = [Int32](repeating: -1, count: bins)
        var centres: [Int64] = []
        var counts: [UInt32] = []
        for b in 0..<bins where perBin[b] > 0 {
            outOfBin[b] = Int32(centres.count)
            centres.append(start + Int64(b) * cadence + cadence / 2)
            counts.append(perBin[b])
        }
        for r in 0..<binOf.count where binOf[r] >= 0 { binOf[r] = outOfBin[Int(binOf[r])] }
        outputIndex = binOf
        self.centres = centres
        self.counts = counts
    }

    /// The per-bin mean of each element of `values` (fill and NaN left out; fill where a bin has no
    /// valid value), shaped like the input.
    func mean(_ values: Column, data: StepData, name: String) throws(ProductError) -> Column {
        var column = try data.column(.float64, records: outputRecords, shape: values.shape, for: name)
        let epr = values.elementsPerRecord
        column.fill(Double.self) { out in
            _ = NumericColumn.visit(values, MeanKernel(outputIndex: outputIndex, elementsPerRecord: epr, out: out))
        }
        return column
    }

    func epochColumn(data: StepData, name: String) throws(ProductError) -> Column {
        var column = try data.column(.tt2000, records: outputRecords, shape: [], for: name)
        column.fill(Int64.self) { o in _ = o.initialize(from: centres) }
        return column
    }

    func countColumn(data: StepData, name: String) throws(ProductError) -> Column {
        var column = try data.column(.uint32, records: outputRecords, shape: [], for: name)
        column.fill(UInt32.self) { o in _ = o.initialize(from: counts) }
        return column
    }
}

/// Sums and counts per output element, then divides in place.
struct MeanKernel: NumericKernel {
    var outputIndex: [Int32]
    var elementsPerRecord: Int
    var out: UnsafeMutableBufferPointer<Double>

    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) {
        let epr = elementsPerRecord
        var n = [Int32](repeating: 0, count: out.count)
        for i in 0..<out.count { out[i] = 0 }
        outputIndex.withUnsafeBufferPointer { index in
            n.withUnsafeMutableBufferPointer { n in
                for r in 0..<index.count {
                    let o = Int(index[r])
                    if o < 0 { continue }
                    for e in 0..<epr {
                        let v = values[r * epr + e]
                        if v.isFillOrNaN { continue }
                        out[o * epr + e] += v.doubleValue
                        n[o * epr + e] += 1
                    }
                }
                for i in 0..<out.count { out[i] = n[i] > 0 ? out[i] / Double(n[i]) : Fill.float64 }
            }
        }
    }
}
