import Dataset
import Products

/// IMAP SWAPI L2 science: imap_processing 1.0.40's swapi_l2. Count rates are the L1 counts divided
/// by the live time, 0.145 s, in float32 as numpy does (negative rates become NaN); uncertainties are
/// divided the same way; the L1 support variables are carried over. With `esa_table:` and
/// `lut_notes:` (paths in the mission folder, the SWAPI ESA unit-conversion and LUT-notes CSVs) it also
/// writes `esa_energy` [epoch, 72] (SWAPIEnergyTable); without them it writes no energies.
///
/// Recipe step `imap.swapi.l2`. Input: the output of `imap.swapi.l1`.
/// Costs: one pass over each count column.
public struct SWAPIL2: ProductAlgorithm {
    public static let liveTime: Float = 0.145
    public let energies: SWAPIEnergyTable?

    public init(energies: SWAPIEnergyTable? = nil) { self.energies = energies }

    static func factory(_ parameters: ConfigValue, _ missionDirectory: String) throws(ConfigurationError) -> any ProductAlgorithm {
        let esa = parameters["esa_table"], lut = parameters["lut_notes"]
        guard (esa == nil) == (lut == nil) else {
            throw ConfigurationError("imap.swapi.l2: give both esa_table and lut_notes, or neither", at: (esa ?? lut)!.location)
        }
        guard let esa, let lut else { return SWAPIL2() }
        func path(_ v: ConfigValue) throws(ConfigurationError) -> String {
            guard let p = v.string, !p.isEmpty else { throw ConfigurationError("imap.swapi.l2: a table path is expected", at: v.location) }
            return p.hasPrefix("/") ? p : missionDirectory + "/" + p
        }
        return SWAPIL2(energies: try SWAPIEnergyTable(esaTable: path(esa), lutNotes: path(lut), at: parameters.location))
    }

    public func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        var out = Dataset(attributes: input.attributes)
        let carried = ["epoch", "esa_lvl5", "esa_step", "fpga_rev", "fpga_type", "lut_choice", "plan_id", "sci_start_time", "sweep_table", "swp_l1a_flags"]
        try building(context.product) {
            for name in carried {
                guard let v = input[name] else { throw ProductError(context, "SWAPI L2 input has no \(name): it must be the output of imap.swapi.l1") }
                try out.add(v)
            }
            if let energies {
                let sweeps = input["epoch"]!.column.records
                let lvl5 = try input["esa_lvl5"]!.column.values(as: UInt16.self)
                let table = try input["sweep_table"]!.column.values(as: UInt8.self)
                let times = try input["sci_start_time"]!.column.strings()
                var values: [Double] = []
                values.reserveCapacity(sweeps * 72)
                for s in 0..<sweeps {
                    do {
                        values += try energies.energies(sweep: Int(table[s]), startTime: times[s], esaLvl5: Int(lvl5[s]))
                    } catch let failure as SWAPIEnergyTable.Failure {
                        throw ProductError(context, "sweep \(s) (\(times[s])): \(failure.message)")
                    }
                }
                try out.add("esa_energy", Column(values, shape: [72]), dimensions: ["esa_step"])
            }
            for cem in ["pcem", "scem", "coin"] {
                guard let counts = input["swp_\(cem)_counts"] else { throw ProductError(context, "SWAPI L2 input has no swp_\(cem)_counts") }
                let rate = try counts.column.values(as: Float.self).map { let r = $0 / Self.liveTime; return r >= 0 ? r : .nan }
                try out.add("swp_\(cem)_rate", Column(rate, shape: counts.column.shape), dimensions: counts.dimensionNames)
            }
            for cem in ["pcem", "scem", "coin"] {
                for side in ["plus", "minus"] {
                    guard let u = input["swp_\(cem)_counts_stat_uncert_\(side)"] else { throw ProductError(context, "SWAPI L2 input has no swp_\(cem)_counts_stat_uncert_\(side)") }
                    let rate = try u.column.values(as: Float.self).map { $0 / Self.liveTime }
                    try out.add("swp_\(cem)_rate_stat_uncert_\(side)", Column(rate, shape: u.column.shape), dimensions: u.dimensionNames)
                }
            }
        }
        return out
    }
}
