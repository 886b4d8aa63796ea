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
