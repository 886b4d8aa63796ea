import Foundation
@testable import MissionIMAP
import Products
import ReferenceFixtures
import Testing

/// SWAPI ESA energies against imap_processing 1.0.40's solve_full_sweep_energy, on tables in the
/// layout of the SWAPI team's ESA unit-conversion and LUT-notes CSVs (the real ones are ancillary
/// files, not shipped in the wheel): two table times, three sweep ids, fixed and "Solve" steps,
/// quoted thousands, the fall-back to the earliest time, negative LUT indices floored to 0, and a
/// DAC value the LUT does not have.
@Suite struct SWAPIEnergyTests {
    static func tables(in dir: URL) throws -> (String, String) {
        var esa = "timestamp,ESA Step #,K factor,Voltage,Energy,Sweep #,ESA Index Number,LUT version number\n"
        for (stamp, scale) in [("2/11/2025 0:00", 1.0), ("5/19/2025 0:00", 1.03)] {
            for sweep in 0..<3 where !(stamp.hasPrefix("2/") && sweep > 0) {
                for step in 0..<72 {
                    if step >= 63 {
                        esa += "\(stamp),\(step),1.88,Solve,Solve,\(sweep),\((step - 67) * 4 * (sweep + 1)),4\n"
                    } else {
                        let e = (20000.0 / Double(step + 1 + sweep) * scale * 1000).rounded() / 1000
                        let text = e >= 1000 ? "\"\(Int(e) / 1000),\(String(format: "%03d", Int(e) % 1000))\"" : "\(e)"
                        esa += "\(stamp),\(step),1.88,619,\(text),\(sweep),\(544 + step),4\n"
                    }
                }
            }
        }
        var lut = "ESA Index Number,ESA Voltage,Energy,Lower Energy,Upper Energy,ESA Range,ESA DAC (Dec),ESA DAC (Hex)\n"
        for i in 0..<400 {
            let dac = 4094 - i * 7
            let energy = 19763 - i * 45
            lut += "\(i),\(10240 - i),\"\(energy / 1000),\(String(format: "%03d", energy % 1000))\",1,1,1,\(dac),\(String(format: "%04X", dac))\n"
        }
        let e = dir.appendingPathComponent("esa.csv"), l = dir.appendingPathComponent("lut.csv")
        try esa.write(to: e, atomically: true, encoding: .utf8)
        try lut.write(to: l, atomically: true, encoding: .utf8)
        return (e.path, l.path)
    }

    @Test func equalsIMAPProcessing() throws {
        guard Fixtures.imap != nil else { #expect(!Fixtures.isCI); return }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (esa, lut) = try Self.tables(in: dir)
        let queries: [(Int, String, Int)] = [
            (0, "2025-03-01T00:00:00.000", 4094 - 7 * 100),   // first table time
            (0, "2025-06-01T12:00:00.000", 4094 - 7 * 300),   // the later table
            (2, "2025-06-01T12:00:00.000", 4094 - 7 * 250),
            (1, "2025-05-19T00:00:00.000", 4094 - 7 * 5),     // exactly the table time; floored indices
            (0, "2024-09-24T13:21:45.000", 4094 - 7 * 30),    // before every table: the earliest rows
            (1, "2024-09-24T13:21:45.000", 4094),             // ...which have no sweep 1: an error
            (0, "2025-03-01T00:00:00.000", 1),                // DAC not in the LUT: an error
        ]
        let q = dir.appendingPathComponent("queries.json")
        try JSONSerialization.data(withJSONObject: queries.map { [$0.0, $0.1, $0.2] as [Any] }).write(to: q)
        let out = try Fixtures.imapReference(["swapi-energy", "--esa-table", esa, "--lut-notes", lut, "--queries", q.path])
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [Any])
        let table = try SWAPIEnergyTable(esaTable: esa, lutNotes: lut, at: ConfigLocation(file: "test", line: 1))
        var compared = 0, errors = 0
        for ((sweep, start, lvl5), ref) in zip(queries, reference) {
            if let expected = ref as? [String] {
                let ours = try table.energies(sweep: sweep, startTime: start, esaLvl5: lvl5)
                #expect(ours.map { $0.bitPattern } == expected.map { Double($0)!.bitPattern }, "\(sweep) \(start) \(lvl5)")
                compared += ours.count
            } else {
                #expect(throws: SWAPIEnergyTable.Failure.self, "\(sweep) \(start) \(lvl5): imap_processing says \(ref)") {
                    try table.energies(sweep: sweep, startTime: start, esaLvl5: lvl5)
                }
                errors += 1
            }
        }
        #expect(compared == 5 * 72 && errors == 2)
    }

    @Test func malformedTablesNameFileAndLine() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (esa, lut) = try Self.tables(in: dir)
        var text = try String(contentsOfFile: esa, encoding: .utf8)
        text = text.replacingOccurrences(of: "2/11/2025 0:00,5,", with: "2/31/2025x,5,")
        try text.write(toFile: esa, atomically: true, encoding: .utf8)
        do {
            _ = try SWAPIEnergyTable(esaTable: esa, lutNotes: lut, at: ConfigLocation(file: "mission.yaml", line: 9))
            Issue.record("a bad timestamp was accepted")
        } catch {
            #expect(error.description == "mission.yaml:9: \(esa):7: cannot read the timestamp '2/31/2025x' (M/D/YYYY H:MM)")
        }
    }

    /// The SWAPI team's tables (copied from imap_processing's tests) give the energies that
    /// imap_processing's test_solve_full_sweep_energy expects (values the team picked by hand).
    @Test func realTablesGiveTheTeamsValues() throws {
        let dir = Fixtures.root.appendingPathComponent("testdata/missions/imap/swapi")
        let table = try SWAPIEnergyTable(esaTable: dir.appendingPathComponent("imap_swapi_esa-unit-conversion_20250626_v001.csv").path,
                                         lutNotes: dir.appendingPathComponent("imap_swapi_lut-notes_20250626_v006.csv").path,
                                         at: ConfigLocation(file: "test", line: 0))
        let early = try table.energies(sweep: 0, startTime: "2025-02-24T00:00:00.000", esaLvl5: 4663)
        let fixed: [Double] = Array(repeating: 1163, count: 35) + [1068, 981, 901, 828, 760, 698, 641, 589, 544, 497, 459, 421, 389, 355,
                                                                   326, 298, 275, 252, 234, 214, 195, 181, 167, 153, 139, 129, 120, 107]
        #expect(Array(early[0..<63]) == fixed)
        #expect(Array(early[63...]) == [3220, 3151, 3083, 3017, 2953, 2889, 2827, 2767, 2707])
        let late = try table.energies(sweep: 0, startTime: "2025-05-20T00:00:00.000", esaLvl5: 4663)
        let newFixed: [Double] = Array(repeating: 1201.466213, count: 34) + [
            1131.97314, 1038.004216, 951.8359709, 872.8208434, 800.3650292, 733.9240176, 672.9984993, 617.1306146, 565.9005123,
            518.9231943, 475.8456225, 436.3440658, 400.1216672, 366.9062125, 336.4480852, 308.5183902, 282.9072338, 259.4221462,
            237.8866352, 218.13886, 200.0304145, 183.4252123, 168.1984643, 154.2357401, 141.432109, 129.6913506, 118.9252324,
            109.0528461, 100]
        #expect(Array(late[0..<63]) == newFixed)
        #expect(throws: SWAPIEnergyTable.Failure.self) { try table.energies(sweep: 0, startTime: "2025-05-20T00:00:00.000", esaLvl5: 1) }
    }
}
