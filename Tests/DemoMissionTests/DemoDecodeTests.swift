import Dataset
import Decom
import DemoMission
import Foundation
import SpacePackets
import Testing

/// Generated days decoded with the mission's XTCE definitions (PacketScanner + Decom): counts,
/// sampled values, faults and clock agree with the generator's ground truth.
@Suite struct DemoDecodeTests {
    static let day = DemoDate(year: 2025, month: 3, day: 14)!

    @Test("A nominal day: packet counts, every sampled field, and exactly the injected faults")
    func nominalDay() async throws {
        let decoded = try await DecodedDay(day: Self.day, options: DemoOptions(seed: 11))
        defer { decoded.remove() }
        let truth = decoded.truth
        #expect(truth.metAtMidnight == 479_606_400)  // 5551 days after 2010-01-01
        for instrument in DemoInstrument.allCases {
            let file = try #require(truth.file(instrument))
            let scan = try #require(decoded.scans[instrument])
            let result = try #require(decoded.decoded[instrument])
            #expect(file.slots == instrument.nominalPacketsPerDay)
            #expect(scan.index.fileSize == file.bytes)
            #expect(scan.index.apids.map(\.apid) == [instrument.apid])
            #expect(scan.index.packets(apid: instrument.apid)?.count == file.packets)
            let dropped = file.faults.filter { $0.kind == .drop }.reduce(0) { $0 + $1.length }
            #expect(file.packets == file.slots - dropped + 2)
            let c = try decoded.container(instrument)
            #expect(c.records == file.packets)
            #expect(result.undecodedPackets == 0)
            #expect(result.findings.isEmpty, "\(result.findings.prefix(3))")
            // The scan reports exactly the injected gaps, duplicates and junk, at their offsets.
            let reported = scan.index.anomalies.map { anomaly -> Anomaly in
                var a = anomaly
                a.file = (a.file as NSString).lastPathComponent
                return a
            }
            #expect(reported == file.expectedAnomalies)
            #expect(file.faults.filter { $0.kind == .drop }.count == 3)
            #expect(file.faults.filter { $0.kind == .duplicate }.count == 2)
            #expect(file.faults.filter { $0.kind == .junk }.count == 1)
            #expect(scan.index.skippedBytes == file.faults.filter { $0.kind == .junk }.reduce(0) { $0 + $1.length })
            try checkSamples(file, c)
            try checkClock(file, c, midnight: truth.metAtMidnight)
        }
    }

