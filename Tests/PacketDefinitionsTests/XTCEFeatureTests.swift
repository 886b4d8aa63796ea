// XTCE features beyond what IMAP uses, from hand-written fixtures in testdata/definitions.

import Testing
@testable import PacketDefinitions

private func encoding(_ set: DefinitionSet, _ parameter: String) -> DataEncoding? {
    set.parameter(named: parameter).flatMap { set.type(of: $0.id).encoding }
}

private func layout(_ set: DefinitionSet, _ rc: ResolvedContainer) -> [String] {
    rc.entries.map { e -> String in
        let name: String
        switch e.entry.kind {
        case .parameter(let p), .arrayParameter(let p, _): name = set[p].name
        case .fixedValue(let n, _, _): name = n
        case .container(let c): name = set[c].name
        }
        return "\(name)@\(e.fixedBitOffset.map(String.init) ?? "?")+\(e.fixedSizeInBits.map(String.init) ?? "?")"
    }
}

struct XTCE12FeatureTests {
    let set: DefinitionSet

    init() throws {
        set = try XTCELoader.load(contentsOf: TestPaths.fixture("features_xtce12.xml"))
    }

    @Test func integerEncodingsAndByteOrder() {
        #expect(encoding(set, "COUNTER_LE") == .integer(IntegerEncoding(sizeInBits: 32, scheme: .unsigned,
                                                                          byteOrder: .leastSignificantByteFirst)))
        #expect(set.parameterType(named: "ONES")?.encoding == .integer(IntegerEncoding(sizeInBits: 16, scheme: .onesComplement)))
        #expect(set.parameterType(named: "SIGNMAG")?.encoding == .integer(IntegerEncoding(sizeInBits: 12, scheme: .signMagnitude)))
        #expect(encoding(set, "BCD_DAY") == .integer(IntegerEncoding(sizeInBits: 8, scheme: .bcd)))
        #expect(encoding(set, "PBCD_YEAR") == .integer(IntegerEncoding(sizeInBits: 16, scheme: .packedBCD)))
        #expect(IntegerScheme.signMagnitude.isSigned && !IntegerScheme.bcd.isSigned)
        #expect(set.parameterType(named: "U8")?.kind == .integer(signed: false, sizeInBits: 8))
    }

    @Test func floatsBooleansEnumerations() {
        #expect(encoding(set, "VOLT") == .float(FloatEncoding(sizeInBits: 32, byteOrder: .leastSignificantByteFirst)))
        #expect(encoding(set, "EXTRA") == .float(FloatEncoding(sizeInBits: 64)))
        #expect(set.type(of: set.parameter(named: "HEATER")!.id).kind == .boolean(oneStringValue: "ON", zeroStringValue: "OFF"))
        guard case .enumerated(let entries)? = set.parameterType(named: "MODE")?.kind else {
            Issue.record("MODE is not enumerated")
            return
        }
        #expect(entries.label(for: 0) == "SAFE")
        #expect(entries.label(for: 5) == "SCIENCE" && entries.label(for: 9) == "SCIENCE")
        #expect(entries.label(for: 10) == nil)
        #expect(entries.label(for: 16) == "CAL") // value="0x10"
    }

    @Test func splineCalibratorAndUnits() {
        guard case .integer(let e)? = encoding(set, "TEMP"), case .spline(let s)? = e.defaultCalibrator else {
            Issue.record("TEMP has no spline")
            return
        }
        #expect(s.order == 1 && s.extrapolate && s.points.count == 3)
        #expect(s.evaluate(500) == -25)
        #expect(s.evaluate(2500) == 75)
        #expect(s.evaluate(-1000) == -100) // extrapolated along the first segment
        let step = SplineCalibrator(order: 0, extrapolate: false, points: s.points)
        #expect(step.evaluate(2500) == 0 && step.evaluate(4001) == nil)
        #expect(set.parameter(named: "TEMP")?.units == ["degC"])
        #expect(Calibrator.polynomial(PolynomialCalibrator(coefficients: [1, 2, 3])).evaluate(2) == 17)
    }

    @Test func timeTypes() {
        let met = set.type(of: set.parameter(named: "TIME")!.id)
        #expect(met.kind == .absoluteTime(TimeTypeInfo(units: "seconds", scale: 0.00001, offset: 0,
                                                       epoch: .date("2010-01-01T00:00:00.000"))))
        #expect(met.encoding == .integer(IntegerEncoding(sizeInBits: 48, scheme: .unsigned)))
        let gps = set.type(of: set.parameter(named: "GPS")!.id)
        #expect(gps.kind == .absoluteTime(TimeTypeInfo(epoch: .gps)))
        #expect(gps.encoding == .float(FloatEncoding(sizeInBits: 64)))
        #expect(Epoch.gps.isoDate == "1980-01-06T00:00:00")
        let exposure = set.type(of: set.parameter(named: "EXPOSURE")!.id)
        #expect(exposure.kind == .relativeTime(TimeTypeInfo(scale: 0.001)))
        #expect(exposure.encoding == .integer(IntegerEncoding(sizeInBits: 16, scheme: .unsigned)))
    }

    @Test func stringEncodings() {
        #expect(encoding(set, "LABEL") == .string(StringEncoding(charset: "US-ASCII", buffer: .variable,
                                                                  content: .terminated(terminator: [0]), maxSizeInBits: 256)))
        #expect(encoding(set, "OWNER") == .string(StringEncoding(buffer: .variable, content: .leadingSize(sizeTagBits: 8),
                                                                  maxSizeInBits: 136)))
        #expect(encoding(set, "TAG") == .string(StringEncoding(buffer: .fixed(64), content: .terminated(terminator: [0x0A]))))
        #expect(encoding(set, "TAG")?.fixedSizeInBits == 64)
        #expect(encoding(set, "LABEL")?.fixedSizeInBits == nil)
    }

    @Test func arraysAggregatesAndDynamicBinary() throws {
        guard case .array(let samples) = set.type(of: set.parameter(named: "SAMPLE_LIST")!.id).kind,
              case .aggregate(let members) = set[samples.elementType].kind else {
            Issue.record("SAMPLE_LIST is not an array of aggregates")
            return
        }
        #expect(members.map(\.name) == ["x", "y", "valid", "pad"])
        #expect(members.map { set[$0.type].name } == ["ONES", "SIGNMAG", "FLAG", "U3"])
        #expect(set.fixedSizeInBits(of: samples.elementType) == 32)
        guard case .dynamic(let end) = samples.dimensions[0].endingIndex else {
            Issue.record("SAMPLE_LIST dimension is not dynamic")
            return
        }
        #expect(set[end.reference.parameter].name == "N_SAMPLES" && end.intercept == -1 && end.slope == 1)
        #expect(set.fixedSizeInBits(of: set.parameter(named: "IMAGE")!.type) == 64)
        guard case .array(let image) = set.parameterType(named: "MATRIX")!.kind else {
            Issue.record("MATRIX is not an array")
            return
        }
        #expect(image.dimensions.map(\.fixedCount) == [2, 4] && image.numberOfDimensions == 2)
        guard case .binary(let blob)? = encoding(set, "PAYLOAD"), case .dynamic(let size) = blob.sizeInBits else {
            Issue.record("PAYLOAD is not a dynamic binary")
            return
        }
        #expect(size.slope == 8 && size.intercept == 0 && !size.reference.useCalibratedValue)
    }

    @Test func housekeepingLayoutWithLocationAndFixedValue() throws {
        let hk = try #require(set.resolvedContainer(named: "Housekeeping"))
        #expect(hk.apid == 100)
        #expect(Array(layout(set, hk).dropFirst(7)) == [
            "TIME@48+48", "MODE@96+8", "COUNTER_LE@104+32", "TEMP@136+12", "VOLT@148+32", "BCD_DAY@180+8",
            "PBCD_YEAR@188+16", "HEATER@204+1", "ATTITUDE@205+48", "IMAGE@253+64", "TAG@317+64", "GPS@381+64",
            "EXPOSURE@445+16", "SYNC@461+16", "CHECKSUM@480+16",
        ])
        #expect(hk.fixedSizeInBits == 496)
        #expect(hk.restrictions.first?.conjunctiveComparisons.last?.comparisonOperator == .equal) // "eq"
        if case .fixedValue(_, let bits, let value) = hk.entries[20].entry.kind {
            #expect(bits == 16 && value == [0x1A, 0xCF])
        } else {
            Issue.record("entry 20 is not the SYNC fixed value")
        }
    }

    @Test func scienceBooleanExpressionIncludeConditionRepeat() throws {
        let sci = try #require(set.resolvedContainer(named: "Science"))
        #expect(sci.apid == 200)
        let pktLen = try #require(set.parameter(named: "PKT_LEN"))
        let expected: MatchCriteria = .all([
            .comparison(Comparison(parameter: ParameterInstanceRef(parameter: set.parameter(named: "PKT_APID")!.id,
                                                                   name: "PKT_APID", useCalibratedValue: false),
                                   comparisonOperator: .equal, operand: .value("200"))),
            .any([
                .comparison(Comparison(parameter: ParameterInstanceRef(parameter: set.parameter(named: "SEQ_FLGS")!.id,
                                                                       name: "SEQ_FLGS", useCalibratedValue: false),
                                       comparisonOperator: .greaterOrEqual, operand: .value("1"))),
                .comparison(Comparison(parameter: ParameterInstanceRef(parameter: set.parameter(named: "SRC_SEQ_CTR")!.id,
                                                                       name: "SRC_SEQ_CTR"),
                                       comparisonOperator: .notEqual,
                                       operand: .parameter(ParameterInstanceRef(parameter: pktLen.id, name: "PKT_LEN",
                                                                                instance: -1)))),
            ]),
        ])
        #expect(sci.criteria == expected)
        #expect(Array(layout(set, sci).dropFirst(7)) == [
            "MODE@48+8", "N_SAMPLES@56+8", "SAMPLE_LIST@64+?", "N_BYTES@?+8", "PAYLOAD@?+?", "TEMP@?+?",
            "LABEL@?+?", "OWNER@?+?", "CHECKSUM@?+16",
        ])
        #expect(sci.fixedSizeInBits == nil)
        let payload = sci.entries[11].entry
        #expect(payload.includeCondition?.conjunctiveComparisons.first?.operand == .value("SCIENCE"))
        #expect(payload.includeCondition?.conjunctiveComparisons.first?.parameter.useCalibratedValue == true)
        let temp = sci.entries[12].entry
        guard case .dynamic(let count)? = temp.repeatEntry?.count else {
            Issue.record("TEMP repeat count is not dynamic")
            return
        }
        #expect(set[count.reference.parameter].name == "N_SAMPLES" && temp.repeatEntry?.offsetInBits == .fixed(4))
        #expect(sci.entries[15].entry.location == EntryLocation(reference: .containerEnd, offsetInBits: .fixed(16)))
    }

    @Test func containerStartLocationAndFixedRepeat() throws {
        let rep = try #require(set.resolvedContainer(named: "Repeated"))
        #expect(rep.apid == 300)
        // 4 one-bit HEATER values with 1-bit gaps between them: 4 + 3 bits.
        #expect(Array(layout(set, rep).dropFirst(7)) == ["N_BYTES@64+8", "HEATER@72+7", "EXTRA@79+64"])
        #expect(rep.fixedSizeInBits == 143)
        #expect(set.apids == [100, 200, 300])
        #expect(set.resolvedContainers(forAPID: 200).map(\.name) == ["Science"])
    }
}

