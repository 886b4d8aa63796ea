import Dataset
import Decom
import Foundation
import PacketDefinitions
import Testing

/// Every IMAP Level-0 file of ../shared/reference/imap decoded with its definition, compared value
/// by value (raw and engineering) with space_packet_parser 6.2.0 run by tools/spp_reference.py:
/// every packet, every parameter, and the decoded packet counts the reference README lists.
@Suite(.serialized) struct SpacePacketParserEqualityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var definition: String
        var decoded: Int
        var testDescription: String { "\((file as NSString).lastPathComponent) with \((definition as NSString).lastPathComponent)" }
    }

    static let pypi = "xtce_pypi_imap-processing-1.0.40"
    static let cases: [Case] = [
        Case(file: "lo/imap_lo_l0_raw_20240627_v001.pkts", definition: "lo/lo_xtce.xml", decoded: 1972),
        Case(file: "lo/imap_lo_l0_raw_20240627_v001.pkts", definition: "\(pypi)/lo/packet_definitions/lo_xtce.xml", decoded: 3798),
        Case(file: "ultra/FM45_TV_Cycle6_Hot_Ops_Front212_20240124T063837.CCSDS",
             definition: "\(pypi)/ultra/packet_definitions/ULTRA_SCI_COMBINED.xml", decoded: 3326),
        Case(file: "ultra/Ultra45_EM_SwRI_Cal_Run7_ThetaScan_20220530T225054.CCSDS",
             definition: "\(pypi)/ultra/packet_definitions/ULTRA_SCI_COMBINED.xml", decoded: 1058),
        Case(file: "ultra/FM45_40P_Phi28p5_BeamCal_LinearScan_phi28.50_theta-0.00_20240207T102740.CCSDS",
             definition: "\(pypi)/ultra/packet_definitions/ULTRA_SCI_COMBINED.xml", decoded: 1117),
        Case(file: "ultra/FM45_7P_Phi0.0_BeamCal_LinearScan_phi0.04_theta-0.01_20230821T121304.CCSDS",
             definition: "\(pypi)/ultra/packet_definitions/ULTRA_SCI_COMBINED.xml", decoded: 915),
        Case(file: "idex/imap_idex_l0_raw_20230725_v001.pkts", definition: "idex/idex_packet_definition.xml", decoded: 247),
        Case(file: "hit/sci_sample.ccsds", definition: "hit/hit_packet_definitions.xml", decoded: 1740),
        Case(file: "hit/PREFLIGHT_raw_record_2023_256_15_59_04_apid1252.pkts", definition: "hit/hit_packet_definitions.xml", decoded: 1130),
        Case(file: "hit/PREFLIGHT_raw_record_2023_256_15_59_04_apid1251.pkts", definition: "hit/hit_packet_definitions.xml", decoded: 682),
        Case(file: "hit/imap_hit_l0_hk_20100105_v001.pkts", definition: "hit/hit_packet_definitions.xml", decoded: 88),
        Case(file: "hi/20231030_H45_SCI_DE.bin", definition: "hi/hi_packet_definition.xml", decoded: 100),
        Case(file: "hi/20231030_H45_SCI_CNT.bin", definition: "hi/hi_packet_definition.xml", decoded: 100),
        Case(file: "hi/20231030_H45_APP_NHK.bin", definition: "hi/hi_packet_definition.xml", decoded: 100),
        Case(file: "hi/H90_NHK_20241104.bin", definition: "\(pypi)/hi/packet_definitions/TLM_HI_COMBINED_SCI.xml", decoded: 1153),
        Case(file: "hi/H90_sci_cnt_20241104.bin", definition: "\(pypi)/hi/packet_definitions/TLM_HI_COMBINED_SCI.xml", decoded: 10),
        Case(file: "hi/H90_sci_de_20241104.bin", definition: "\(pypi)/hi/packet_definitions/TLM_HI_COMBINED_SCI.xml", decoded: 19),
        Case(file: "hi/H45_diag_fee_20250208.bin", definition: "\(pypi)/hi/packet_definitions/TLM_HI_COMBINED_SCI.xml", decoded: 204),
        Case(file: "ialirt/hit_ialirt_sample.ccsds", definition: "ialirt/ialirt_hit.xml", decoded: 1000),
        Case(file: "mag/mag_l0_test_data.pkts", definition: "mag/MAG_SCI_COMBINED.xml", decoded: 36),
        Case(file: "mag/mag_l1_test_data.pkts", definition: "mag/MAG_SCI_COMBINED.xml", decoded: 6),
        Case(file: "swapi/imap_swapi_l0_raw_20240924_v001.pkts", definition: "swapi/swapi_packet_definition.xml", decoded: 463),
    ]

    @Test("Raw and engineering values equal space_packet_parser 6.2.0's for every packet of every IMAP file", arguments: cases)
    func equalToSpacePacketParser(_ c: Case) async throws {
        guard let imap = Fixtures.imap else {
            #expect(!Fixtures.isCI, "../shared/reference/imap is missing")
            return
        }
        let file = imap.appendingPathComponent(c.file).path
        let definition = imap.appendingPathComponent(c.definition).path
        let set = try DefinitionSet.load(contentsOf: definition)
        let result = try await decode(paths: [file], definitions: set, options: DecodeOptions(calibrated: true, labels: true))
        #expect(result.decodedPackets == c.decoded)
        #expect(result.findings.isEmpty, "\(result.findings.prefix(3))")

        let python = try Fixtures.peersPython()
        let run = try Fixtures.run(python, [Fixtures.root.appendingPathComponent("tools/spp_reference.py").path, definition, file])
        try #require(run.status == 0, "spp_reference.py failed: \(run.stderr)")
        let lines = run.stdout.split(separator: "\n")

        // Where each decoded packet went: file offset -> (container, record).
        var location: [Int: (TaggedValues, Int)] = [:]
        for container in result.containers {
            let tagged = TaggedValues(container, set)
            let offsets = integers(container, "file_offset")
            for (record, offset) in offsets.enumerated() { location[Int(offset)] = (tagged, record) }
        }

        var referenceDecoded = 0
        var compared = 0
        var mismatches: [String] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let offset = try #require(object["offset"] as? Int)
            guard let raw = object["raw"] as? [String: String], let derived = object["derived"] as? [String: String] else {
                #expect(location[offset] == nil, "packet at \(offset) decoded here, not by the reference: \(object["error"] ?? "")")
                continue
            }
            referenceDecoded += 1
            guard let (tagged, record) = location[offset] else {
                Issue.record("packet at \(offset) (APID \(object["apid"] ?? "")) decoded by the reference, not here")
                continue
            }
            #expect(Set(raw.keys) == tagged.parameterNames, "parameters of the packet at \(offset) (\(tagged.container.name))")
            for (name, value) in raw {
                compared += 1
                let mine = tagged.raw(name, record)
                if mine != value, mismatches.count < 20 { mismatches.append("\(tagged.container.name) @\(offset) \(name) raw: \(mine ?? "missing") != \(value)") }
                let mineDerived = tagged.derived(name, record)
                if mineDerived != derived[name], mismatches.count < 20 {
                    mismatches.append("\(tagged.container.name) @\(offset) \(name) derived: \(mineDerived ?? "missing") != \(derived[name] ?? "")")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        #expect(referenceDecoded == c.decoded)
        #expect(compared > 0)
    }
}
