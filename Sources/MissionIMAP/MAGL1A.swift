import Dataset
import Products

/// IMAP MAG L1A for one sensor (MAGo or MAGi): the science packets' `VECTORS` field unpacked into
/// (x, y, z, range) vectors, each timed from its sensor's packet start time (PRI/SEC_COARSETM +
/// FNTM / 65536 s, through the mission clock) plus k / vectors-per-second, with the packet's
/// compression flag and width per vector: the behaviour of imap_processing's mag_l1a
/// (PRI_SENS picks which of primary/secondary is MAGo; VECSEC fields count 2^n vectors per second;
/// PUS_SSUBTYPE + 1 seconds per packet; packets repeated with the same SHCOARSE, APID and sequence
/// count are dropped).
///
/// Recipe step `imap.mag.l1a`, parameter `sensor: mago | magi`. Input: the decoded MAG norm or burst
/// science packets (Decom with IMAP's MAG_SCI_COMBINED.xml). Output: `epoch` (TT2000 per vector),
/// `vectors` [epoch, 4] int32, `compression_flags` [epoch, 2] int8, and the global attributes
/// is_mago, is_active, all_vectors_primary, vectors_per_second, missing_sequences.
/// Costs: one pass over the packets; output columns allocated once.
public struct MAGL1A: ProductAlgorithm {
    public enum Sensor: String, Sendable { case mago, magi }
    public let sensor: Sensor

    public init(sensor: Sensor) { self.sensor = sensor }

    static func factory(_ parameters: ConfigValue, _ missionDirectory: String) throws(ConfigurationError) -> any ProductAlgorithm {
        guard let text = parameters["sensor"]?.string else {
            throw ConfigurationError("imap.mag.l1a needs `sensor: mago` or `sensor: magi`", at: parameters.location)
        }
        guard let sensor = Sensor(rawValue: text) else {
            throw ConfigurationError("imap.mag.l1a: sensor must be mago or magi, not '\(text)'", at: parameters["sensor"]!.location)
        }
        return MAGL1A(sensor: sensor)
    }

    public func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let cols = InputColumns(dataset: input, product: context.product, what: "MAG science packets")
        let shcoarse = try cols.integers("SHCOARSE"), subtype = try cols.integers("PUS_SSUBTYPE")
        let compression = try cols.integers("COMPRESSION"), priSens = try cols.integers("PRI_SENS")
        let priVecsec = try cols.integers("PRI_VECSEC"), secVecsec = try cols.integers("SEC_VECSEC")
        let priCoarse = try cols.integers("PRI_COARSETM"), priFine = try cols.integers("PRI_FNTM")
        let secCoarse = try cols.integers("SEC_COARSETM"), secFine = try cols.integers("SEC_FNTM")
        let active = try cols.integers(sensor == .mago ? "MAGO_ACT" : "MAGI_ACT")
        let sequence = try cols.integers("ccsds_sequence_count"), apid = try cols.integers("ccsds_apid")
        let payload = try cols.binary("VECTORS")

        var epochs: [Int64] = [], vectors: [Int32] = [], flags: [Int8] = []
        var seen = Set<[Int64]>()
        var missing: [Int64] = []
        var lastSequence: Int64? = nil
        var rateChanges: [String] = []
        var lastRate: Int64? = nil
        var allPrimary = true
        var firstActive: Int64? = nil
        for r in 0..<shcoarse.count {
            guard seen.insert([shcoarse[r], apid[r], sequence[r]]).inserted else { continue }
            let seconds = subtype[r] + 1
            guard (0...16).contains(priVecsec[r]), (0...16).contains(secVecsec[r]) else {
                throw cols.fail("packet \(r): VECSEC codes \(priVecsec[r]), \(secVecsec[r]) are out of range")
            }
            let primaryRate = Int64(1) << priVecsec[r], secondaryRate = Int64(1) << secVecsec[r]
            let primaryCount = Int(seconds * primaryRate), secondaryCount = Int(seconds * secondaryRate)
            let unpacked: ([Int32], [Int32])
            do {
                unpacked = try MAGVectors.unpack(payload[r], primary: primaryCount, secondary: secondaryCount, compressed: compression[r] == 1)
            } catch {
                throw cols.fail("packet \(r) (SHCOARSE \(shcoarse[r]), sequence \(sequence[r])): \(error.message)")
            }
            let magoIsPrimary = priSens[r] == 0
            let mine = (sensor == .mago) == magoIsPrimary
            let values = mine ? unpacked.0 : unpacked.1
            let rate = mine ? primaryRate : secondaryRate
            let start = mine ? (priCoarse[r], priFine[r]) : (secCoarse[r], secFine[r])
            let startNs = context.clock.tt2000(met: Double(start.0) + Double(start.1) / 65536)
            let step = Int64(1 / Double(rate) * 1e9)
            let n = values.count / 4
            for k in 0..<n { epochs.append(startNs + Int64(k) * step) }
            vectors += values
            // The compression width is the first 6 bits of VECTORS when compressed.
            let width: Int8 = compression[r] == 1 ? Int8((payload[r].first ?? 0) >> 2) : 0
            for _ in 0..<n { flags += [Int8(truncatingIfNeeded: compression[r]), width] }

            if let last = lastSequence, last + 1 != sequence[r], last + 1 < sequence[r] {
                missing += Array((last + 1)..<sequence[r])
            }
            lastSequence = sequence[r]
            if rate != lastRate { rateChanges.append("\(startNs):\(rate)"); lastRate = rate }
            if magoIsPrimary != (sensor == .mago) { allPrimary = false }
            if firstActive == nil { firstActive = active[r] }
        }

        var out = Dataset(attributes: [
            "is_mago": .string(sensor == .mago ? "True" : "False"),
            "is_active": .string(firstActive == 1 ? "True" : "False"),
            "all_vectors_primary": .string(allPrimary ? "True" : "False"),
            "vectors_per_second": .string(rateChanges.joined(separator: ",")),
            "missing_sequences": missing.isEmpty ? .string("None") : .int64(missing),
        ])
        try building(context.product) {
            try out.add("epoch", .tt2000(epochs))
            try out.add("vectors", Column(vectors, shape: [4]), dimensions: ["direction"])
            try out.add("compression_flags", Column(flags, shape: [2]), dimensions: ["compression"])
        }
        return out
    }
}
