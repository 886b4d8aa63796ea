import Dataset
import Decom
import Foundation
import PacketDefinitions
import Testing

/// The project's hand-written XTCE 1.2 fixture (testdata/definitions/features_xtce12.xml), decoded
/// from packets written bit by bit: little-endian, BCD, splines, booleans, arrays, terminated
/// strings, time types, fixed values, located entries and repeats with gaps.
@Suite struct FeatureFixtureTests {
    static let path = Fixtures.root.appendingPathComponent("testdata/definitions/features_xtce12.xml").path

    @Test("Every feature of the Housekeeping and Repeated containers decodes to the written values")
    func housekeepingAndRepeated() async throws {
        let set = try DefinitionSet.load(contentsOf: Self.path)
        var w = BitWriter()
        w.put(0x1234_5678, 48)  // TIME
        w.put(0x10, 8)  // MODE = CAL
        w.put(bytes: [0x44, 0x33, 0x22, 0x11])  // COUNTER_LE = 0x11223344
        w.put(2500, 12)  // TEMP -> 75 by the spline
        w.put(bytes: withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian) { Array($0) })  // VOLT, little-endian
        w.put(0x31, 8)  // BCD_DAY = 31
        w.put(0x2024, 16)  // PBCD_YEAR = 2024
        w.put(1, 1)  // HEATER
        for v in [1, 2, 3] as [UInt64] { w.put(v, 16) }  // ATTITUDE
        for v in 0..<8 { w.put(UInt64(v), 8) }  // IMAGE
        w.put(bytes: Array("AB\nXXXXX".utf8))  // TAG, terminated by 0x0A
        w.put(Double(123.25).bitPattern, 64)  // GPS
        w.put(500, 16)  // EXPOSURE
        w.put(0x1ACF, 16)  // SYNC
        w.put(0b101, 3)  // 3 bits skipped by CHECKSUM's location
        w.put(0xBEEF, 16)  // CHECKSUM
        while w.bitCount % 8 != 0 { w.put(0, 1) }
        let housekeeping = packet(apid: 100, payload: w.bytes)

        var r = BitWriter()
        r.put(0xFFFF, 16)  // bits 48-63, skipped: N_BYTES is located at bit 64
        r.put(7, 8)  // N_BYTES
        r.put(0b1101111, 7)  // HEATER x4 with a 1-bit gap (set) between: 1, 0, 1, 1
        r.put(Double(-2.5).bitPattern, 64)  // EXTRA
        r.put(0, 1)
        let repeated = packet(apid: 300, payload: r.bytes)

        let decoder = try Decoder(definitions: set, options: DecodeOptions(calibrated: true, labels: true))
        // Science restricts on instance -1 of a parameter: reported with its place, not decoded.
        #expect(decoder.compileProblems.count == 1)
        #expect(decoder.compileProblems.first?.description.contains("features_xtce12.xml:") == true)
        let result = try await decode(housekeeping + repeated, definitions: set, options: DecodeOptions(calibrated: true, labels: true))
        #expect(result.findings.isEmpty, "\(result.findings)")
        let hk = try #require(result.container(named: "Housekeeping"))
        #expect(hk.plan.isFixedLayout)
        #expect(integers(hk, "TIME") == [0x1234_5678])
        #expect(try hk.dataset["MODE.label"]?.column.strings() == ["CAL"])
        #expect(integers(hk, "COUNTER_LE") == [0x1122_3344])
        #expect(integers(hk, "TEMP") == [2500])
        #expect(doubles(hk, "TEMP.eng") == [75])
        #expect(doubles(hk, "VOLT") == [1.5])
        #expect(integers(hk, "BCD_DAY") == [31])
        #expect(integers(hk, "PBCD_YEAR") == [2024])
        #expect(try hk.dataset["HEATER.label"]?.column.strings() == ["ON"])
        #expect(integers(hk, "ATTITUDE") == [1, 2, 3])
        #expect(integers(hk, "IMAGE") == Array(0..<8))
        #expect(hk.dataset["IMAGE"]?.column.shape == [2, 4])
        #expect(try hk.dataset["TAG"]?.column.strings() == ["AB"])
        #expect(doubles(hk, "GPS") == [123.25])
        #expect(integers(hk, "EXPOSURE") == [500])
        #expect(integers(hk, "CHECKSUM") == [0xBEEF])
        #expect(hk.dataset["TIME"]?.attributes["description"] == .text(["Mission elapsed time"]))
        #expect(hk.dataset["TEMP"]?.attributes["units"] == .text(["degC"]))

        let rep = try #require(result.container(named: "Repeated"))
        #expect(integers(rep, "N_BYTES") == [7])
        #expect(rep.dataset["HEATER"]?.column.shape == [4])
        #expect(integers(rep, "HEATER") == [1, 0, 1, 1])
        #expect(doubles(rep, "EXTRA") == [-2.5])
    }
}
