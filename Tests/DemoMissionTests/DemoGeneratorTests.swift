import Decom
import DemoMission
import Foundation
import ReferenceFixtures
import Testing

/// The generator's determinism, its calibration tables against the CSVs the recipes read, its clock,
/// and whether the values look like the instruments they stand for.
@Suite struct DemoGeneratorTests {
    @Test("Same seed, same bytes and truth; another seed, other bytes")
    func seededDeterminism() async throws {
        let day = DemoDate(year: 2026, month: 1, day: 2)!
        let options = DemoOptions(seed: 42, bytesPerDay: 2_000_000)
        let a = try Fixtures.temporaryDirectory(), b = try Fixtures.temporaryDirectory(), c = try Fixtures.temporaryDirectory()
        defer { for f in [a, b, c] { try? FileManager.default.removeItem(at: f) } }
        let ta = try await DemoDay.write(day: day, into: a.path, options: options)
        let tb = try await DemoDay.write(day: day, into: b.path, options: options)
        var other = options
        other.seed = 43
        let tc = try await DemoDay.write(day: day, into: c.path, options: other)
        #expect(ta == tb)
        #expect(ta != tc)
        for instrument in DemoInstrument.allCases {
            let name = instrument.fileName(for: day)
            let bytesA = try Data(contentsOf: a.appendingPathComponent(name))
            #expect(bytesA == (try Data(contentsOf: b.appendingPathComponent(name))))
            #expect(bytesA != (try Data(contentsOf: c.appendingPathComponent(name))))
        }
        let json = try Data(contentsOf: a.appendingPathComponent(DemoDayTruth.fileName(for: day)))
        #expect(try JSONDecoder().decode(DemoDayTruth.self, from: json) == ta)
        // Nothing else is left in the folder (no temporary files).
        let names = try FileManager.default.contentsOfDirectory(atPath: a.path).sorted()
        #expect(names == ["demo_hk_l0_20260102_v001.pkts", "demo_l0_truth_20260102.json", "demo_mag_l0_20260102_v001.pkts",
                          "demo_spec_l0_20260102_v001.pkts"])
    }

    @Test("Several days at once equal the days written one by one")
    func daysInParallel() async throws {
        let first = DemoDate("2025-12-31")!
        let options = DemoOptions(seed: 5, bytesPerDay: 1_500_000, instruments: [.mag, .hk])
        let together = try Fixtures.temporaryDirectory(), alone = try Fixtures.temporaryDirectory()
        defer { for f in [together, alone] { try? FileManager.default.removeItem(at: f) } }
        let truths = try await DemoDay.write(days: [first, first.adding(days: 1)], into: together.path, options: options)
        let second = try await DemoDay.write(day: DemoDate("2026-01-01")!, into: alone.path, options: options)
        #expect(truths[1] == second)
        #expect(truths[0].day.description == "2025-12-31")
        let name = DemoInstrument.mag.fileName(for: second.day)
        #expect(name == "demo_mag_l0_20260101_v001.pkts")
        #expect(try Data(contentsOf: together.appendingPathComponent(name)) == (try Data(contentsOf: alone.appendingPathComponent(name))))
    }

    @Test("The decompression table is strictly increasing, its inverse round-trips, and it is the CSV")
    func decompressionTable() throws {
        let table = SpecCompression.table
        #expect(table.count == 256)
        #expect(zip(table, table.dropFirst()).allSatisfy { $0 < $1 })
        #expect(Array(table[0..<64]) == (0..<64).map { UInt32($0) })
        #expect(table[255] == 1_000_000)
        for code in 0...255 { #expect(SpecCompression.compress(table[code]) == UInt8(code)) }
        // Compression picks the nearest code.
        var state: UInt64 = 99
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let counts = UInt32(truncatingIfNeeded: state >> 33) % 1_050_000
            let code = Int(SpecCompression.compress(counts))
            let error = abs(Int64(table[code]) - Int64(counts))
            if code > 0 { #expect(error <= abs(Int64(table[code - 1]) - Int64(counts))) }
            if code < 255 { #expect(error <= abs(Int64(table[code + 1]) - Int64(counts))) }
        }
        let csv = try csvRows("spec_decompression.csv")
        #expect(csv.header == ["code", "counts"])
        #expect(csv.rows.map { Int($0[0])! } == Array(0...255))
        #expect(csv.rows.map { UInt32($0[1])! } == table)
    }

    @Test("The energy table and the magnetometer offsets are the CSVs the recipes read")
    func calibrationTables() throws {
        let energies = try csvRows("spec_energies.csv")
        #expect(energies.header == ["step", "energy_eV"])
        #expect(energies.rows.count == 32)
        for (step, row) in energies.rows.enumerated() {
            let expected = 10 * pow(2000, Double(step) / 31)
            #expect(Int(row[0]) == step)
            #expect(abs(Double(row[1])! - expected) < 1e-4)
            #expect(abs(DemoMission.energies[step] - expected) < 1e-9)
        }
        #expect(abs(Double(energies.rows[31][1])! - 20000) < 1e-9)
        let mag = try csvRows("mag_calibration.csv")
        #expect(mag.header == ["axis", "offset_nT"])
        #expect(mag.rows.map { $0[0] } == ["x", "y", "z"])
        #expect(mag.rows.map { Double($0[1])! } == DemoMission.magnetometerOffsets)
    }

    @Test("MET counts UTC seconds from 2010-01-01 without leap seconds; dates parse and print")
    func clock() throws {
        let epoch = try #require(DemoDate("2010-01-01"))
        #expect(DemoMission.met(atStartOf: epoch) == 0)
        // Unix time has no leap seconds either: the difference of two midnights is the MET.
        let day = try #require(DemoDate("2025-07-04"))
        let calendar = Calendar(identifier: .gregorian)
        var utc = calendar
        utc.timeZone = TimeZone(identifier: "UTC")!
        let unix = utc.date(from: DateComponents(year: 2025, month: 7, day: 4))!.timeIntervalSince1970
        let unixEpoch = utc.date(from: DateComponents(year: 2010, month: 1, day: 1))!.timeIntervalSince1970
        #expect(DemoMission.met(atStartOf: day) == Int64(unix - unixEpoch))
        #expect(day.dayNumber == Int(unix / 86400))
        #expect(day.compact == "20250704")
        #expect(DemoDate("2024-02-29")?.adding(days: 1).description == "2024-03-01")
        #expect(DemoDate("2023-02-29") == nil)
        #expect(DemoDate("20250704") == nil)
        #expect(DemoFaults(parsing: "drops=4,junk=2") == DemoFaults(drops: 4, duplicates: 0, junk: 2))
        #expect(DemoFaults(parsing: "none") == DemoFaults.none)
        #expect(DemoFaults(parsing: "drops=x") == nil)
    }

    @Test("Bad options are refused with a message and leave no files")
    func refusals() async throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        await #expect(throws: DemoError.invalidOptions(reason: "2009-12-31 is outside the MET range (2010-01-01 to 2146-02-07)")) {
            try await DemoDay.write(day: DemoDate("2009-12-31")!, into: folder.path)
        }
        await #expect(throws: DemoError.self) {
            try await DemoDay.write(day: DemoDate("2020-01-01")!, into: folder.path, options: DemoOptions(bytesPerDay: 0))
        }
        await #expect(throws: DemoError.self) {
            try await DemoDay.write(day: DemoDate("2020-01-01")!, into: folder.path, options: DemoOptions(bytesPerDay: 500_000_000_000))
        }
        await #expect(throws: DemoError.self) {
            try await DemoDay.write(day: DemoDate("2020-01-01")!, into: "/proc/no-such-folder/x")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
