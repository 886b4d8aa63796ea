import Dataset
import Foundation
import Products

/// IMAP SWAPI L1 science: the behaviour of imap_processing 1.0.40's swapi_l1 `process_swapi_science`.
/// Packets are put in time order (duplicates of time and sequence count dropped); a sweep is 12
/// science packets one second apart starting at SEQ_NUMBER 0; sweeps whose SWEEP_TABLE or PLAN_ID
/// change, or that are not all in HVSCI mode (3), are dropped; each sweep's 72 energy steps are
/// packet-major (step = SEQ_NUMBER * 6 + k for the packet's six PCEM/SCEM/COIN_CNTk); counts with
/// their RNG_STk flag set are multiplied by 16 (0xFFFF compressed = overflow, Int32.max); step 0 is
/// NaN; uncertainties are sqrt(counts); the quality flags take the compression bits (2, 3, 4) and
/// ten housekeeping status bits (5-14) from the HK packet nearest in time to each science packet.
///
/// Recipe step `imap.swapi.l1`, parameter `hk:` (the recipe input holding the decoded HK packets,
/// default "hk"). Input: the decoded SWAPI science packets (APID 1188). Output: epoch (the 7th
/// packet's time), esa_step, swp_{pcem,scem,coin}_counts [epoch, 72] float32, swp_l1a_flags uint16,
/// sweep_table, plan_id, sci_start_time (UTC of the first packet, ms), esa_lvl5 (12th packet),
/// lut_choice, fpga_type, fpga_rev (HK), and the six *_stat_uncert_{plus,minus} float32.
/// Costs: a sort of the day's packets and one pass per output column.
public struct SWAPIL1: ProductAlgorithm {
    public let hkInput: String
    public init(hkInput: String = "hk") { self.hkInput = hkInput }

    static let packetsPerSweep = 12, steps = 72
    static let hkFlags: [(String, UInt16)] = [
        ("OVR_T_ST", 1 << 5), ("UND_T_ST", 1 << 6), ("PCEM_CNT_ST", 1 << 7), ("SCEM_CNT_ST", 1 << 8),
        ("PCEM_V_ST", 1 << 9), ("PCEM_I_ST", 1 << 10), ("PCEM_INT_ST", 1 << 11), ("SCEM_V_ST", 1 << 12),
        ("SCEM_I_ST", 1 << 13), ("SCEM_INT_ST", 1 << 14),
    ]
    static let cems = [("pcem", "PCEM", UInt16(1 << 2)), ("scem", "SCEM", UInt16(1 << 3)), ("coin", "COIN", UInt16(1 << 4))]

    static func factory(_ parameters: ConfigValue, _ missionDirectory: String) throws(ConfigurationError) -> any ProductAlgorithm {
        if let hk = parameters["hk"] {
            guard let name = hk.string, !name.isEmpty else { throw ConfigurationError("imap.swapi.l1: hk must name an input", at: hk.location) }
            return SWAPIL1(hkInput: name)
        }
        return SWAPIL1()
    }

    /// Time-ordered record indices with duplicate (epoch, sequence count) rows dropped (first kept):
    /// imap_processing's packet_file_to_datasets `sortby("epoch")` + `drop_duplicates`.
    static func ordered(epochs: [Int64], sequence: [Int64]) -> [Int] {
        let order = epochs.indices.sorted { (epochs[$0], $0) < (epochs[$1], $1) }
        var seen = Set<[Int64]>()
        return order.filter { seen.insert([epochs[$0], sequence[$0]]).inserted }
    }

    public func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let sci = InputColumns(dataset: input, product: context.product, what: "SWAPI science packets")
        guard let hkData = context.inputs[hkInput] else {
            throw ProductError(context, "SWAPI L1 needs the housekeeping packets as input '\(hkInput)' (inputs: \(context.inputs.keys.sorted()))")
        }
        let hk = InputColumns(dataset: hkData, product: context.product, what: "SWAPI housekeeping packets")

        // Science packets in time order.
        let rawMET = try sci.integers("SHCOARSE")
        let rawEpoch = rawMET.map { context.clock.tt2000(met: Double($0)) }
        let order = Self.ordered(epochs: rawEpoch, sequence: try sci.integers("ccsds_sequence_count"))
        func column(_ name: String) throws(ProductError) -> [Int64] { let v = try sci.integers(name); return order.map { v[$0] } }
        let met = order.map { rawMET[$0] }, epoch = order.map { rawEpoch[$0] }
        let seqNumber = try column("SEQ_NUMBER"), sweepTable = try column("SWEEP_TABLE")
        let planID = try column("PLAN_ID"), mode = try column("MODE"), esaLvl5 = try column("ESA_LVL5")

        // Full sweeps: SEQ_NUMBER 0 followed by 11 packets each one second after the previous.
        let n = met.count
        var starts: [Int] = []
        if n >= Self.packetsPerSweep {
            for i in 0..<(n - 11) where seqNumber[i] == 0 && (i..<(i + 11)).allSatisfy({ UInt32(truncatingIfNeeded: met[$0 + 1] &- met[$0]) == 1 }) {
                starts.append(i)
            }
        }
        // Good sweeps: one sweep table, one plan, all HVSCI.
        var packets: [Int] = []   // indices into the ordered science packets, 12 per good sweep
        for s in starts {
            let r = s..<(s + 12)
            guard r.allSatisfy({ sweepTable[$0] == sweepTable[s] && planID[$0] == planID[s] && mode[$0] == 3 }) else { continue }
            packets += Array(r)
        }
        let sweeps = packets.count / Self.packetsPerSweep

