import Dataset
import Testing
@testable import Products

private typealias F = AlgorithmFixture

/// Steps that read files named by the recipe: lookup tables, calibration tables and XTCE
/// definitions; errors in those files name the file and line.
@Suite struct AlgorithmTableTests {
    @Test func decompressWithALookupTable() throws {
        let dir = try F.directory()
        try F.write("# spec decompression\ncode,value\n0,0\n1,1\n\n2,4 # comment\n3,1000000\n", to: dir + "/calibration/table.csv".replacingOccurrences(of: "/calibration", with: ""))
        let input = try F.dataset([("COUNTS", try Column([UInt8(0), 1, 2, 3, 3, 5], shape: [3]))])
        let out = try F.run("decompress", F.map(1, [("variable", F.s("COUNTS")), ("table", F.s("table.csv"))]), on: input, missionDirectory: dir)
        let counts = try #require(out["COUNTS"]).column
        #expect(counts.elementType == .uint32 && counts.shape == [3])
        #expect(try counts.values(as: UInt32.self) == [0, 1, 4, 1_000_000, 1_000_000, .max])
        let float = try F.run("decompress", F.map(1, [("variable", F.s("COUNTS")), ("table", F.s(dir + "/table.csv")), ("type", F.s("float64")), ("name", F.s("c"))]), on: input)
        #expect(try F.doubles(float, "c") == [0, 1, 4, 1e6, 1e6, -1e31])
        #expect(float.variables.map(\.name) == ["COUNTS", "c"])

        let floats = try F.dataset([("X", try Column([1.0]))])
        let notInteger = #expect(throws: ProductError.self) {
            try F.run("decompress", F.map(1, [("variable", F.s("X")), ("table", F.s("table.csv"))]), on: floats, missionDirectory: dir)
        }
        #expect(notInteger?.message.contains("'X'") == true)
    }

    @Test func tableErrorsNameTheFileAndLine() throws {
        let dir = try F.directory()
        try F.write("code,value\n0,0\n1,abc\n", to: dir + "/bad.csv")
        let bad = #expect(throws: ConfigurationError.self) {
            try F.step("decompress", F.map(1, [("variable", F.s("C")), ("table", F.s("bad.csv", 4))]), missionDirectory: dir)
        }
        #expect(bad?.location == ConfigLocation(file: dir + "/bad.csv", line: 3))
        #expect(bad?.message.contains("abc") == true)
        try F.write("# codes\n0,0\n1,2,3\n", to: dir + "/three.csv")
        let fields = #expect(throws: ConfigurationError.self) {
            try F.step("decompress", F.map(1, [("variable", F.s("C")), ("table", F.s("three.csv"))]), missionDirectory: dir)
        }
        #expect(fields?.location == ConfigLocation(file: dir + "/three.csv", line: 3))
        try F.write("0,1\n0,2\n", to: dir + "/twice.csv")
        let twice = #expect(throws: ConfigurationError.self) {
            try F.step("decompress", F.map(1, [("variable", F.s("C")), ("table", F.s("twice.csv"))]), missionDirectory: dir)
        }
        #expect(twice?.location == ConfigLocation(file: dir + "/twice.csv", line: 2))
        let missing = #expect(throws: ConfigurationError.self) {
            try F.step("decompress", F.map(1, [("variable", F.s("C")), ("table", F.s("nowhere.csv", 11))]), missionDirectory: dir)
        }
        #expect(missing?.location == F.at(11))
        #expect(missing?.message.contains("nowhere.csv") == true)
    }

    @Test func scaleByRangeAndSubtractOffsets() throws {
        let dir = try F.directory()
        try F.write("# offsets in nT\nx,y,z\n1.0,2.0,3.0\n", to: dir + "/mag_calibration.csv")
        let input = try F.dataset([
            ("vectors", try Column([Int32(100), -200, 300, 4, 5, 6, 7, 8, 9], shape: [3])),
            ("RANGE", try Column([UInt8(0), 2, 9])),
        ])
        let factors = F.numbers([0.5, 1, 2])
        let expected: [Double] = [50 - 1, -100 - 2, 150 - 3, 8 - 1, 10 - 2, 12 - 3, -1e31, -1e31, -1e31]
        let fromTable = try F.run("scale_by_index", F.map(1, [("variable", F.s("vectors")), ("index", F.s("RANGE")), ("factors", factors),
                                                              ("offsets_table", F.s("mag_calibration.csv")), ("name", F.s("B"))]), on: input, missionDirectory: dir)
        #expect(try F.doubles(fromTable, "B") == expected)
        #expect(fromTable["B"]!.column.shape == [3])
        let inline = try F.run("scale_by_index", F.map(1, [("variable", F.s("vectors")), ("index", F.s("RANGE")), ("factors", factors),
                                                           ("offsets", F.numbers([1, 2, 3]))]), on: input)
        #expect(try F.doubles(inline, "vectors") == expected)
        let noOffsets = try F.run("scale_by_index", F.map(1, [("variable", F.s("vectors")), ("index", F.s("RANGE")), ("factors", factors)]), on: input)
        #expect(try F.doubles(noOffsets, "vectors").prefix(3) == [50, -100, 150])

        // The demo mission's layout: a header, then one `axis,offset` row per component.
        try F.write("# per-axis offsets\n# Columns: axis, offset_nT\naxis,offset_nT\nx,0.412\ny,-0.275\nz,0.138\n", to: dir + "/axes.csv")
        let axes = try F.run("scale_by_index", F.map(1, [("variable", F.s("vectors")), ("index", F.s("RANGE")), ("factors", F.numbers([0.0078125, 0.03125, 0.125])),
                                                         ("offsets_table", F.s("axes.csv"))]), on: input, missionDirectory: dir)
        let offsets: [Double] = [0.412, -0.275, 0.138]
        var expectedAxes: [Double] = [100 * 0.0078125, -200 * 0.0078125, 300 * 0.0078125, 4 * 0.125, 5 * 0.125, 6 * 0.125]
        for i in 0..<6 { expectedAxes[i] -= offsets[i % 3] }
        #expect(try Array(F.doubles(axes, "vectors").prefix(6)) == expectedAxes)
        try F.write("axis,offset_nT\nx,0.4\n1.0,2.0\n", to: dir + "/mixed.csv")
        let mixed = #expect(throws: ConfigurationError.self) {
            try F.step("scale_by_index", F.map(1, [("variable", F.s("v")), ("index", F.s("R")), ("factors", factors), ("offsets_table", F.s("mixed.csv"))]), missionDirectory: dir)
        }
        #expect(mixed?.location == ConfigLocation(file: dir + "/mixed.csv", line: 3))

        let wrongCount = #expect(throws: ProductError.self) {
            try F.run("scale_by_index", F.map(1, [("variable", F.s("vectors")), ("index", F.s("RANGE")), ("factors", factors),
                                                  ("offsets", F.numbers([1, 2]))]), on: input)
        }
        #expect(wrongCount?.message.contains("'vectors'") == true)
        try F.write("1,2,3\n4,5,6\n", to: dir + "/two.csv")
        let twoRows = #expect(throws: ConfigurationError.self) {
            try F.step("scale_by_index", F.map(1, [("variable", F.s("v")), ("index", F.s("R")), ("factors", factors), ("offsets_table", F.s("two.csv"))]), missionDirectory: dir)
        }
        #expect(twoRows?.location == ConfigLocation(file: dir + "/two.csv", line: 2))
        let missingFactors = #expect(throws: ConfigurationError.self) {
            try F.step("scale_by_index", F.map(7, [("variable", F.s("v")), ("index", F.s("R"))]))
        }
        #expect(missingFactors?.location == F.at(7))
    }

    static let definitions = """
    <?xml version="1.0" encoding="UTF-8"?>
    <xtce:SpaceSystem xmlns:xtce="http://www.omg.org/spec/XTCE/20180204" name="DEMO">
      <xtce:TelemetryMetaData>
        <xtce:ParameterTypeSet>
          <xtce:IntegerParameterType name="TEMP_T" signed="false">
            <xtce:IntegerDataEncoding sizeInBits="16">
              <xtce:DefaultCalibrator><xtce:PolynomialCalibrator>
                <xtce:Term coefficient="-50" exponent="0"/><xtce:Term coefficient="0.01" exponent="1"/>
              </xtce:PolynomialCalibrator></xtce:DefaultCalibrator>
            </xtce:IntegerDataEncoding>
          </xtce:IntegerParameterType>
          <xtce:IntegerParameterType name="U8" signed="false"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>
          <xtce:IntegerParameterType name="CTX_T">
            <xtce:IntegerDataEncoding sizeInBits="16" encoding="twosComplement">
              <xtce:DefaultCalibrator><xtce:PolynomialCalibrator><xtce:Term coefficient="-1" exponent="1"/></xtce:PolynomialCalibrator></xtce:DefaultCalibrator>
              <xtce:ContextCalibratorList>
                <xtce:ContextCalibrator>
                  <xtce:ContextMatch><xtce:Comparison parameterRef="RANGE" value="1" useCalibratedValue="false"/></xtce:ContextMatch>
                  <xtce:Calibrator><xtce:PolynomialCalibrator><xtce:Term coefficient="10" exponent="0"/><xtce:Term coefficient="2" exponent="1"/></xtce:PolynomialCalibrator></xtce:Calibrator>
                </xtce:ContextCalibrator>
              </xtce:ContextCalibratorList>
            </xtce:IntegerDataEncoding>
          </xtce:IntegerParameterType>
          <xtce:IntegerParameterType name="LIN_T" signed="false">
            <xtce:IntegerDataEncoding sizeInBits="12">
              <xtce:DefaultCalibrator><xtce:SplineCalibrator order="1" extrapolate="false">
                <xtce:SplinePoint raw="0" calibrated="-50"/><xtce:SplinePoint raw="1000" calibrated="0"/>
              </xtce:SplineCalibrator></xtce:DefaultCalibrator>
            </xtce:IntegerDataEncoding>
          </xtce:IntegerParameterType>
          <xtce:EnumeratedParameterType name="MODE_T">
            <xtce:IntegerDataEncoding sizeInBits="8"/>
            <xtce:EnumerationList>
              <xtce:Enumeration value="0" label="SAFE"/><xtce:Enumeration value="1" label="SCIENCE"/><xtce:Enumeration value="2" label="CALIBRATION"/>
            </xtce:EnumerationList>
          </xtce:EnumeratedParameterType>
          <xtce:ArrayParameterType name="TEMPS_T" arrayTypeRef="TEMP_T">
            <xtce:DimensionList><xtce:Dimension>
              <xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex>
              <xtce:EndingIndex><xtce:FixedValue>1</xtce:FixedValue></xtce:EndingIndex>
            </xtce:Dimension></xtce:DimensionList>
          </xtce:ArrayParameterType>
          <xtce:BooleanParameterType name="HV_T" oneStringValue="ON" zeroStringValue="OFF"><xtce:IntegerDataEncoding sizeInBits="1"/></xtce:BooleanParameterType>
        </xtce:ParameterTypeSet>
        <xtce:ParameterSet>
          <xtce:Parameter name="MAG_TEMP" parameterTypeRef="TEMP_T"/>
          <xtce:Parameter name="RANGE" parameterTypeRef="U8"/>
          <xtce:Parameter name="C" parameterTypeRef="CTX_T"/>
          <xtce:Parameter name="L" parameterTypeRef="LIN_T"/>
          <xtce:Parameter name="MODE" parameterTypeRef="MODE_T"/>
          <xtce:Parameter name="HV_STATE" parameterTypeRef="HV_T"/>
          <xtce:Parameter name="TEMPS" parameterTypeRef="TEMPS_T"/>
        </xtce:ParameterSet>
        <xtce:ContainerSet>
          <xtce:SequenceContainer name="HK">
            <xtce:EntryList>
              <xtce:ParameterRefEntry parameterRef="MAG_TEMP"/><xtce:ParameterRefEntry parameterRef="RANGE"/>
              <xtce:ParameterRefEntry parameterRef="C"/><xtce:ParameterRefEntry parameterRef="L"/>
              <xtce:ParameterRefEntry parameterRef="MODE"/><xtce:ParameterRefEntry parameterRef="HV_STATE"/>
              <xtce:ParameterRefEntry parameterRef="TEMPS"/>
            </xtce:EntryList>
          </xtce:SequenceContainer>
        </xtce:ContainerSet>
      </xtce:TelemetryMetaData>
    </xtce:SpaceSystem>
    """

    static func hk() throws -> Dataset {
        try F.dataset([
            ("MAG_TEMP", try Column([UInt16(5000), 7500, 0])),
            ("RANGE", try Column([UInt8(0), 1, 1])),
            ("C", try Column([Int16(-7), 300, -4])),
            ("L", try Column([UInt16(500), 1000, 2000])),
            ("MODE", try Column([UInt8(0), 2, 7])),
            ("HV_STATE", try Column([UInt8(1), 0, 1])),
            ("TEMPS", try Column([UInt16(1000), 2000, 3000, 4000, 5000, 6000], shape: [2])),
        ])
    }

    @Test func xtceCalibratorsAndLabels() throws {
        let dir = try F.directory()
        try F.write(Self.definitions, to: dir + "/demo.xml")
        let out = try F.run("xtce_calibrate", F.map(1, [("definitions", F.s("demo.xml"))]), on: try Self.hk(), missionDirectory: dir)
        #expect(out.variables.map(\.name) == ["MAG_TEMP", "MAG_TEMP_eng", "RANGE", "C", "C_eng", "L", "L_eng", "MODE", "MODE_label", "HV_STATE", "HV_STATE_label", "TEMPS", "TEMPS_eng"])
        // -50 + 0.01 raw
        #expect(try F.doubles(out, "MAG_TEMP_eng") == [-50 + 0.01 * 5000, -50 + 0.01 * 7500, -50])
        // RANGE 1 selects 10 + 2 raw, else -raw.
        #expect(try F.doubles(out, "C_eng") == [7, 610, 2])
        // Linear spline 0 -> -50, 1000 -> 0 without extrapolation: 2000 has no value (fill).
        #expect(try F.doubles(out, "L_eng") == [-25, 0, -1e31])
        #expect(try out["MODE_label"]!.column.strings() == ["SAFE", "CALIBRATION", ""])
        #expect(try out["HV_STATE_label"]!.column.strings() == ["ON", "OFF", "ON"])
        // An array of calibrated elements: the element type's calibrator on every element.
        #expect(out["TEMPS_eng"]!.column.shape == [2])
        #expect(try F.doubles(out, "TEMPS_eng") == [-40, -30, -20, -10, 0, 10])

        let replaced = try F.run("xtce_calibrate", F.map(1, [("definitions", F.s("demo.xml")), ("parameters", F.strings(["MAG_TEMP", "MODE"])),
                                                             ("replace", F.b(true)), ("label_suffix", F.s("_text"))]), on: try Self.hk(), missionDirectory: dir)
        #expect(replaced.variables.map(\.name) == ["MAG_TEMP", "RANGE", "C", "L", "MODE", "MODE_text", "HV_STATE", "TEMPS"])
        #expect(replaced["MAG_TEMP"]!.column.elementType == .float64)
        #expect(try F.doubles(replaced, "MAG_TEMP") == [0, 25, -50])
    }

    @Test func xtceErrorsNameTheFileAndLine() throws {
        let dir = try F.directory()
        try F.write(Self.definitions, to: dir + "/demo.xml")
        let unknown = #expect(throws: ConfigurationError.self) {
            try F.step("xtce_calibrate", F.map(1, [("definitions", F.s("demo.xml")), ("parameters", F.list([F.s("MAG_TEMP", 3), F.s("NOPE", 4)]))]), missionDirectory: dir)
        }
        #expect(unknown?.location == F.at(4))
        #expect(unknown?.message.contains("'NOPE'") == true)
        let plain = #expect(throws: ConfigurationError.self) {
            try F.step("xtce_calibrate", F.map(1, [("definitions", F.s("demo.xml")), ("parameters", F.list([F.s("RANGE", 5)]))]), missionDirectory: dir)
        }
        #expect(plain?.location == F.at(5))
        try F.write("<?xml version=\"1.0\"?>\n<xtce:SpaceSystem xmlns:xtce=\"http://www.omg.org/spec/XTCE/20180204\" name=\"X\">\n  <xtce:TelemetryMetaData>\n  </xtce:Oops>\n", to: dir + "/broken.xml")
        let broken = #expect(throws: ConfigurationError.self) {
            try F.step("xtce_calibrate", F.map(1, [("definitions", F.s("broken.xml"))]), missionDirectory: dir)
        }
        #expect(broken?.location.file == dir + "/broken.xml")
        #expect((broken?.location.line ?? 0) >= 3)
        let missing = #expect(throws: ConfigurationError.self) {
            try F.step("xtce_calibrate", F.map(1, [("definitions", F.s("none.xml", 9))]), missionDirectory: dir)
        }
        #expect(missing?.location == F.at(9))

        var partial = Dataset()
        try partial.add("MAG_TEMP", try Column([UInt16(1)]))
        let data = #expect(throws: ProductError.self) {
            try F.run("xtce_calibrate", F.map(1, [("definitions", F.s("demo.xml")), ("parameters", F.strings(["MAG_TEMP", "MODE"]))]), on: partial, missionDirectory: dir)
        }
        #expect(data?.message.contains("'MODE'") == true)
    }
}
