import CDF
import Dataset
import Foundation
import Testing

/// `downlink process` as users meet it: a small mission folder, L0 files found by name or by APID,
/// the summary (table and JSON), files re-read, and configuration errors with file and line and no
/// output. The recipes here use no library steps (the standard library is tested in ProductsTests).
@Suite struct ProcessCommandTests {
    let cli = CommandLineTests()

    static let xtce = """
        <?xml version="1.0" encoding="UTF-8"?>
        <SpaceSystem xmlns="http://www.omg.org/spec/XTCE/20180204" name="TEST">
          <TelemetryMetaData>
            <ParameterTypeSet>
              <IntegerParameterType name="U1" signed="false"><IntegerDataEncoding sizeInBits="1" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U2" signed="false"><IntegerDataEncoding sizeInBits="2" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U3" signed="false"><IntegerDataEncoding sizeInBits="3" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U11" signed="false"><IntegerDataEncoding sizeInBits="11" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U14" signed="false"><IntegerDataEncoding sizeInBits="14" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U16" signed="false"><IntegerDataEncoding sizeInBits="16" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U32" signed="false"><IntegerDataEncoding sizeInBits="32" encoding="unsigned"/></IntegerParameterType>
            </ParameterTypeSet>
            <ParameterSet>
              <Parameter name="VERSION" parameterTypeRef="U3"/>
              <Parameter name="TYPE" parameterTypeRef="U1"/>
              <Parameter name="SEC_HDR_FLG" parameterTypeRef="U1"/>
              <Parameter name="PKT_APID" parameterTypeRef="U11"/>
              <Parameter name="SEQ_FLGS" parameterTypeRef="U2"/>
              <Parameter name="SRC_SEQ_CTR" parameterTypeRef="U14"/>
              <Parameter name="PKT_LEN" parameterTypeRef="U16"/>
              <Parameter name="SHCOARSE" parameterTypeRef="U32"/>
              <Parameter name="VALUE" parameterTypeRef="U16"/>
            </ParameterSet>
            <ContainerSet>
              <SequenceContainer name="CCSDSPacket" abstract="true">
                <EntryList>
                  <ParameterRefEntry parameterRef="VERSION"/>
                  <ParameterRefEntry parameterRef="TYPE"/>
                  <ParameterRefEntry parameterRef="SEC_HDR_FLG"/>
                  <ParameterRefEntry parameterRef="PKT_APID"/>
                  <ParameterRefEntry parameterRef="SEQ_FLGS"/>
                  <ParameterRefEntry parameterRef="SRC_SEQ_CTR"/>
                  <ParameterRefEntry parameterRef="PKT_LEN"/>
                </EntryList>
              </SequenceContainer>
              <SequenceContainer name="A_SCI">
                <EntryList><ParameterRefEntry parameterRef="SHCOARSE"/><ParameterRefEntry parameterRef="VALUE"/></EntryList>
                <BaseContainer containerRef="CCSDSPacket">
                  <RestrictionCriteria><Comparison parameterRef="PKT_APID" value="1100" useCalibratedValue="false"/></RestrictionCriteria>
                </BaseContainer>
              </SequenceContainer>
              <SequenceContainer name="B_SCI">
                <EntryList><ParameterRefEntry parameterRef="SHCOARSE"/><ParameterRefEntry parameterRef="VALUE"/></EntryList>
                <BaseContainer containerRef="CCSDSPacket">
                  <RestrictionCriteria><Comparison parameterRef="PKT_APID" value="1200" useCalibratedValue="false"/></RestrictionCriteria>
                </BaseContainer>
              </SequenceContainer>
            </ContainerSet>
          </TelemetryMetaData>
        </SpaceSystem>
        """

    static let yaml = """
        mission:
          name: cli
        time:
          linear: {epoch: 2010-01-01T00:00:00Z}
        formats: [cdf]
        instruments:
          ina:
            apids: [1100]
            definitions: defs.xml
          inb:
            apids: [1200]
            definitions: defs.xml
        products:
          ina_l1a_raw:
            inputs:
              - {l0: ina, container: A_SCI}
          inb_l1a_raw:
            inputs:
              - {l0: inb, apid: 1200}
        """

