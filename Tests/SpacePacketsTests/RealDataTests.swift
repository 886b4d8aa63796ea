import Foundation
import SpacePackets
import Testing

/// Real Level-0 files: packet counts per APID equal CCSDSPy's and the IMAP reference table, and
/// split outputs are byte-identical to CCSDSPy's `split_by_apid`.
@Suite(.serialized) struct RealDataTests {
    /// The IMAP table of ../shared/reference/imap/README.md: file, packets, APIDs where listed.
    static let imapTable: [(String, Int, [UInt16: Int]?)] = [
        ("lo/imap_lo_l0_raw_20240627_v001.pkts", 12_937, nil),
        ("ultra/FM45_TV_Cycle6_Hot_Ops_Front212_20240124T063837.CCSDS", 3326, nil),
        ("ultra/Ultra45_EM_SwRI_Cal_Run7_ThetaScan_20220530T225054.CCSDS", 1058, nil),
        ("ultra/FM45_40P_Phi28p5_BeamCal_LinearScan_phi28.50_theta-0.00_20240207T102740.CCSDS", 1117, nil),
        ("ultra/FM45_7P_Phi0.0_BeamCal_LinearScan_phi0.04_theta-0.01_20230821T121304.CCSDS", 915, nil),
        ("idex/imap_idex_l0_raw_20230725_v001.pkts", 2206, nil),
        ("hit/sci_sample.ccsds", 1740, [1252: 1740]),
        ("hit/PREFLIGHT_raw_record_2023_256_15_59_04_apid1252.pkts", 1130, [1252: 1130]),
        ("hit/PREFLIGHT_raw_record_2023_256_15_59_04_apid1251.pkts", 682, [1251: 682]),
        ("hit/imap_hit_l0_hk_20100105_v001.pkts", 88, [1251: 88]),
        ("hi/20231030_H45_SCI_DE.bin", 100, [770: 100]),
        ("hi/20231030_H45_SCI_CNT.bin", 100, [769: 100]),
        ("hi/20231030_H45_APP_NHK.bin", 100, [754: 100]),
        ("hi/H90_NHK_20241104.bin", 1153, nil),
        ("hi/H90_sci_cnt_20241104.bin", 10, nil),
        ("hi/H90_sci_de_20241104.bin", 19, nil),
        ("hi/H45_diag_fee_20250208.bin", 204, nil),
        ("ialirt/hit_ialirt_sample.ccsds", 1000, [1253: 1000]),
        ("mag/mag_l0_test_data.pkts", 36, nil),
        ("mag/mag_l1_test_data.pkts", 6, [1052: 6]),
        ("swapi/imap_swapi_l0_raw_20240924_v001.pkts", 463, nil),
    ]

    @Test func imapReferenceTable() throws {
        guard let imap = Fixtures.imap else {
            #expect(!Fixtures.isCI, "../shared/reference/imap is missing on CI")
            return
        }
        for (path, packets, apids) in Self.imapTable {
            let file = try MappedFile(path: imap.appendingPathComponent(path).path)
            let index = PacketScanner.scan(file)
            #expect(index.packetCount == packets, "\(path)")
            #expect(index.skippedBytes == 0 && index.truncatedBytes == 0, "\(path): every file is a clean chain")
            if let apids {
                #expect(Dictionary(uniqueKeysWithValues: index.apids.map { ($0.apid, $0.count) }) == apids, "\(path)")
            }
            checkAccounting(index)
        }
        // Listed APID sets.
        let lo = PacketScanner.scan(try MappedFile(path: imap.appendingPathComponent("lo/imap_lo_l0_raw_20240627_v001.pkts").path))
        #expect(lo.apids.map(\.apid) == [672, 677, 678, 705, 706, 707, 708, 721, 722, 723, 724, 725])
        let idex = PacketScanner.scan(try MappedFile(path: imap.appendingPathComponent("idex/imap_idex_l0_raw_20230725_v001.pkts").path))
        #expect(idex.packets(apid: 1424)?.count == 247)
        let swapi = PacketScanner.scan(try MappedFile(path: imap.appendingPathComponent("swapi/imap_swapi_l0_raw_20240924_v001.pkts").path))
        #expect(swapi.apids.map(\.apid) == [1184, 1187, 1188, 1192])
        #expect(swapi.packets(apid: 1188)?.count == 153)
    }

