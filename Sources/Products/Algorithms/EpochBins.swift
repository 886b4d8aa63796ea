import Dataset

/// Fixed-cadence time bins aligned to the start of the product's UTC day: which output record (a
/// non-empty bin) each input record falls in. Shared by `average`, `spectrogram` and `histogram`.
///
/// Bins follow UTC: bin b starts b * cadence seconds after 00:00:00, and a leap second
/// (23:59:60, the only place UTC inserts one) belongs to the day's last bin. Records before the
/// day's start or at/after the next day's start belong to no bin and are left out. Costs one divide per
/// record and an Int32 column (per record); records are binned and averaged in parallel ranges.
struct EpochBins {
    /// For each input record, its output record, or -1 (an Int32 column: it comes from the recycled
    /// column memory, not a fresh day-long array).
    var outputIndex: Column
    /// Per output record: the centre of its bin (TT2000).
    var centres: [Int64]
    /// Per output record: input records in it.
    var counts: [UInt32]

    var outputRecords: Int { centres.count }

    init(epoch: Column, day: MissionDay, cadence: Int64, data: StepData) throws(ProductError) {
        let (start, end) = DayBounds.bounds(day)
        let nominalDay: Int64 = 86_400_000_000_000
        let bins = Int((nominalDay + cadence - 1) / cadence)
        let records = epoch.records
        var outputIndex = try data.column(.int32, records: records, shape: [], for: "the time bins")
        // Records in parallel ranges, each counting into its own per-bin array, merged after.
        let ranges = ParallelRecords.ranges(records: records)
        let perRange = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: ranges.count * bins)
        defer { perRange.deallocate() }
        perRange.initialize(repeating: 0)
        epoch.withTyped(Int64.self) { t in
            outputIndex.fill(Int32.self) { binOf in
                ParallelRecords.forEach(ranges) { part, range in
                    let counts = UnsafeMutableBufferPointer(rebasing: perRange[(part * bins)..<((part + 1) * bins)])
                    for r in range {
                        let e = t[r]
                        guard e >= start, e < end else { binOf[r] = -1; continue }
                        let b = min(Int((e - start) / cadence), bins - 1)
                        binOf[r] = Int32(b)
                        counts[b] += 1
                    }
                }
            }
        }
        var perBin = [UInt32](repeating: 0, count: bins)
        for part in 0..<ranges.count { for b in 0..<bins { perBin[b] += perRange[part * bins + b] } }
        var outOfBin = [Int32](repeating: -1, count: bins)
        var centres: [Int64] = []
        var counts: [UInt32] = []
        for b in 0..<bins where perBin[b] > 0 {
            outOfBin[b] = Int32(centres.count)
            centres.append(start + Int64(b) * cadence + cadence / 2)
            counts.append(perBin[b])
        }
        outputIndex.fill(Int32.self) { binOf in
            outOfBin.withUnsafeBufferPointer { outOf in
                ParallelRecords.forEach(records: records) { range in
                    for r in range where binOf[r] >= 0 { binOf[r] = outOf[Int(binOf[r])] }
                }
            }
        }
        self.outputIndex = outputIndex
        self.centres = centres
        self.counts = counts
    }

    /// The per-bin mean of each element of `values` (fill and NaN left out; fill where a bin has no
    /// valid value), shaped like the input.
    func mean(_ values: Column, data: StepData, name: String) throws(ProductError) -> Column {
        var column = try data.column(.float64, records: outputRecords, shape: values.shape, for: name)
        let epr = values.elementsPerRecord
        outputIndex.withTyped(Int32.self) { index in
            column.fill(Double.self) { out in
                _ = NumericColumn.visit(values, MeanKernel(outputIndex: index, elementsPerRecord: epr, out: out))
            }
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

/// Sums and counts per output element, then divides in place. Records in parallel ranges, each
/// summing into its own accumulators (output records x elements, small: one per bin), merged in range
/// order so that the result does not depend on the number of cores.
struct MeanKernel: NumericKernel {
    var outputIndex: UnsafeBufferPointer<Int32>
    var elementsPerRecord: Int
    var out: UnsafeMutableBufferPointer<Double>

    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) {
        let epr = elementsPerRecord, size = out.count
        let ranges = ParallelRecords.ranges(records: outputIndex.count)
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: ranges.count * size)
        let n = UnsafeMutableBufferPointer<Int>.allocate(capacity: ranges.count * size)
        defer { sums.deallocate(); n.deallocate() }
        sums.initialize(repeating: 0)
        n.initialize(repeating: 0)
        let index = outputIndex
        ParallelRecords.forEach(ranges) { part, range in
            let base = part * size
            for r in range {
                let o = Int(index[r])
                if o < 0 { continue }
                for e in 0..<epr {
                    let v = values[r * epr + e]
                    if v.isFillOrNaN { continue }
                    sums[base + o * epr + e] += v.doubleValue
                    n[base + o * epr + e] += 1
                }
            }
        }
        for i in 0..<size {
            var sum = 0.0, count = 0
            for part in 0..<ranges.count {
                sum += sums[part * size + i]
                count += n[part * size + i]
            }
            out[i] = count > 0 ? sum / Double(count) : Fill.float64
        }
    }
}
