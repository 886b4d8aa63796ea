import Dataset
import Foundation
import Products
import ReferenceFixtures

/// A small mission written to a temporary folder for the loader and engine tests: one instrument
/// (`mag`, APID 1100, container TEST_SCI: SHCOARSE u32, SHFINE u16, RANGE u8, BX int16), L0 bytes
/// built by hand, and two test steps registered in a library (the standard library lives in
/// Sources/Products/Algorithms and is tested there).
enum TestMission {
    static let xtce = """
        <?xml version="1.0" encoding="UTF-8"?>
        <SpaceSystem xmlns="http://www.omg.org/spec/XTCE/20180204" name="TEST">
          <TelemetryMetaData>
            <ParameterTypeSet>
              <IntegerParameterType name="U1" signed="false"><IntegerDataEncoding sizeInBits="1" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U2" signed="false"><IntegerDataEncoding sizeInBits="2" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U3" signed="false"><IntegerDataEncoding sizeInBits="3" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U8" signed="false"><IntegerDataEncoding sizeInBits="8" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U11" signed="false"><IntegerDataEncoding sizeInBits="11" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U14" signed="false"><IntegerDataEncoding sizeInBits="14" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U16" signed="false"><IntegerDataEncoding sizeInBits="16" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="U32" signed="false"><IntegerDataEncoding sizeInBits="32" encoding="unsigned"/></IntegerParameterType>
              <IntegerParameterType name="I16" signed="true"><IntegerDataEncoding sizeInBits="16" encoding="twosComplement"/></IntegerParameterType>
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
              <Parameter name="SHFINE" parameterTypeRef="U16"/>
              <Parameter name="RANGE" parameterTypeRef="U8"/>
              <Parameter name="BX" parameterTypeRef="I16"/>
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
              <SequenceContainer name="TEST_SCI">
                <EntryList>
                  <ParameterRefEntry parameterRef="SHCOARSE"/>
                  <ParameterRefEntry parameterRef="SHFINE"/>
                  <ParameterRefEntry parameterRef="RANGE"/>
                  <ParameterRefEntry parameterRef="BX"/>
                </EntryList>
                <BaseContainer containerRef="CCSDSPacket">
                  <RestrictionCriteria><Comparison parameterRef="PKT_APID" value="1100" useCalibratedValue="false"/></RestrictionCriteria>
                </BaseContainer>
              </SequenceContainer>
            </ContainerSet>
          </TelemetryMetaData>
        </SpaceSystem>
        """

    /// The mission.yaml of the test mission; `products` replaces the products section.
    static func yaml(products: String = defaultProducts, formats: String = "[cdf]", extra: String = "") -> String {
        """
        mission:
          name: test
        time:
          linear:
            epoch: 2010-01-01T00:00:00Z
            ticks_per_second: 1
        formats: \(formats)
        compression:
          cdf: {method: gzip, level: 1}
        global_attributes:
          Project: "Downlink>Test"
          Mission_group: Test
          Discipline: "Space Physics>Magnetospheric Science"
          PI_name: "Nobody"
          PI_affiliation: "Nowhere"
        \(extra)instruments:
          mag:
            apids: [1100]
            definitions: definitions/test.xml
            global_attributes:
              Descriptor: "MAG>Test magnetometer"
              Instrument_type: "Magnetic Fields (space)"
        products:
        \(products)
        """
    }

    static let defaultProducts = """
          mag_l1a_raw:
            description: "Test L1A"
            inputs:
              - {l0: mag, container: TEST_SCI}
            steps:
              - test_epoch: {coarse: SHCOARSE, fine: SHFINE}
          mag_l2_scaled:
            description: "Test L2: BX in nT"
            inputs:
              - {product: mag_l1a_raw}
            steps:
              - test_scale: {variable: BX, index: RANGE, factors: [0.0078125, 0.03125, 0.125, 0.5], name: B}
              - test_keep: {keep: [epoch, B]}
            variables:
              B: {CATDESC: "Field component X", UNITS: nT, VALIDMIN: -20000.0, VALIDMAX: 20000.0}
        """

    /// Writes a mission folder; returns its path.
    static func write(_ yaml: String, definitions: String? = xtce) throws -> String {
        let dir = try Fixtures.temporaryDirectory().appendingPathComponent("mission").path
        try FileManager.default.createDirectory(atPath: dir + "/definitions", withIntermediateDirectories: true)
        try yaml.write(toFile: dir + "/mission.yaml", atomically: true, encoding: .utf8)
        if let definitions { try definitions.write(toFile: dir + "/definitions/test.xml", atomically: true, encoding: .utf8) }
        return dir
    }

