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
        if FileManager.default.fileExists(atPath: tables.appendingPathComponent("imap_swapi_lut-notes_20250626_v006.csv").path) {
            arguments += ["--esa-table", tables.appendingPathComponent("imap_swapi_esa-unit-conversion_20250626_v001.csv").path,
                          "--lut-notes", tables.appendingPathComponent("imap_swapi_lut-notes_20250626_v006.csv").path]
        }
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
        // Not a constant result: the sweeps hold real counts, some compressed.
        let counts = try l1["swp_pcem_counts"]!.column.values(as: Float.self)
        #expect(counts.contains { $0 > 100 })
    }
}