    @Test("A 30 MB day: more mag packets a second (BURST), sub-second SHFINE, more faults, all found")
    func scaledDay() async throws {
        let options = DemoOptions(seed: 3, bytesPerDay: 30_000_000, faults: DemoFaults(drops: 6, duplicates: 4, junk: 3),
                                  instruments: [.mag])
        let decoded = try await DecodedDay(day: DemoDate(year: 2024, month: 2, day: 29)!, options: options)
        defer { decoded.remove() }
        let file = try #require(decoded.truth.file(.mag))
        let scan = try #require(decoded.scans[.mag])
        #expect(file.slots == options.magPacketsPerDay)
        #expect(file.slots == (30_000_000 - 21600 * 49 - 8640 * 22) / 135)
        #expect(scan.index.packets(apid: 1100)?.count == file.packets)
        #expect(scan.index.anomalies.map { a -> Anomaly in
            var a = a
            a.file = (a.file as NSString).lastPathComponent
            return a
        } == file.expectedAnomalies)
        #expect(file.expectedAnomalies.count == 13)
        let c = try decoded.container(.mag)
        #expect(Set(integers(c, "MODE")) == [1])
        #expect(Set(integers(c, "SHFINE")).count > 1000)
        try checkSamples(file, c)
        try checkClock(file, c, midnight: decoded.truth.metAtMidnight)
    }

    /// Every sample packet decodes to exactly the values the generator wrote.
    func checkSamples(_ file: DemoFileTruth, _ c: DecodedContainer) throws {
        let offsets = integers(c, "file_offset")
        #expect(file.samples.count >= 5)
        for sample in file.samples {
            let row = try #require(offsets.firstIndex(of: Int64(sample.offset)), "no packet at \(sample.offset)")
            #expect(integers(c, "SHCOARSE")[row] == Int64(sample.shcoarse))
            #expect(integers(c, "SHFINE")[row] == Int64(sample.shfine))
            #expect(integers(c, "SRC_SEQ_CTR")[row] == Int64(sample.sequenceCount))
            #expect(integers(c, "PKT_APID")[row] == Int64(file.apid))
            switch file.instrument {
            case .mag:
                let mag = try #require(sample.mag)
                #expect(integers(c, "MODE")[row] == Int64(mag.mode))
                #expect(integers(c, "RANGE")[row] == Int64(mag.range))
                #expect(integers(c, "VECTOR_COUNT")[row] == 16)
                let vectors = unpackVectors(try binary(c, "VECTORS", record: row))
                #expect(vectors == mag.counts)
                // Calibrating as the recipes do lands within half a count of the field quantised.
                let scale = [0.0078125, 0.03125, 0.125, 0.5][Int(mag.range)]
                let offsets = [0.412, -0.275, 0.138]
                for i in 0..<16 {
                    for axis in 0..<3 {
                        let b = Double(vectors[i][axis]) * scale - offsets[axis]
                        #expect(abs(b - mag.field[i][axis]) <= scale / 2 + 1e-9)
                    }
                }
            case .spec:
                let spec = try #require(sample.spec)
                #expect(integers(c, "MODE")[row] == Int64(spec.mode))
                #expect(integers(c, "SWEEP")[row] == Int64(spec.sweep))
                #expect(integers(c, "ACCUM_MS")[row] == Int64(spec.accumulationMilliseconds))
                #expect(c.dataset["COUNTS"]?.column.shape == [32])
                let codes = Array(integers(c, "COUNTS")[(row * 32)..<(row * 32 + 32)])
                #expect(codes == spec.codes.map { Int64($0) })
                for (code, counts) in zip(spec.codes, spec.counts) {
                    #expect(counts < 64 ? Int64(code) == Int64(counts) : code >= 64)
                }
            case .hk:
                let hk = try #require(sample.hk)
                #expect(integers(c, "MODE")[row] == Int64(hk.mode))
                #expect(integers(c, "MAG_TEMP")[row] == Int64(hk.magTemp))
                #expect(integers(c, "SPEC_TEMP")[row] == Int64(hk.specTemp))
                #expect(integers(c, "BUS_VOLTAGE")[row] == Int64(hk.busVoltage))
                #expect(integers(c, "BUS_CURRENT")[row] == Int64(hk.busCurrent))
                #expect(integers(c, "HV_STATE")[row] == Int64(hk.hvState))
                #expect(integers(c, "SPARE")[row] == 0)
                // The XTCE polynomials give back the model values within half a step.
                #expect(abs(try doubles(c, "MAG_TEMP.eng")[row] - hk.magTempCelsius) <= 0.005 + 1e-9)
                #expect(abs(try doubles(c, "SPEC_TEMP.eng")[row] - hk.specTempCelsius) <= 0.005 + 1e-9)
                #expect(abs(try doubles(c, "BUS_VOLTAGE.eng")[row] - hk.volts) <= 0.0005 + 1e-9)
                #expect(abs(try doubles(c, "BUS_CURRENT.eng")[row] - hk.amperes) <= 0.00005 + 1e-9)
                let labels = try #require(c.dataset["MODE.label"]).column.strings()
                #expect(labels[row] == ["SAFE", "SCIENCE", "CALIBRATION"][Int(hk.mode)])
            }
        }
        // The samples cover the commanded intervals.
        switch file.instrument {
        case .mag: #expect(Set(file.samples.compactMap { $0.mag?.range }) == [0, 1, 2, 3])
        case .spec: #expect(Set(file.samples.compactMap { $0.spec?.mode }) == [0, 1])
        case .hk: #expect(Set(file.samples.compactMap { $0.hk?.mode }) == [0, 1, 2])
        }
    }

    /// Packet k of the day is at midnight + k * 86400 / slots (1/65536 s), and the sequence count
    /// runs on by one per slot with a 14-bit wrap, drops included.
    func checkClock(_ file: DemoFileTruth, _ c: DecodedContainer, midnight: Int64) throws {
        let coarse = integers(c, "SHCOARSE"), fine = integers(c, "SHFINE"), sequence = integers(c, "SRC_SEQ_CTR")
        var wraps = 0
        for row in 0..<c.records {
            let ticks = (coarse[row] - midnight) * 65536 + fine[row]
            // The slot whose time this is (times are floor(k * 86400 * 65536 / slots)).
            let perDay: Int64 = 86400 * 65536
            let slot = Int((ticks * Int64(file.slots) + perDay - 1) / perDay)
            let dayTicks: UInt64 = 86400 * 65536
            let slotTicks: UInt64 = UInt64(slot) * dayTicks / UInt64(file.slots)
            #expect(slotTicks == UInt64(ticks))
            #expect(sequence[row] == Int64((Int(file.firstSequenceCount) + slot) & 0x3FFF))
            if row > 0, sequence[row] < sequence[row - 1] { wraps += 1 }
        }
        #expect(coarse.first.map { $0 >= midnight } == true)
        #expect(coarse.last.map { $0 < midnight + 86400 } == true)
        if file.slots > 3 * 16384 { #expect(wraps >= 2) }
    }
}