    func mission(_ yaml: String = ProcessCommandTests.yaml) throws -> URL {
        let dir = try cli.temporary()
        try yaml.write(to: dir.appendingPathComponent("mission.yaml"), atomically: true, encoding: .utf8)
        try Self.xtce.write(to: dir.appendingPathComponent("defs.xml"), atomically: true, encoding: .utf8)
        return dir
    }

    /// `count` packets of one APID with VALUE = base + i.
    func l0(apid: UInt16, count: Int, base: Int) -> Data {
        var out: [UInt8] = []
        for i in 0..<count {
            for v in [UInt16(0x0800) | apid, UInt16(0xC000) | UInt16(i), UInt16(5)] { withUnsafeBytes(of: v.bigEndian) { out += $0 } }
            withUnsafeBytes(of: UInt32(473_299_200 + i).bigEndian) { out += $0 }
            withUnsafeBytes(of: UInt16(base + i).bigEndian) { out += $0 }
        }
        return Data(out)
    }

    @Test func processesADayFoundByNameAndByAPID() throws {
        let dir = try mission()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inbox = dir.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        // ina by name, another day's ina file that must be ignored, inb under a name that follows no pattern.
        try l0(apid: 1100, count: 7, base: 100).write(to: inbox.appendingPathComponent("cli_ina_l0_20250101_v001.pkts"))
        try l0(apid: 1100, count: 3, base: 900).write(to: inbox.appendingPathComponent("cli_ina_l0_20250102_v001.pkts"))
        try l0(apid: 1200, count: 4, base: 200).write(to: inbox.appendingPathComponent("downlink_pass_0042.bin"))
        let out = dir.appendingPathComponent("out").path
        let r = try cli.downlink("process", "--mission", dir.path, "--date", "2025-01-01", "--output", out, "--json", inbox.path)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let products = try #require(json["products"] as? [[String: Any]])
        #expect(products.map { $0["product"] as? String } == ["ina_l1a_raw", "inb_l1a_raw"])
        #expect(products.map { $0["records"] as? Int } == [7, 4])
        #expect(json["records"] as? Int == 11)
        let a = try CDFReader(path: out + "/cli_ina_l1a_raw_20250101_v001.cdf").dataset()
        #expect(try a["VALUE"]?.column.values(as: UInt16.self) == (100..<107).map(UInt16.init))
        let b = try CDFReader(path: out + "/cli_inb_l1a_raw_20250101_v001.cdf").dataset()
        #expect(try b["VALUE"]?.column.values(as: UInt16.self) == (200..<204).map(UInt16.init))
        #expect(a.attributes["Logical_source"] == .string("cli_ina_l1a_raw"))
        #expect(products.map { $0["bytes"] as? Int } == [out + "/cli_ina_l1a_raw_20250101_v001.cdf", out + "/cli_inb_l1a_raw_20250101_v001.cdf"]
            .map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? -1 })

        // The table, one product only, version 2.
        let t = try cli.downlink("process", "--mission", dir.path, "--date", "2025-01-01", "--output", out, "--product", "inb_l1a_raw",
                                 "--data-version", "2", inbox.path)
        #expect(t.status == 0, "\(t.stderr)")
        let row = t.stdout.split(separator: "\n").first { $0.hasPrefix("inb_l1a_raw ") }.map { $0.split(separator: " ").map(String.init) }
        #expect(row?.prefix(3) == ["inb_l1a_raw", "v002", "4"], "\(t.stdout)")
        #expect(t.stdout.contains("total: 1 products"))
        #expect(!t.stdout.contains("ina_l1a_raw"))
        #expect(FileManager.default.fileExists(atPath: out + "/cli_inb_l1a_raw_20250101_v002.cdf"))

        // --format replaces the mission's formats.
        let f = try cli.downlink("process", "--mission", dir.path, "--date", "2025-01-01", "--output", out, "--product", "ina_l1a_raw",
                                 "--format", "fits", "--format", "hdf5", "--data-version", "3", inbox.path)
        #expect(f.status == 0, "\(f.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.contains("_v003") }.sorted()
        #expect(written == ["cli_ina_l1a_raw_20250101_v003.fits", "cli_ina_l1a_raw_20250101_v003.h5"])
    }

    @Test func configurationErrorsNameFileAndLineAndWriteNothing() throws {
        let bad = Self.yaml.replacingOccurrences(of: "apid: 1200", with: "apid: 1300")
        let dir = try mission(bad)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("l0.pkts")
        try l0(apid: 1100, count: 2, base: 0).write(to: file)
        let out = dir.appendingPathComponent("out").path
        let r = try cli.downlink("process", "--mission", dir.path, "--date", "2025-01-01", "--output", out, file.path)
        #expect(r.status == 1)
        let line = (bad.components(separatedBy: "\n").firstIndex { $0.contains("apid: 1300") } ?? -2) + 1
        #expect(r.stderr.contains("\(dir.path)/mission.yaml:\(line): unknown APID 1300"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))

        let yamlError = try mission(Self.yaml.replacingOccurrences(of: "formats: [cdf]", with: "formats: [cdf"))
        defer { try? FileManager.default.removeItem(at: yamlError) }
        let y = try cli.downlink("process", "--mission", yamlError.path, "--date", "2025-01-01", "--output", out, file.path)
        #expect(y.status == 1)
        #expect(y.stderr.contains("\(yamlError.path)/mission.yaml:"), "\(y.stderr)")
        #expect(y.stderr.contains("not valid YAML"), "\(y.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func noInputsForTheDayIsAnError() throws {
        let dir = try mission()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cli_ina_l0_20250102_v001.pkts")
        try l0(apid: 1100, count: 2, base: 0).write(to: file)
        let r = try cli.downlink("process", "--mission", dir.path, "--date", "2025-01-01", "--output", dir.appendingPathComponent("out").path, file.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("no L0 files of mission cli for 2025-01-01"), "\(r.stderr)")
        let unknown = try cli.downlink("process", "--mission", dir.path, "--date", "2025-01-01", "--product", "ina_l2_x", file.path)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("--product ina_l2_x: not a product of mission cli"), "\(unknown.stderr)")
    }
}

