import Dataset
@testable import Decom
import PacketDefinitions
import Testing

/// Polynomial, spline (order 0 and 1, with and without extrapolation) and context calibrators,
/// and enumeration and boolean labels, against values computed by hand.
@Suite struct CalibrationTests {
    static let definitions = xtce(
        types: """
        <xtce:IntegerParameterType name="POLY" signed="false">
          <xtce:IntegerDataEncoding sizeInBits="12">
            <xtce:DefaultCalibrator><xtce:PolynomialCalibrator>
              <xtce:Term coefficient="1.5" exponent="0"/>
              <xtce:Term coefficient="0.25" exponent="1"/>
              <xtce:Term coefficient="-0.001" exponent="2"/>
            </xtce:PolynomialCalibrator></xtce:DefaultCalibrator>
          </xtce:IntegerDataEncoding>
        </xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="LIN" signed="false">
          <xtce:IntegerDataEncoding sizeInBits="12">
            <xtce:DefaultCalibrator><xtce:SplineCalibrator order="1" extrapolate="true">
              <xtce:SplinePoint raw="0" calibrated="-50"/>
              <xtce:SplinePoint raw="1000" calibrated="0"/>
              <xtce:SplinePoint raw="4000" calibrated="150"/>
            </xtce:SplineCalibrator></xtce:DefaultCalibrator>
          </xtce:IntegerDataEncoding>
        </xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="STEP" signed="false">
          <xtce:IntegerDataEncoding sizeInBits="12">
            <xtce:DefaultCalibrator><xtce:SplineCalibrator order="0" extrapolate="false">
              <xtce:SplinePoint raw="100" calibrated="1"/>
              <xtce:SplinePoint raw="200" calibrated="2"/>
              <xtce:SplinePoint raw="300" calibrated="3"/>
            </xtce:SplineCalibrator></xtce:DefaultCalibrator>
          </xtce:IntegerDataEncoding>
        </xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="CTX">
          <xtce:IntegerDataEncoding sizeInBits="16" encoding="twosComplement">
            <xtce:DefaultCalibrator><xtce:PolynomialCalibrator><xtce:Term coefficient="-1" exponent="1"/></xtce:PolynomialCalibrator></xtce:DefaultCalibrator>
            <xtce:ContextCalibratorList>
              <xtce:ContextCalibrator>
                <xtce:ContextMatch><xtce:Comparison parameterRef="RANGE" value="1" useCalibratedValue="false"/></xtce:ContextMatch>
                <xtce:Calibrator><xtce:PolynomialCalibrator><xtce:Term coefficient="10" exponent="0"/><xtce:Term coefficient="2" exponent="1"/></xtce:PolynomialCalibrator></xtce:Calibrator>
              </xtce:ContextCalibrator>
              <xtce:ContextCalibrator>
                <xtce:ContextMatch><xtce:ComparisonList>
                  <xtce:Comparison parameterRef="RANGE" value="2" comparisonOperator="&gt;=" useCalibratedValue="false"/>
                  <xtce:Comparison parameterRef="RANGE" value="3" comparisonOperator="&lt;=" useCalibratedValue="false"/>
                </xtce:ComparisonList></xtce:ContextMatch>
                <xtce:Calibrator><xtce:PolynomialCalibrator><xtce:Term coefficient="0.5" exponent="2"/></xtce:PolynomialCalibrator></xtce:Calibrator>
              </xtce:ContextCalibrator>
            </xtce:ContextCalibratorList>
          </xtce:IntegerDataEncoding>
        </xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="U8" signed="false"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>
        <xtce:FloatParameterType name="VOLTS">
          <xtce:FloatDataEncoding sizeInBits="32">
            <xtce:DefaultCalibrator><xtce:PolynomialCalibrator><xtce:Term coefficient="0.5" exponent="0"/><xtce:Term coefficient="3" exponent="1"/></xtce:PolynomialCalibrator></xtce:DefaultCalibrator>
          </xtce:FloatDataEncoding>
        </xtce:FloatParameterType>
        <xtce:EnumeratedParameterType name="MODE_T">
          <xtce:IntegerDataEncoding sizeInBits="8"/>
          <xtce:EnumerationList>
            <xtce:Enumeration value="0" label="SAFE"/>
            <xtce:Enumeration value="1" maxValue="9" label="SCIENCE"/>
            <xtce:Enumeration value="0x10" label="CAL"/>
          </xtce:EnumerationList>
        </xtce:EnumeratedParameterType>
        <xtce:BooleanParameterType name="FLAG" oneStringValue="ON" zeroStringValue="OFF"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:BooleanParameterType>
        """,
        parameters: """
        <xtce:Parameter name="P" parameterTypeRef="POLY"/>
        <xtce:Parameter name="L" parameterTypeRef="LIN"/>
        <xtce:Parameter name="S" parameterTypeRef="STEP"/>
        <xtce:Parameter name="PAD" parameterTypeRef="U8"/>
        <xtce:Parameter name="RANGE" parameterTypeRef="U8"/>
        <xtce:Parameter name="C" parameterTypeRef="CTX"/>
        <xtce:Parameter name="V" parameterTypeRef="VOLTS"/>
        <xtce:Parameter name="MODE" parameterTypeRef="MODE_T"/>
        <xtce:Parameter name="HEATER" parameterTypeRef="FLAG"/>
        """,
        containers: container("CAL", apid: 9, entries: """
        <xtce:ParameterRefEntry parameterRef="P"/>
        <xtce:ParameterRefEntry parameterRef="L"/>
        <xtce:ParameterRefEntry parameterRef="S"/>
        <xtce:ParameterRefEntry parameterRef="PAD"/>
        <xtce:ParameterRefEntry parameterRef="RANGE"/>
        <xtce:ParameterRefEntry parameterRef="C"/>
        <xtce:ParameterRefEntry parameterRef="V"/>
        <xtce:ParameterRefEntry parameterRef="MODE"/>
        <xtce:ParameterRefEntry parameterRef="HEATER"/>
        """))

