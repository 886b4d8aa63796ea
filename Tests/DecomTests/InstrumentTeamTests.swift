import Dataset
import Decom
import Foundation
import PacketDefinitions
import Testing

/// The instrument teams' own exports of decoded values (../shared/reference/imap, see its README),
/// matched to decoded packets on SHCOARSE and compared column by column.
@Suite struct InstrumentTeamTests {
    /// Rows of a plain CSV file (no quoted fields) as dictionaries.
    static func rows(_ path: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    struct Comparison {
        var matchedRows = 0
        var equal: [String] = []
        var different: [String] = []
    }

    /// Compares every reference column that has a decoded counterpart (`name(column)`), over the
    /// reference rows, matched to records on the SHCOARSE value.
    static func compare(_ c: DecodedContainer, reference: [[String: String]], key: String, decodedKey: String,
                        name: (String) -> String) -> Comparison {
        var recordByKey: [String: Int] = [:]
        if let column = c.dataset[decodedKey]?.column {
            for r in 0..<c.records { recordByKey[TextExport.text(column, r) ?? ""] = r }
        }
        var result = Comparison()
        let matched = reference.compactMap { row in row[key].flatMap { recordByKey[$0] }.map { (row, $0) } }
        result.matchedRows = matched.count
        for referenceColumn in (reference.first?.keys.sorted() ?? []) {
            guard let column = c.dataset[name(referenceColumn)]?.column else { continue }
            let same = matched.allSatisfy { row, record in TextExport.text(column, record) == row[referenceColumn] }
            if same { result.equal.append(referenceColumn) } else { result.different.append(referenceColumn) }
        }
        return result
    }

    @Test("SWAPI science: all 50 shared columns equal the team's export for all 153 packets")
    func swapiScience() async throws {
        guard let imap = Fixtures.imap else { #expect(!Fixtures.isCI); return }
        let set = try DefinitionSet.load(contentsOf: imap.appendingPathComponent("swapi/swapi_packet_definition.xml").path)
        let result = try await decode(paths: [imap.appendingPathComponent("swapi/imap_swapi_l0_raw_20240924_v001.pkts").path],
                                      definitions: set)
        let sci = try #require(result.container(named: "P_SWP_SCI"))
        let reference = try Self.rows(imap.appendingPathComponent("swapi/idle_export_raw.SWP_SCI_20240924_080204.csv").path)
        let c = Self.compare(sci, reference: reference, key: "SHCOARSE", decodedKey: "SHCOARSE") { $0 }
        #expect(reference.count == 153)
        #expect(c.matchedRows == 153)
        #expect(c.equal.count == 50)
        #expect(c.different.isEmpty, "\(c.different)")
    }

    @Test("SWAPI housekeeping: 91 columns equal the team's export; only the 10 known to differ in the export differ")
    func swapiHousekeeping() async throws {
        guard let imap = Fixtures.imap else { #expect(!Fixtures.isCI); return }
        let set = try DefinitionSet.load(contentsOf: imap.appendingPathComponent("swapi/swapi_packet_definition.xml").path)
        let result = try await decode(paths: [imap.appendingPathComponent("swapi/imap_swapi_l0_raw_20240924_v001.pkts").path],
                                      definitions: set)
        let hk = try #require(result.container(named: "P_SWP_HK"))
        let reference = try Self.rows(imap.appendingPathComponent("swapi/idle_export_raw.SWP_HK_20240924_080204.csv").path)
        let c = Self.compare(hk, reference: reference, key: "SHCOARSE", decodedKey: "SHCOARSE") { $0 }
        #expect(c.matchedRows == reference.count)
        #expect(reference.count == 17)
        #expect(c.equal.count == 91)
        #expect(Set(c.different) == ["N5_V", "SCEM_I", "P5_I", "AGND_VOLT", "PHD_LLD1_V", "P_CEM_CMD_LVL_MON",
                                     "S_CEM_CMD_LVL_MON", "ESA_CMD_LVL_MON", "PHD_LLD2_V", "CHKSUM"])
    }

    @Test("HIT housekeeping: the 118 data columns (and the 7 header fields and SHCOARSE) equal the team's export")
    func hitHousekeeping() async throws {
        guard let imap = Fixtures.imap else { #expect(!Fixtures.isCI); return }
        let set = try DefinitionSet.load(contentsOf: imap.appendingPathComponent("hit/hit_packet_definitions.xml").path)
        let result = try await decode(paths: [imap.appendingPathComponent("hit/imap_hit_l0_hk_20100105_v001.pkts").path],
                                      definitions: set)
        let hk = try #require(result.container(named: "HIT_HSKP"))
        let reference = try Self.rows(imap.appendingPathComponent("hit/hskp_sample_raw.csv").path)
        let header = ["CCSDS_VERSION": "VERSION", "CCSDS_TYPE": "TYPE", "CCSDS_SEC_HDR_FLAG": "SEC_HDR_FLG", "CCSDS_APPID": "PKT_APID",
                      "CCSDS_GRP_FLAG": "SEQ_FLGS", "CCSDS_SEQ_CNT": "SRC_SEQ_CTR", "CCSDS_LENGTH": "PKT_LEN",
                      "SHCOARSE": "HIT_HSKP.SC_TICK"]
        let c = Self.compare(hk, reference: reference, key: "SHCOARSE", decodedKey: "HIT_HSKP.SC_TICK") { header[$0] ?? "HIT_HSKP." + $0 }
        #expect(c.matchedRows == reference.count)
        #expect(reference.count == 87)
        #expect(c.different.isEmpty, "\(c.different)")
        #expect(c.equal.filter { header[$0] == nil }.count == 118)
        #expect(c.equal.count == 118 + 8)
    }
}