struct XTCE11NestedTests {
    @Test func defaultNamespaceNestedSystemsAndXMLSyntax() throws {
        let set = try XTCELoader.load(contentsOf: TestPaths.fixture("nested_xtce11.xml"))
        #expect(set.spaceSystems == ["/MISSION", "/MISSION/INSTR"])
        let apid = try #require(set.parameter(named: "APID"))
        #expect(apid.shortDescription == "version, type, flag & APID <packed> AB")
        #expect(set.parameter(named: "LEN")?.longDescription == "Packet length <minus one> in bytes")
        // Relative references: NIBBLE uses INSTR's own U8 (4 bits), COUNT uses ../U8 (8 bits).
        #expect(encoding(set, "NIBBLE") == .integer(IntegerEncoding(sizeInBits: 4, scheme: .unsigned)))
        #expect(encoding(set, "/MISSION/INSTR/COUNT") == .integer(IntegerEncoding(sizeInBits: 8, scheme: .unsigned)))
        #expect(set.parameter(named: "COUNT")?.qualifiedName == "/MISSION/INSTR/COUNT")
        #expect(set.parameterType(named: "/MISSION/U8")?.encoding == .integer(IntegerEncoding(sizeInBits: 8, scheme: .unsigned)))
        guard case .array(let info)? = set.parameterType(named: "RAW_ARRAY")?.kind else {
            Issue.record("RAW_ARRAY is not an array")
            return
        }
        #expect(set[info.elementType].qualifiedName == "/MISSION/S16")
        #expect(set[info.elementType].encoding == .integer(IntegerEncoding(sizeInBits: 16, scheme: .twosComplement)))
        #expect(info.dimensions.isEmpty && info.numberOfDimensions == 1)

        let wave = try #require(set.resolvedContainer(named: "Wave"))
        #expect(wave.chain.map { set[$0].qualifiedName } == ["/MISSION/Primary", "/MISSION/INSTR/Wave"])
        #expect(layout(set, wave) == ["APID@0+16", "SEQ@16+16", "LEN@32+16", "NIBBLE@48+4", "NIBBLE@52+4",
                                      "COUNT@56+8", "WAVE@64+?", "WAVE@?+128"])
        // The restriction compares a 16-bit word, not the 11-bit APID field: no APID is claimed.
        #expect(wave.apid == nil)
        #expect(wave.restrictions.first?.conjunctiveComparisons.first?.operand.integerValue == 0x0812)
        #expect(wave.entries[3].declaredIn == set.container(named: "Secondary")?.id)
        guard case .arrayParameter(_, let dims) = wave.entries[6].entry.kind, case .dynamic = dims[0].endingIndex else {
            Issue.record("first WAVE entry has no dynamic dimension")
            return
        }
    }
}