    struct Row {
        var p: UInt64, l: UInt64, s: UInt64, range: UInt64, c: Int64, v: Float, mode: UInt64, heater: UInt64
    }

    static let rows = [
        Row(p: 0, l: 500, s: 50, range: 0, c: -7, v: 1.25, mode: 0, heater: 0),
        Row(p: 100, l: 2500, s: 100, range: 1, c: 300, v: -2, mode: 5, heater: 1),
        Row(p: 4095, l: 4095, s: 250, range: 2, c: -4, v: 0, mode: 0x10, heater: 7),
        Row(p: 7, l: 0, s: 300, range: 3, c: 6, v: 3.5, mode: 12, heater: 0),
        Row(p: 1, l: 1000, s: 400, range: 4, c: 9, v: 10, mode: 9, heater: 0),
    ]

    @Test("Engineering values: polynomials, linear and step splines, context calibrators chosen per packet, float calibration; labels")
    func calibratedValues() async throws {
        let set = try load(Self.definitions)
        var bytes: [UInt8] = []
        for (i, r) in Self.rows.enumerated() {
            var w = BitWriter()
            w.put(r.p, 12); w.put(r.l, 12); w.put(r.s, 12); w.put(0, 8); w.put(r.range, 8); w.put(signed: r.c, 16)
            w.put(UInt64(r.v.bitPattern), 32); w.put(r.mode, 8); w.put(r.heater, 8)
            bytes += packet(apid: 9, sequence: UInt16(i), payload: w.bytes)
        }
        let result = try await decode(bytes, definitions: set, options: DecodeOptions(calibrated: true, labels: true))
        let c = try #require(result.container(named: "CAL"))
        #expect(c.records == Self.rows.count)

        let p = doubles(c, "P.eng")
        for (i, r) in Self.rows.enumerated() {
            let x = Double(r.p)
            #expect(abs(p[i] - (1.5 + 0.25 * x - 0.001 * x * x)) <= 1e-9 * max(1, abs(p[i])), "P row \(i)")
        }
        #expect(doubles(c, "L.eng") == [-25, 75, 154.75, -50, 0])
        let step = doubles(c, "S.eng")
        #expect(step[0].isNaN)
        #expect(Array(step[1...3]) == [1, 2, 3])
        #expect(step[4].isNaN)
        // RANGE 0: default (-x); 1: 10 + 2x; 2 and 3: 0.5 x^2; 4: default.
        #expect(doubles(c, "C.eng") == [7, 610, 8, 18, -9])
        #expect(doubles(c, "V.eng") == [4.25, -5.5, 0.5, 11, 30.5])
        #expect(doubles(c, "V") == [1.25, -2, 0, 3.5, 10])
        #expect(try c.dataset["MODE.label"]?.column.strings() == ["SAFE", "SCIENCE", "CAL", "", "SCIENCE"])
        #expect(try c.dataset["HEATER.label"]?.column.strings() == ["OFF", "ON", "ON", "OFF", "OFF"])
        #expect(c.dataset["MODE.eng"] == nil)
        #expect(c.dataset["PAD.eng"] == nil)
    }