    /// Every real file: CCSDSPy's counts and bytes per APID, and its split outputs byte for byte.
    @Test func equalToCCSDSPy() async throws {
        let data = try Fixtures.ccsdspyData()
        var files = [
            "split/CYGNSS_F7_L0_2022_086_10_15_V01_F__first101pkts.tlm", "europa_clipper/ecm_raw2.bin",
            "csa/apid00400.tlm", "hs/apid895/SSAT1_2015-180-00-00-00_2015-180-01-59-56_895_1_sim.tlm",
            "hs/apid001/SSAT1_2015-180-00-00-00_2015-180-01-59-58_1_1_sim.tlm",
            "var_length/var_length_packets.bin", "byte_order/byteorder_1234.bin",
        ].map { data.appendingPathComponent($0).path }
        files += Fixtures.imapLevel0Files().map(\.path)
        let python = try Fixtures.peersPython()
        let work = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let result = try Fixtures.run(python, [Fixtures.root.appendingPathComponent("tools/ccsdspy_reference.py").path,
                                               work.appendingPathComponent("ccsdspy").path] + files)
        try #require(result.status == 0, "ccsdspy_reference.py: \(result.stderr)")
        struct Reference: Decodable {
            struct File: Decodable {
                struct Count: Decodable { var packets: Int; var bytes: Int }
                var file: String
                var apids: [String: Count]
                var split_dir: String
            }
            var files: [File]
        }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(result.stdout.utf8))
        try #require(reference.files.count == files.count)
        #expect(files.count >= 25)
        for (path, expected) in zip(files, reference.files) {
            let scanned = try await PacketScanner.scan(paths: [path])
            let index = scanned[0].index
            var mine: [String: Reference.File.Count] = [:]
            for p in index.apids { mine[String(p.apid)] = .init(packets: p.count, bytes: p.bytes) }
            #expect(mine.mapValues(\.packets) == expected.apids.mapValues(\.packets), "\(path)")
            #expect(mine.mapValues(\.bytes) == expected.apids.mapValues(\.bytes), "\(path)")
            let out = work.appendingPathComponent("downlink-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let outputs = try PacketSplitter.split(scanned, into: out.path, prefix: "x")
            #expect(outputs.count == expected.apids.count, "\(path)")
            for output in outputs {
                let theirs = try Data(contentsOf: URL(fileURLWithPath: "\(expected.split_dir)/apid\(output.apid).pkts"))
                let ours = try Data(contentsOf: URL(fileURLWithPath: output.path))
                #expect(ours == theirs, "\(path) APID \(output.apid): split differs from ccsdspy's")
            }
        }
    }

    /// CCSDSPy ships the expected per-APID files of its own split tests: ours equal them.
    @Test func equalToCCSDSPyExpectedSplitFiles() async throws {
        let data = try Fixtures.ccsdspyData()
        let cases: [(String, [UInt16])] = [
            ("split/CYGNSS_F7_L0_2022_086_10_15_V01_F__first101pkts.tlm", [384, 386, 391, 392, 393, 394, 1313]),
            ("europa_clipper/ecm_raw2.bin", [1216, 1217, 1219, 1223, 1227, 1232]),
        ]
        for (input, apids) in cases {
            let folder = data.appendingPathComponent(input).deletingLastPathComponent()
            let scanned = try await PacketScanner.scan(paths: [data.appendingPathComponent(input).path])
            #expect(scanned[0].index.anomalies.filter { $0.kind == .skippedBytes || $0.kind == .truncatedPacket }.isEmpty)
            let out = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: out) }
            let outputs = try PacketSplitter.split(scanned, into: out.path, prefix: "s")
            #expect(outputs.map(\.apid) == apids)
            for apid in apids {
                let name = "apid" + String(repeating: "0", count: 5 - String(apid).count) + String(apid) + ".tlm"
                let expected = try Data(contentsOf: folder.appendingPathComponent(name))
                let ours = try Data(contentsOf: out.appendingPathComponent("s_apid\(apid).pkts"))
                #expect(ours == expected, "\(input) APID \(apid)")
            }
        }
    }

    /// Several files of a day scanned together equal each scanned alone, in input order.
    @Test func parallelScanKeepsOrder() async throws {
        let files = Fixtures.imapLevel0Files().map(\.path)
        guard !files.isEmpty else { return }
        let together = try await PacketScanner.scan(paths: files)
        #expect(together.map(\.index.file) == files)
        for (path, scanned) in zip(files, together) {
            let alone = PacketScanner.scan(try MappedFile(path: path))
            #expect(alone.packetCount == scanned.index.packetCount)
            #expect(alone.anomalies == scanned.index.anomalies)
        }
    }
}