/// The demo mission's day end to end, as tools/demo runs it: `downlink synth --mission demo` writes a
/// day of L0 and its ground truth, `downlink process` makes every product, and the values are checked
/// against numbers computed here from the truth's raw counts and the calibration tables (not from
/// the engine's code). Enabled where the demo mission's definitions are in the tree.
@Suite(.enabled(if: DemoMissionFolder.present))
struct ProcessDemoDayTests {
    static let demo = DemoMissionFolder.path
    let cli = CommandLineTests()

    /// TT2000 of 2025-01-01T00:00:00 UTC (FIELD-NOTES §3) and the demo MET of that midnight
    /// (seconds since 2010-01-01 without leap seconds: 5479 days).
    let midnightTT2000: Int64 = 788_961_669_184_000_000
    let midnightMET = 5479 * 86400

    func tt2000(coarse: Int, fine: Int, vector: Int = 0) -> Int64 {
        midnightTT2000 + Int64(coarse - midnightMET) * 1_000_000_000 + Int64(fine) * 1_000_000_000 / 65536 + Int64(vector) * 62_500_000
    }

    func table(_ name: String) throws -> [[String]] {
        try String(contentsOfFile: Self.demo + "/calibration/" + name, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }.dropFirst().map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    @Test func demoDayEndToEnd() throws {
        let dir = try cli.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let l0 = dir.appendingPathComponent("l0").path, out = dir.appendingPathComponent("out").path
        let synth = try cli.downlink("synth", "--mission", "demo", "--output", l0, "--start", "2025-01-01", "--days", "1")
        try #require(synth.status == 0, "\(synth.stderr)")
        let run = try cli.downlink("process", "--mission", Self.demo, "--date", "2025-01-01", "--output", out, "--json", l0)
        try #require(run.status == 0, "\(run.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let products = (summary["products"] as? [[String: Any]] ?? []).compactMap { $0["product"] as? String }
        #expect(products == ["mag_l1a_raw", "mag_l1b_norm", "mag_l2_norm", "mag_l3_1min", "spec_l1a_raw", "spec_l1b_counts",
                             "spec_l2_rates", "spec_l3_1min", "hk_l1a_raw", "hk_l1b_eng", "hk_l3_7day", "sw_l3_joined"].sorted { a, b in
                                products.firstIndex(of: a) ?? 0 < products.firstIndex(of: b) ?? 0 })
        #expect(products.count == 12)

