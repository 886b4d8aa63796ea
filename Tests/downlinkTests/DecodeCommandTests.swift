import Foundation
import Testing

/// `downlink decode` as users run it: values out, errors with file and line, exit statuses.
extension CommandLineTests {
    static let swapi: URL? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/reference/imap/swapi")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    @Test func decodeWritesJSONAndCSVValues() throws {
        guard let swapi = Self.swapi else { return }
        let file = swapi.appendingPathComponent("imap_swapi_l0_raw_20240924_v001.pkts").path
        let xml = swapi.appendingPathComponent("swapi_packet_definition.xml").path
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sci.json").path
        let json = try downlink("decode", file, "--definitions", xml, "--apid", "1188", "--format", "json", "--output", out)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stderr.contains("decoded 153 packets into 1 containers"))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any]
        let containers = try #require(object?["containers"] as? [[String: Any]])
        #expect(containers.count == 1)
        #expect(containers.first?["name"] as? String == "P_SWP_SCI")
        #expect(containers.first?["packets"] as? Int == 153)
        let columns = try #require(containers.first?["columns"] as? [String: Any])
        #expect((columns["SHCOARSE"] as? [Int])?.first == 464_880_095)
        #expect((columns["ESA_LVL5"] as? [Int])?.first == 4758)

        let csv = try downlink("decode", file, "--definitions", xml, "--apid", "1188", "--calibrated")
        #expect(csv.status == 0)
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first == "# container P_SWP_SCI (APID 1188): 153 packets")
        let header = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let row = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 2 + 153)
        #expect(row[try #require(header.firstIndex(of: "MODE.label"))] == "HVENG")
        #expect(row[try #require(header.firstIndex(of: "SHCOARSE"))] == "464880095")
    }

    @Test func decodeErrorsNameTheFileAndLine() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.xml").path
        try Data("<xtce:SpaceSystem xmlns:xtce=\"http://www.omg.org/space/xtce\" name=\"X\">\n<a></b>".utf8)
            .write(to: URL(fileURLWithPath: bad))
        let packets = dir.appendingPathComponent("p.bin").path
        try Data([0x08, 0x01, 0xC0, 0x00, 0x00, 0x00, 0x00]).write(to: URL(fileURLWithPath: packets))
        let r = try downlink("decode", packets, "--definitions", bad)
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.xml:2"))
        let missing = try downlink("decode", dir.appendingPathComponent("none.bin").path, "--definitions", bad)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("bad.xml") || missing.stderr.contains("none.bin"))
    }
}
