/// A type 1 spacecraft clock (SCLK) kernel, read from its text: the clock's fields (moduli,
/// offsets), partitions, parallel time system (1 = TDB, 2 = TDT) and the coefficient triples
/// (encoded SCLK ticks, parallel time, rate in parallel seconds per most significant count) that
/// map ticks to time piecewise linearly.
///
/// Costs: a few arrays; built once per mission.
public struct SCLKKernel: Sendable {
    /// The parallel time system the coefficients are in.
    public enum TimeSystem: Int, Sendable { case tdb = 1, tdt = 2 }

    /// The NAIF spacecraft ID (negative; the kernel's variables end in `_<-id>`).
    public let spacecraft: Int
    public let timeSystem: TimeSystem
    /// Moduli of the clock's fields, most significant first (IMAP: 2^32 seconds, 50000 ticks).
    public let moduli: [Double]
    public let offsets: [Double]
    /// Partition start and end, in ticks of each partition's own count.
    public let partitionStarts: [Double]
    public let partitionEnds: [Double]
    /// Coefficient triples, in the kernel's order (ticks increasing).
    public let coefficients: [(ticks: Double, parallelTime: Double, rate: Double)]

    /// Ticks per most significant count (the product of the moduli after the first field).
    public var ticksPerSecond: Double {
        var t = 1.0
        for m in moduli.dropFirst().reversed() { t *= m }
        return t
    }

    /// The last valid encoded tick: the partitions' lengths added up as SPICE does.
    public var maximumTicks: Double {
        var m = 0.0
        for (s, e) in zip(partitionStarts, partitionEnds) { m = (e - s + m).rounded(.toNearestOrAwayFromZero) }
        return m
    }

    /// Reads the SCLK kernel at `path`. `spacecraft` picks the clock when the kernel has several;
    /// nil takes the only one.
    public init(contentsOf path: String, spacecraft: Int? = nil) throws(ConfigurationError) {
        try self.init(kernel: TextKernel(contentsOf: path), spacecraft: spacecraft)
    }

    public init(kernel: TextKernel, spacecraft: Int? = nil) throws(ConfigurationError) {
        let prefix = "SCLK_DATA_TYPE_"
        let ids = kernel.variables.keys.filter { $0.hasPrefix(prefix) }.compactMap { Int($0.dropFirst(prefix.count)) }.sorted()
        let here = ConfigLocation(file: kernel.file, line: 0)
        let id: Int
        if let spacecraft {
            guard ids.contains(-spacecraft) else {
                throw ConfigurationError("no clock for spacecraft \(spacecraft) (SCLK_DATA_TYPE_\(-spacecraft) is not defined; the kernel defines \(ids.map { -$0 }))", at: here)
            }
            id = -spacecraft
        } else {
            guard ids.count == 1 else {
                throw ConfigurationError(ids.isEmpty ? "no SCLK_DATA_TYPE_nn variable: not an SCLK kernel" : "several clocks (\(ids.map { -$0 })): name the spacecraft", at: here)
            }
            id = ids[0]
        }
        let type = try kernel.numbers("SCLK_DATA_TYPE_\(id)", count: 1)[0]
        guard type == 1 else {
            throw ConfigurationError("SCLK type \(type) is not supported (only type 1)", at: kernel.location(of: "SCLK_DATA_TYPE_\(id)"))
        }
        let system = try kernel.numbers("SCLK01_TIME_SYSTEM_\(id)", count: 1)[0]
        guard let ts = TimeSystem(rawValue: Int(system)), Double(ts.rawValue) == system else {
            throw ConfigurationError("SCLK01_TIME_SYSTEM_\(id) must be 1 (TDB) or 2 (TDT), found \(system)", at: kernel.location(of: "SCLK01_TIME_SYSTEM_\(id)"))
        }
        let nFields = try kernel.numbers("SCLK01_N_FIELDS_\(id)", count: 1)[0]
        guard (1...10).contains(nFields), nFields.rounded() == nFields else {
            throw ConfigurationError("SCLK01_N_FIELDS_\(id) must be a whole number from 1 to 10", at: kernel.location(of: "SCLK01_N_FIELDS_\(id)"))
        }
        let moduli = try kernel.numbers("SCLK01_MODULI_\(id)", count: Int(nFields))
        guard moduli.allSatisfy({ $0 >= 1 && $0.rounded() == $0 }) else {
            throw ConfigurationError("SCLK01_MODULI_\(id) must be whole numbers of at least 1", at: kernel.location(of: "SCLK01_MODULI_\(id)"))
        }
        let offsets = try kernel.numbers("SCLK01_OFFSETS_\(id)", count: Int(nFields))
        let starts = try kernel.numbers("SCLK_PARTITION_START_\(id)")
        let ends = try kernel.numbers("SCLK_PARTITION_END_\(id)", count: starts.count)
        for (n, (s, e)) in zip(starts, ends).enumerated() where !(s >= 0 && e > s) {
            throw ConfigurationError("partition \(n + 1) ends (\(e)) before it starts (\(s))", at: kernel.location(of: "SCLK_PARTITION_END_\(id)"))
        }
        let flat = try kernel.numbers("SCLK01_COEFFICIENTS_\(id)")
        let coefficientsAt = kernel.location(of: "SCLK01_COEFFICIENTS_\(id)")
        guard flat.count % 3 == 0 else {
            throw ConfigurationError("SCLK01_COEFFICIENTS_\(id) must hold triples (ticks, time, rate); found \(flat.count) values", at: coefficientsAt)
        }
        var triples: [(ticks: Double, parallelTime: Double, rate: Double)] = []
        for i in stride(from: 0, to: flat.count, by: 3) {
            let t = (ticks: flat[i], parallelTime: flat[i + 1], rate: flat[i + 2])
            guard t.rate > 0 else { throw ConfigurationError("coefficient triple \(i / 3 + 1) has rate \(t.rate); rates must be positive", at: coefficientsAt) }
            if let last = triples.last, !(t.ticks > last.ticks) {
                throw ConfigurationError("coefficient triple \(i / 3 + 1): ticks must increase", at: coefficientsAt)
            }
            triples.append(t)
        }
        self.spacecraft = -id; timeSystem = ts; self.moduli = moduli; self.offsets = offsets
        partitionStarts = starts; partitionEnds = ends; coefficients = triples
    }
}
