import Dataset
import Foundation
@testable import MissionIMAP
import Products
import ReferenceFixtures
import Testing

/// SWAPI L1 and L2 against imap_processing 1.0.40 run on the same L0 (tools/imap_reference.py swapi).
@Suite struct SWAPITests {
    static func reference(_ imap: URL) throws -> [String: Any] {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var arguments = ["swapi", imap.appendingPathComponent("swapi/imap_swapi_l0_raw_20240924_v001.pkts").path, "--out", dir.path]
        let tables = Fixtures.root.appendingPathComponent("testdata/missions/imap/swapi")
        arguments += ["--esa-table", tables.appendingPathComponent("imap_swapi_esa-unit-conversion_20250626_v001.csv").path,
                      "--lut-notes", tables.appendingPathComponent("imap_swapi_lut-notes_20250626_v006.csv").path]
        _ = try Fixtures.imapReference(arguments)
        let data = try Data(contentsOf: dir.appendingPathComponent("swapi.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func l1(_ imap: URL) async throws -> Dataset {
        let definitions = imap.appendingPathComponent("xtce_pypi_imap-processing-1.0.40/swapi/packet_definitions/swapi_packet_definition.xml")
        let decoded = try await IMAP.decode(imap.appendingPathComponent("swapi/imap_swapi_l0_raw_20240924_v001.pkts"), definitions: definitions)
        let sci = try #require(decoded[1188]), hk = try #require(decoded[1184])
        return try SWAPIL1().apply(sci, context: IMAP.context(imap, product: "swapi_l1_sci", inputs: ["hk": hk]))
    }

    @Test func l1AndL2EqualIMAPProcessing() async throws {
        guard let imap = Fixtures.imap else { #expect(!Fixtures.isCI); return }
        let reference = try Self.reference(imap)
        let l1 = try await Self.l1(imap)
        var compared = 0
        let refL1 = try #require((reference["l1"] as? [String: Any])?["variables"] as? [String: Any])
        for name in refL1.keys.sorted() where name != "esa_step_label" {
            let ours = try #require(l1[name], "our L1 has no \(name)")
            compared += try IMAP.compare(ours, IMAP.Reference(refL1[name]), "L1 \(name)")
        }
        #expect(l1["epoch"]!.column.records == 11)
        let l1Count = compared

        let l2 = try SWAPIL2().apply(l1, context: IMAP.context(imap, product: "swapi_l2_sci"))
        let refL2 = try #require((reference["l2"] as? [String: Any])?["variables"] as? [String: Any])
        for name in refL2.keys.sorted() where name != "esa_step_label" {
            let ours = try #require(l2[name], "our L2 has no \(name)")
            compared += try IMAP.compare(ours, IMAP.Reference(refL2[name]), "L2 \(name)")
        }
        print("SWAPI: \(l1Count) L1 values and \(compared - l1Count) L2 values equal imap_processing's")

        // ESA energies with the SWAPI team's tables (testdata/missions/imap/swapi, from the public
        // imap_processing repository's tests). The tables start in 2025, after this L0, and have only
        // sweep id 0 at their earliest time: like imap_processing's own L2 test, the sweeps are solved
        // as sweep id 0 (with the real id 1 both implementations refuse the sweep).
        let tables = Fixtures.root.appendingPathComponent("testdata/missions/imap/swapi")
        let energies = try SWAPIEnergyTable(esaTable: tables.appendingPathComponent("imap_swapi_esa-unit-conversion_20250626_v001.csv").path,
                                            lutNotes: tables.appendingPathComponent("imap_swapi_lut-notes_20250626_v006.csv").path,
                                            at: ConfigLocation(file: "test", line: 0))
        let reference0 = try #require(reference["esa_energy_sweep0"] as? [String])
        let starts = try l1["sci_start_time"]!.column.strings(), lvl5 = try l1["esa_lvl5"]!.column.values(as: UInt16.self)
        var ours: [Double] = []
        for s in 0..<starts.count {
            ours += try energies.energies(sweep: 0, startTime: starts[s], esaLvl5: Int(lvl5[s]))
            #expect(throws: SWAPIEnergyTable.Failure.self) { try energies.energies(sweep: 1, startTime: starts[s], esaLvl5: Int(lvl5[s])) }
        }
        #expect(ours.map(\.bitPattern) == reference0.map { Double($0)!.bitPattern })
        // The fine steps imap_processing's test_swapi_l2_cdf expects for this L0 (ESA_LVL5 0x12F1).
        #expect(Array(ours[63..<72]) == [4290, 4199, 4109, 4020, 3934, 3850, 3767, 3687, 3608])
        print("SWAPI: \(ours.count) ESA energies equal imap_processing's")
        // Not a constant result: the sweeps hold real counts, some compressed.
        let counts = try l1["swp_pcem_counts"]!.column.values(as: Float.self)
        #expect(counts.contains { $0 > 100 })
    }
}
