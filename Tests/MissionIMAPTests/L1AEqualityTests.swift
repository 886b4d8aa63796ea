import Dataset
import Foundation
import ReferenceFixtures
import Testing

/// The mission's L1A decode (PacketScanner + Decom with the definitions mission.yaml names) against
/// space_packet_parser 6.2.0 (tools/spp_reference.py), raw value by raw value, for the file and
/// definition pairs that DecomTests' SpacePacketParserEqualityTests does not already cover: SWAPI
/// and the 2023 IMAP-Hi files with the definitions of the imap-processing 1.0.40 wheel.
@Suite struct L1AEqualityTests {
    static let pypi = "xtce_pypi_imap-processing-1.0.40"
    static let cases: [(file: String, definition: String, packets: Int)] = [
        ("swapi/imap_swapi_l0_raw_20240924_v001.pkts", "\(pypi)/swapi/packet_definitions/swapi_packet_definition.xml", 170),
        ("hi/20231030_H45_SCI_CNT.bin", "\(pypi)/hi/packet_definitions/TLM_HI_COMBINED_SCI.xml", 100),
        ("hi/20231030_H45_SCI_DE.bin", "\(pypi)/hi/packet_definitions/TLM_HI_COMBINED_SCI.xml", 100),
    ]

    @Test(arguments: 0..<3)
    func rawValuesEqualSpacePacketParser(_ index: Int) async throws {
        guard let imap = Fixtures.imap else { #expect(!Fixtures.isCI); return }
        let c = Self.cases[index]
        let file = imap.appendingPathComponent(c.file), definition = imap.appendingPathComponent(c.definition)
        let decoded = try await IMAP.decode(file, definitions: definition)
        // Ours, by file offset: parameter name -> tagged value as spp_reference.py writes it.
        var ours: [Int: [String: String]] = [:]
        for dataset in decoded.values {
            let offsets = try dataset["file_offset"]!.column.values(as: Int64.self)
            for v in dataset.variables where !v.name.hasPrefix("ccsds_") && v.name != "file_offset" && v.name != "file_index" && !v.name.hasSuffix(".bits") {
                let texts = try Self.tagged(v, bits: dataset[v.name + ".bits"])
                for (r, offset) in offsets.enumerated() { ours[Int(offset), default: [:]][v.name] = texts[r] }
            }
        }
        let python = try Fixtures.peersPython()
        let run = try Fixtures.run(python, [Fixtures.root.appendingPathComponent("tools/spp_reference.py").path, definition.path, file.path])
        try #require(run.status == 0, "\(run.stderr)")
        var packets = 0, compared = 0, bad: [String] = []
        for line in run.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let offset = try #require(object["offset"] as? Int)
            guard let raw = object["raw"] as? [String: String] else {
                #expect(ours[offset] == nil, "packet at \(offset) decoded here, not by space_packet_parser")
                continue
            }
            packets += 1
            let mine = try #require(ours[offset], "packet at \(offset) decoded by space_packet_parser, not here")
            for (name, value) in raw {
                compared += 1
                if mine[name] != value, bad.count < 10 { bad.append("@\(offset) \(name): \(mine[name] ?? "missing") != \(value)") }
            }
        }
        #expect(bad.isEmpty, "\(bad.joined(separator: "\n"))")
        #expect(packets == c.packets)
        print("L1A \(c.file) with \(c.definition): \(compared) raw values of \(packets) packets equal space_packet_parser's")
    }

    /// spp_reference.py's tags: "i:<decimal>", "f:<binary64 hex>", "b:<hex>".
    static func tagged(_ v: Variable, bits: Variable?) throws -> [String] {
        let c = v.column
        switch c.elementType {
        case .binary(let width):
            let sizes = try bits.map { try $0.column.values(as: UInt32.self) }
            return c.withUnsafeBytes { raw in
                (0..<c.records).map { r in
                    let n = sizes.map { Int(($0[r] + 7) / 8) } ?? width
                    return "b:" + raw[(r * width)..<(r * width + n)].map { String(format: "%02x", $0) }.joined()
                }
            }
        case .float32: return try c.values(as: Float.self).map { "f:" + String(format: "%016llx", Double($0).bitPattern) }
        case .float64: return try c.values(as: Double.self).map { "f:" + String(format: "%016llx", $0.bitPattern) }
        default: return try IMAP.text(v).map { "i:" + $0 }
        }
    }
}