    // MARK: L0

    /// MET (seconds since 2010-01-01 UTC, no leap seconds) of a day's midnight.
    static func met(of day: MissionDay) -> UInt32 { UInt32((day.dayNumber - MissionDay(year: 2010, month: 1, day: 1)!.dayNumber) * 86400) }

    struct Packet { var coarse: UInt32; var fine: UInt16; var range: UInt8; var bx: Int16 }

    /// Packet i: 10 s apart from the day's midnight, half a second in, RANGE i % 4, BX -1000 + 300 i.
    static func packets(day: MissionDay, count: Int) -> [Packet] {
        let start = met(of: day)
        var out: [Packet] = []
        for i in 0..<count {
            let bx: Int = -1000 + 300 * i
            out.append(Packet(coarse: start + UInt32(i * 10), fine: 32768, range: UInt8(i % 4), bx: Int16(bx)))
        }
        return out
    }

    static func bytes(_ packets: [Packet], apid: UInt16 = 1100) -> [UInt8] {
        var out: [UInt8] = []
        for (i, p) in packets.enumerated() {
            let id: UInt16 = (1 << 11) | apid  // version 0, telemetry, secondary header
            let seq: UInt16 = (3 << 14) | UInt16(i & 0x3FFF)
            let length: UInt16 = 9 - 1
            for v in [id, seq, length] { withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) } }
            withUnsafeBytes(of: p.coarse.bigEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: p.fine.bigEndian) { out.append(contentsOf: $0) }
            out.append(p.range)
            withUnsafeBytes(of: p.bx.bigEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    // MARK: steps

    static var library: AlgorithmLibrary {
        var lib = AlgorithmLibrary()
        lib.register("test_epoch") { p, _ throws(ConfigurationError) in
            try checkKeys(p, ["coarse", "fine"])
            return TestEpoch(coarse: p["coarse"]?.string ?? "SHCOARSE", fine: p["fine"]?.string ?? "SHFINE")
        }
        lib.register("test_scale") { p, _ throws(ConfigurationError) in
            try checkKeys(p, ["variable", "index", "factors", "name"])
            guard let factors = p["factors"]?.list?.compactMap(\.double) else {
                throw ConfigurationError("test_scale needs factors", at: p.location)
            }
            return TestScale(variable: p["variable"]?.string ?? "", index: p["index"]?.string ?? "", factors: factors, name: p["name"]?.string ?? "B")
        }
        lib.register("test_keep") { p, _ throws(ConfigurationError) in
            try checkKeys(p, ["keep"])
            return TestKeep(keep: p["keep"]?.list?.compactMap(\.string) ?? [])
        }
        return lib
    }

    static func checkKeys(_ p: ConfigValue, _ allowed: [String]) throws(ConfigurationError) {
        for (k, v) in p.entries ?? [] where !allowed.contains(k) {
            throw ConfigurationError("unknown parameter '\(k)'", at: v.location)
        }
    }
}

struct TestEpoch: ProductAlgorithm {
    var coarse: String, fine: String
    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        do {
            let c = try input[coarse]!.column.values(as: UInt32.self)
            let f = try input[fine]!.column.values(as: UInt16.self)
            let epochs = zip(c, f).map { context.clock.tt2000(met: Double($0) + Double($1) / 65536) }
            var out = Dataset(attributes: input.attributes)
            try out.add("epoch", try Column.tt2000(epochs))
            for v in input.variables where v.name != "epoch" { try out.add(v) }
            return out
        } catch { throw ProductError(product: context.product, "\(error)") }
    }
}

struct TestScale: ProductAlgorithm {
    var variable: String, index: String, factors: [Double], name: String
    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        do {
            let x = try input[variable]!.column.values(as: Int16.self)
            let r = try input[index]!.column.values(as: UInt8.self)
            var out = input
            try out.add(name, try Column(zip(x, r).map { Double($0) * factors[Int($1)] }))
            return out
        } catch { throw ProductError(product: context.product, "\(error)") }
    }
}

struct TestKeep: ProductAlgorithm {
    var keep: [String]
    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        var out = Dataset(attributes: input.attributes)
        do { for v in input.variables where keep.contains(v.name) { try out.add(v) } } catch {
            throw ProductError(product: context.product, "\(error)")
        }
        return out
    }
}