        let truthData = try Data(contentsOf: URL(fileURLWithPath: l0 + "/demo_l0_truth_20250101.json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
        let files = try #require(truth["files"] as? [[String: Any]])
        func samples(_ instrument: String) -> [[String: Any]] {
            (files.first { $0["instrument"] as? String == instrument }?["samples"] as? [[String: Any]]) ?? []
        }
        func product(_ id: String) throws -> Dataset { try CDFReader(path: out + "/demo_\(id)_20250101_v001.cdf").dataset() }

        #expect(!samples("mag").isEmpty && !samples("spec").isEmpty && !samples("hk").isEmpty)
        // MAG L2: B = counts * nT_per_count[RANGE] - offset (calibration/mag_calibration.csv), |B| its norm.
        let scale = [0.0078125, 0.03125, 0.125, 0.5]
        let offsets = Dictionary(uniqueKeysWithValues: try table("mag_calibration.csv").map { ($0[0], Double($0[1])!) })
        let axisOffset = [offsets["x"]!, offsets["y"]!, offsets["z"]!]
        let mag = try product("mag_l2_norm")
        let epochs = try #require(mag["epoch"]).column.values(as: Int64.self)
        let b = try #require(mag["B"]).column.values(as: Double.self)
        let bMag = try #require(mag["B_mag"]).column.values(as: Double.self)
        let index = Dictionary(epochs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var checked = 0
        for sample in samples("mag") {
            let m = try #require(sample["mag"] as? [String: Any])
            let counts = try #require(m["counts"] as? [[Int]])
            let range = try #require((m["range"] as? Int) ?? Int(m["range"] as? String ?? ""))
            for (i, vector) in counts.enumerated() {
                let t = tt2000(coarse: sample["shcoarse"] as! Int, fine: sample["shfine"] as! Int, vector: i)
                let at = try #require(index[t], "no L2 record at \(t)")
                let expected = (0..<3).map { Double(vector[$0]) * scale[range] - axisOffset[$0] }
                #expect(Array(b[(3 * at)..<(3 * at + 3)]) == expected)
                #expect(abs(bMag[at] - expected.map { $0 * $0 }.reduce(0, +).squareRoot()) < 1e-12)
                checked += 1
            }
        }
        #expect(checked >= 16)
        // Epochs strictly increase (replayed packets dropped by time_order).
        #expect(zip(epochs, epochs.dropFirst()).allSatisfy { $0 < $1 })

        // MAG L3: the first minute is the mean of the L2 vectors in [00:00, 00:01).
        let l3 = try product("mag_l3_1min")
        let minute = epochs.indices.filter { epochs[$0] < midnightTT2000 + 60_000_000_000 }
        let l3b = try #require(l3["B"]).column.values(as: Double.self)
        for axis in 0..<3 {
            let mean = minute.map { b[3 * $0 + axis] }.reduce(0, +) / Double(minute.count)
            #expect(abs(l3b[axis] - mean) < 1e-9)
        }
        #expect(try l3["epoch"]?.column.values(as: Int64.self).first == midnightTT2000 + 30_000_000_000)

        // SPEC L2: rates = decompressed counts / (ACCUM_MS / 1000), energies from the table.
        let decompression = Dictionary(uniqueKeysWithValues: try table("spec_decompression.csv").map { (Int($0[0])!, Double($0[1])!) })
        let spec = try product("spec_l2_rates")
        let specEpochs = try #require(spec["epoch"]).column.values(as: Int64.self)
        let rates = try #require(spec["rates"]).column.values(as: Double.self)
        #expect(try spec["energy"]?.column.values(as: Double.self) == (try table("spec_energies.csv").map { Double($0[1])! }))
        for sample in samples("spec") {
            let s = try #require(sample["spec"] as? [String: Any])
            let codes = try #require(s["codes"] as? [Int])
            let accum = Double(try #require((s["accumulationMilliseconds"] as? Int) ?? Int(s["accumulationMilliseconds"] as? String ?? "")))
            let at = try #require(specEpochs.firstIndex(of: tt2000(coarse: sample["shcoarse"] as! Int, fine: sample["shfine"] as! Int)))
            #expect(Array(rates[(32 * at)..<(32 * at + 32)]) == codes.map { decompression[$0]! / (accum * 0.001) })
        }

        // HK L1B: temperatures by the XTCE polynomial -50 + 0.01 raw.
        let hk = try product("hk_l1b_eng")
        let hkEpochs = try #require(hk["epoch"]).column.values(as: Int64.self)
        let magTemp = try #require(hk["MAG_TEMP"]).column.values(as: Double.self)
        for sample in samples("hk") {
            let h = try #require(sample["hk"] as? [String: Any])
            let raw = Double(try #require((h["magTemp"] as? Int) ?? Int(h["magTemp"] as? String ?? "")))
            let at = try #require(hkEpochs.firstIndex(of: tt2000(coarse: sample["shcoarse"] as! Int, fine: sample["shfine"] as! Int)))
            #expect(abs(magTemp[at] - (-50 + 0.01 * raw)) < 1e-9)
        }

        // The combined L3: the same minute's MAG and SPEC values.
        let joined = try product("sw_l3_joined")
        let spec3 = try product("spec_l3_1min")
        #expect(try joined["B"]?.column.values(as: Double.self) == l3b)
        #expect(try joined["rates"]?.column.values(as: Double.self) == spec3["rates"]?.column.values(as: Double.self))
    }
}

/// testdata/missions/demo of this checkout.
enum DemoMissionFolder {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/testdata/missions/demo"
    static var present: Bool { FileManager.default.fileExists(atPath: path + "/definitions/mag.xml") }
}

/// The IMAP mission configuration (testdata/missions/imap) on the real SWAPI Level 0 of
/// ../shared/reference/imap: SPICE time, the IMAP steps, one record per packet of each APID.
@Suite(.enabled(if: IMAPReference.present))
struct ProcessIMAPTests {
    let cli = CommandLineTests()

    @Test func swapiDay() throws {
        let dir = try cli.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        let r = try cli.downlink("process", "--mission", IMAPReference.mission, "--date", "2024-09-24", "--output", out, "--json",
                                 IMAPReference.reference + "/swapi")
        try #require(r.status == 0, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let products = try #require(summary["products"] as? [[String: Any]])
        var records: [String: Int] = [:]
        for p in products { records[p["product"] as? String ?? ""] = p["records"] as? Int }
        // `downlink inspect` of the file: 17 packets of APID 1184 (SWP_HK), 153 of APID 1188 (SWP_SCI).
        #expect(records["swapi_l1a_hk"] == 17)
        #expect(records["swapi_l1a_sci"] == 153)
        #expect(records["swapi_l2_sci"] != nil)
        let hk = try CDFReader(path: out + "/imap_swapi_l1a_hk_20240924_v001.cdf").dataset()
        #expect(hk["epoch"]?.column.records == 17)
        #expect(hk.attributes["Logical_source"] == .string("imap_swapi_l1a_hk"))
    }

    /// Ultra's ground-test files end in upper-case .CCSDS: found by their APIDs all the same, and every
    /// packet lands in an L1A product (space_packet_parser decodes all 3,326 with the 1.0.40 definitions).
    @Test func ultraFileWithUpperCaseExtension() throws {
        let dir = try cli.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        let name = "FM45_TV_Cycle6_Hot_Ops_Front212_20240124T063837.CCSDS"
        try FileManager.default.copyItem(atPath: IMAPReference.reference + "/ultra/" + name, toPath: input.appendingPathComponent(name).path)
        let out = dir.appendingPathComponent("out").path
        let r = try cli.downlink("process", "--mission", IMAPReference.mission, "--date", "2024-01-24", "--output", out, "--json",
                                 "--format", "cdf", input.path)
        try #require(r.status == 0, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let products = try #require(summary["products"] as? [[String: Any]])
        let ultra = products.filter { ($0["product"] as? String ?? "").hasPrefix("ultra_l1a_") }
        #expect(ultra.reduce(0) { $0 + ($1["records"] as? Int ?? 0) } == 3_326)
    }
}

enum IMAPReference {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let mission = root.path + "/testdata/missions/imap"
    static let reference = root.deletingLastPathComponent().path + "/shared/reference/imap"
    static var present: Bool {
        FileManager.default.fileExists(atPath: reference + "/swapi/imap_swapi_l0_raw_20240924_v001.pkts")
            && FileManager.default.fileExists(atPath: mission + "/mission.yaml")
    }
}