    @Test("Array elements and aggregate members get their own type's calibration and labels")
    func elementCalibrationAndLabels() async throws {
        let xml = xtce(
            types: """
            <xtce:IntegerParameterType name="CAL8" signed="false"><xtce:IntegerDataEncoding sizeInBits="8">
              <xtce:DefaultCalibrator><xtce:PolynomialCalibrator><xtce:Term coefficient="1" exponent="0"/><xtce:Term coefficient="2" exponent="1"/></xtce:PolynomialCalibrator></xtce:DefaultCalibrator>
            </xtce:IntegerDataEncoding></xtce:IntegerParameterType>
            <xtce:EnumeratedParameterType name="MODE_T"><xtce:IntegerDataEncoding sizeInBits="8"/>
              <xtce:EnumerationList><xtce:Enumeration value="16" label="CAL"/></xtce:EnumerationList>
            </xtce:EnumeratedParameterType>
            <xtce:ArrayParameterType name="ARR_T" arrayTypeRef="CAL8"><xtce:DimensionList><xtce:Dimension>
              <xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex><xtce:EndingIndex><xtce:FixedValue>2</xtce:FixedValue></xtce:EndingIndex>
            </xtce:Dimension></xtce:DimensionList></xtce:ArrayParameterType>
            <xtce:AggregateParameterType name="AGG_T"><xtce:MemberList>
              <xtce:Member name="mode" typeRef="MODE_T"/><xtce:Member name="raw" typeRef="CAL8"/>
            </xtce:MemberList></xtce:AggregateParameterType>
            """,
            parameters: "<xtce:Parameter name=\"ARR\" parameterTypeRef=\"ARR_T\"/><xtce:Parameter name=\"AGG\" parameterTypeRef=\"AGG_T\"/>",
            containers: container("ELEMENTS", apid: 10, entries: "<xtce:ParameterRefEntry parameterRef=\"ARR\"/><xtce:ParameterRefEntry parameterRef=\"AGG\"/>"))
        let result = try await decode(packet(apid: 10, payload: [1, 2, 3, 16, 5]), definitions: try load(xml),
                                      options: DecodeOptions(calibrated: true, labels: true))
        let c = try #require(result.container(named: "ELEMENTS"))
        #expect(doubles(c, "ARR.eng") == [3, 5, 7])
        #expect(c.dataset["ARR.eng"]?.column.shape == [3])
        #expect(try c.dataset["AGG.mode.label"]?.column.strings() == ["CAL"])
        #expect(doubles(c, "AGG.raw.eng") == [11])
    }

    @Test("Polynomial terms are summed as x^n computed exactly in integers, as the reference decoder does")
    func polynomialSummation() {
        let f = CalibrationFunction(.polynomial(PolynomialCalibrator(coefficients: [0.1, 0, 1e-9, 0, 0, 0, 0, 3e-30])))
        let x: Int64 = 4_000_000
        // x^7 does not fit in 64 bits: falls back to pow; x^2 is exact.
        let expected = 0.1 + 1e-9 * Double(x * x) + 3e-30 * _pow(Double(x), 7)
        #expect(f.apply(ScalarValue(integer: x)) == expected)
        #expect(f.apply(ScalarValue(integer: 3)) == 0.1 + 1e-9 * 9 + 3e-30 * 2187)
    }

    private func _pow(_ x: Double, _ n: Int) -> Double {
        #if canImport(Glibc)
        return Glibc.pow(x, Double(n))
        #else
        return Foundation.pow(x, Double(n))
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
