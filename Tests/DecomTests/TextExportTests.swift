import Dataset
import Decom
import Foundation
import PacketDefinitions
import Testing

/// CSV and JSON text of decoded values: arrays as NAME[i] columns or nested arrays, variable
/// binary cut to its size, strings escaped, the account of undecoded packets in the JSON.
@Suite struct TextExportTests {
    @Test("JSON and CSV carry the decoded values; variable binary is cut to its size")
    func jsonAndCSV() async throws {
        let set = try load(DynamicLayoutTests.definitions)
        let bytes = DynamicLayoutTests.first() + DynamicLayoutTests.second() + packet(apid: 401, payload: [1, 2])
        let result = try await decode(bytes, definitions: set)
        var json = ""
        var exporter = TextExport(format: .json) { json += $0 }
        exporter.export(result)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let containers = try #require(object["containers"] as? [[String: Any]])
        let columns = try #require(containers.first?["columns"] as? [String: Any])
        #expect(columns["BLOB"] as? [String] == ["aabbcc", ""])
        #expect(columns["VEC3"] as? [[Int]] == [[1, 2, 65535], [4, 5, 6]])
        #expect(columns["LABEL"] as? [String] == ["hi", ""])
        #expect(columns["CHECKSUM"] as? [Int] == [0xCAFE, 0x0102])
        let undecoded = try #require(object["undecoded"] as? [[String: Any]])
        #expect(undecoded.first?["apid"] as? Int == 401)
        #expect(undecoded.first?["packets"] as? Int == 1)

        var csv = ""
        var csvExporter = TextExport(format: .csv) { csv += $0 }
        csvExporter.export(result)
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines.first == "# container DYN (APID 400): 2 packets")
        let header = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let row = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(row[try #require(header.firstIndex(of: "VEC3[2]"))] == "65535")
        #expect(row[try #require(header.firstIndex(of: "BLOB"))] == "aabbcc")
        #expect(row[try #require(header.firstIndex(of: "OWNER"))] == "abc")
        #expect(lines.count == 4)
    }
}
