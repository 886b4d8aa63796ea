import Decom
import DemoMission
import Foundation
import Testing

/// The decoded values look like the instruments: a few-nT field that rotates and carries waves,
/// a solar-wind proton peak near 1 keV, housekeeping that follows the modes.
@Suite struct DemoRealismTests {
    @Test("Decoded and calibrated as the recipes will, the values have the physics' shapes")
    func shapes() async throws {
        let decoded = try await DecodedDay(day: DemoDate("2025-06-01")!, options: DemoOptions(seed: 8, faults: .none))
        defer { decoded.remove() }

        // mag: B = counts * scale[RANGE] - offset, from the test's own unpacking.
        let mag = try decoded.container(.mag)
        let ranges = integers(mag, "RANGE")
        #expect(Set(ranges) == [0, 1, 2, 3])
        #expect(Double(ranges.filter { $0 == 0 }.count) / Double(ranges.count) > 0.9)
        var magnitudes: [Double] = []
        var xs: [Double] = []
        for row in stride(from: 0, to: mag.records, by: 97) {
            let scale = DemoMission.nanoteslaPerCount[Int(ranges[row])]
            let v = unpackVectors(try binary(mag, "VECTORS", record: row))[0]
            let offsets = DemoMission.magnetometerOffsets
            let b: [Double] = (0..<3).map { (axis: Int) -> Double in Double(v[axis]) * scale - offsets[axis] }
            let squares: Double = b[0] * b[0] + b[1] * b[1] + b[2] * b[2]
            magnitudes.append(squares.squareRoot())
            xs.append(b[0])
        }
        #expect(magnitudes.allSatisfy { (2.0...10.0).contains($0) })
        // The field rotates: Bx takes both signs over the day.
        #expect(xs.min()! < -2 && xs.max()! > 2)
        // Within one packet the 16 Hz vectors differ (waves and noise), by a fraction of a nT.
        let first = unpackVectors(try binary(mag, "VECTORS", record: 1000)).map { Double($0[0]) * DemoMission.nanoteslaPerCount[Int(ranges[1000])] }
        #expect(Set(first).count > 4)
        #expect(first.max()! - first.min()! < 3)

        // spec: in NORMAL mode the peak sits between 300 eV and 3 keV, with counts in the thousands.
        let spec = try decoded.container(.spec)
        let modes = integers(spec, "MODE"), codes = integers(spec, "COUNTS"), accumulation = integers(spec, "ACCUM_MS")
        #expect(Set(modes) == [0, 1])
        var peaks: [Double] = []
        for row in 0..<spec.records where modes[row] == 0 && row % 50 == 0 {
            let counts = (0..<32).map { SpecCompression.decompress(UInt8(codes[row * 32 + $0])) }
            let peak = counts.indices.max { counts[$0] < counts[$1] }!
            if counts[peak] > 100 { peaks.append(DemoMission.energies[peak]) }
            #expect(accumulation[row] == 120)
        }
        #expect(peaks.count > 300)
        #expect(peaks.allSatisfy { (300.0...3000.0).contains($0) })
        for row in 0..<spec.records where modes[row] == 1 { #expect(accumulation[row] == 60) }

        // hk: SAFE briefly, CALIBRATION once, HV on exactly in SCIENCE; temperatures swing over hours.
        let hk = try decoded.container(.hk)
        let hkModes = integers(hk, "MODE"), hv = integers(hk, "HV_STATE")
        #expect(zip(hkModes, hv).allSatisfy { ($0 == 1) == ($1 == 1) })
        let safe = hkModes.filter { $0 == 0 }.count, calibration = hkModes.filter { $0 == 2 }.count
        #expect((60...180).contains(safe))
        #expect(calibration == 120)
        let temps = try doubles(hk, "MAG_TEMP.eng")
        #expect(temps.allSatisfy { (5.0...30.0).contains($0) })
        #expect(temps.max()! - temps.min()! > 5)
        let volts = try doubles(hk, "BUS_VOLTAGE.eng")
        #expect(volts.allSatisfy { abs($0 - 28) < 0.2 })
        let amperes = try doubles(hk, "BUS_CURRENT.eng")
        for row in 0..<hk.records where hkModes[row] == 0 { #expect(amperes[row] < 1.0) }
    }
}