        // The HK packet nearest each science packet (ties: the later one), HK in time order, one per epoch.
        let hkMET = try hk.integers("SHCOARSE")
        let hkRawEpoch = hkMET.map { context.clock.tt2000(met: Double($0)) }
        var hkOrder = Self.ordered(epochs: hkRawEpoch, sequence: try hk.integers("ccsds_sequence_count"))
        var lastEpoch: Int64? = nil
        hkOrder = hkOrder.filter { i in
            defer { lastEpoch = hkRawEpoch[i] }
            return hkRawEpoch[i] != lastEpoch
        }
        // (sorted, so a repeated epoch is always adjacent: keeping the first equals drop_duplicates("epoch"))
        let hkEpoch = hkOrder.map { hkRawEpoch[$0] }
        guard !hkEpoch.isEmpty || sweeps == 0 else { throw ProductError(context, "no SWAPI housekeeping packets to flag the science data with") }
        let nearestHK: [Int] = packets.map { Self.nearest(epoch[$0], in: hkEpoch) }
        func hkColumn(_ name: String) throws(ProductError) -> [Int64] {
            let v = try hk.integers(name)
            return nearestHK.map { h in v[hkOrder[h]] }
        }

        // Counts, flags and uncertainties, [sweep][seq * 6 + k].
        var flags = [UInt16](repeating: 0, count: sweeps * Self.steps)
        var out = Dataset(attributes: ["Apid": .string((try? sci.integers("ccsds_apid").first).flatMap { $0 }.map { String($0) } ?? "")])
        var counts: [[Float]] = []
        for (_, prefix, bit) in Self.cems {
            var values = [Float](repeating: 0, count: sweeps * Self.steps)
            for k in 0..<6 {
                let cnt = try column("\(prefix)_CNT\(k)"), rng = try column("\(prefix)_RNG_ST\(k)")
                for (j, p) in packets.enumerated() {
                    let i = (j / 12) * Self.steps + (j % 12) * 6 + k
                    var v = Int32(truncatingIfNeeded: cnt[p])
                    if rng[p] == 1 {
                        v = cnt[p] == 0xFFFF ? Int32.max : v &* 16
                        flags[i] |= bit
                    }
                    values[i] = Float(v)
                }
            }
            for s in 0..<sweeps { values[s * Self.steps] = .nan }
            counts.append(values)
        }
        for (name, bit) in Self.hkFlags {
            let v = try hkColumn(name)
            for j in 0..<packets.count where v[j] == 1 {
                let base = (j / 12) * Self.steps + (j % 12) * 6
                for k in 0..<6 { flags[base + k] |= bit }
            }
        }
        func perSweep(_ values: [Int64], _ at: Int) -> [Int64] { (0..<sweeps).map { values[packets[$0 * 12 + at]] } }
        func perSweepHK(_ values: [Int64]) -> [Int64] { (0..<sweeps).map { values[$0 * 12] } }
        let startTimes = (0..<sweeps).map { UTCText.iso(tt2000: epoch[packets[$0 * 12]], digits: 3) ?? "" }
        let lut = try hkColumn("LUT_CHOICE"), fpgaType = try hkColumn("FPGA_TYPE"), fpgaRev = try hkColumn("FPGA_REV")

        try building(context.product) {
            try out.add("epoch", .tt2000(perSweep(epoch, 6)))
            try out.add("esa_step", Column((0..<Int64(Self.steps)).map { $0 }, shape: [Self.steps], recordVarying: false), dimensions: ["esa_step"])
            for ((name, _, _), values) in zip(Self.cems, counts) {
                try out.add("swp_\(name)_counts", Column(values, shape: [Self.steps]), dimensions: ["esa_step"])
            }
            try out.add("swp_l1a_flags", Column(flags, shape: [Self.steps]), dimensions: ["esa_step"])
            try out.add("sweep_table", Column(perSweep(sweepTable, 0).map(UInt8.init(truncatingIfNeeded:))))
            try out.add("plan_id", Column(perSweep(planID, 0).map(UInt8.init(truncatingIfNeeded:))))
            try out.add("sci_start_time", Column(strings: startTimes, width: 23))
            try out.add("esa_lvl5", Column(perSweep(esaLvl5, 11).map(UInt16.init(truncatingIfNeeded:))))
            try out.add("lut_choice", Column(perSweepHK(lut).map(UInt8.init(truncatingIfNeeded:))))
            try out.add("fpga_type", Column(perSweepHK(fpgaType).map(UInt8.init(truncatingIfNeeded:))))
            try out.add("fpga_rev", Column(perSweepHK(fpgaRev).map(UInt8.init(truncatingIfNeeded:))))
            for ((name, _, _), values) in zip(Self.cems, counts) {
                let uncertainty = values.map { $0.squareRoot() }
                for side in ["plus", "minus"] {
                    try out.add("swp_\(name)_counts_stat_uncert_\(side)", Column(uncertainty, shape: [Self.steps]), dimensions: ["esa_step"])
                }
            }
        }
        return out
    }

    /// pandas' nearest index on a sorted index: the closer neighbour, the later one on a tie.
    static func nearest(_ t: Int64, in sorted: [Int64]) -> Int {
        var lo = 0, hi = sorted.count   // first index with sorted[i] >= t
        while lo < hi { let m = (lo + hi) / 2; if sorted[m] < t { lo = m + 1 } else { hi = m } }
        if lo == sorted.count { return sorted.count - 1 }
        if lo == 0 || sorted[lo] == t { return lo }
        return t - sorted[lo - 1] < sorted[lo] - t ? lo - 1 : lo
    }
}
