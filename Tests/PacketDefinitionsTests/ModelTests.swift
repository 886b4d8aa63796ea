// Model details: operator spellings, ContainerRefEntry flattening rules, the by-extension loader.

import Testing
@testable import PacketDefinitions

struct ComparisonOperatorTests {
    @Test(arguments: [
        ("==", ComparisonOperator.equal), ("=", .equal), ("eq", .equal), ("!=", .notEqual), ("neq", .notEqual),
        ("<", .less), ("lt", .less), ("<=", .lessOrEqual), ("leq", .lessOrEqual), (">", .greater), ("gt", .greater),
        (">=", .greaterOrEqual), ("geq", .greaterOrEqual), (" >= ", .greaterOrEqual),
    ])
    func spellings(_ text: String, _ op: ComparisonOperator) {
        #expect(ComparisonOperator(xtce: text) == op)
    }

    @Test func unknownSpellingAndSemantics() {
        #expect(ComparisonOperator(xtce: "=>") == nil)
        #expect(ComparisonOperator.lessOrEqual.holds(3, 3) && !ComparisonOperator.less.holds(3, 3))
        #expect(ComparisonOperator.notEqual.holds(1, 2) && ComparisonOperator.greater.holds(2.5, 2.0))
        #expect(ComparisonOperand.value("0x7FF").integerValue == 2047)
        #expect(ComparisonOperand.value("-12").integerValue == -12)
        #expect(ComparisonOperand.value("SCIENCE").integerValue == nil)
    }
}

/// Header + `containers` in an XTCE 1.1 document.
private func containerDoc(_ containers: String) -> String {
    xtceDocument("""
        <xtce:TelemetryMetaData>
        <xtce:ParameterTypeSet>
        <xtce:IntegerParameterType name="U8"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>
        </xtce:ParameterTypeSet>
        <xtce:ParameterSet>
        <xtce:Parameter name="A" parameterTypeRef="U8"/>
        <xtce:Parameter name="B" parameterTypeRef="U8"/>
        <xtce:Parameter name="C" parameterTypeRef="U8"/>
        </xtce:ParameterSet>
        <xtce:ContainerSet>
        \(containers)
        </xtce:ContainerSet>
        </xtce:TelemetryMetaData>
        """, namespace: "http://www.omg.org/space/xtce")
}

struct ContainerRefEntryTests {
    @Test func includeConditionAndLocationOfAReferenceApplyToTheReferencedEntries() throws {
        let set = try XTCELoader.load(xml: containerDoc("""
            <xtce:SequenceContainer name="Part" abstract="true"><xtce:EntryList>
              <xtce:ParameterRefEntry parameterRef="B"/>
              <xtce:ParameterRefEntry parameterRef="C">
                <xtce:IncludeCondition><xtce:Comparison parameterRef="B" value="1"/></xtce:IncludeCondition>
              </xtce:ParameterRefEntry>
            </xtce:EntryList></xtce:SequenceContainer>
            <xtce:SequenceContainer name="Whole"><xtce:EntryList>
              <xtce:ParameterRefEntry parameterRef="A"/>
              <xtce:ContainerRefEntry containerRef="Part">
                <xtce:LocationInContainerInBits referenceLocation="previousEntry"><xtce:FixedValue>8</xtce:FixedValue></xtce:LocationInContainerInBits>
                <xtce:IncludeCondition><xtce:Comparison parameterRef="A" value="5" comparisonOperator="&lt;"/></xtce:IncludeCondition>
              </xtce:ContainerRefEntry>
            </xtce:EntryList></xtce:SequenceContainer>
            """), file: "ref.xml")
        let whole = try #require(set.resolvedContainer(named: "Whole"))
        #expect(whole.entries.map { set[$0.entry.parameter!].name } == ["A", "B", "C"])
        #expect(whole.entries[1].entry.location == EntryLocation(reference: .previousEntry, offsetInBits: .fixed(8)))
        #expect(whole.entries[1].fixedBitOffset == 16)
        #expect(whole.entries[1].entry.includeCondition?.conjunctiveComparisons.map(\.parameter.name) == ["A"])
        #expect(whole.entries[2].entry.includeCondition?.conjunctiveComparisons.map(\.parameter.name) == ["A", "B"])
        #expect(whole.entries[2].entry.includeCondition?.conjunctiveComparisons.first?.comparisonOperator == .less)
        #expect(whole.fixedSizeInBits == nil) // included conditionally
        #expect(whole.levels.count == 1 && whole.entries.allSatisfy { $0.level == 0 })
    }

    @Test func absoluteLocationsInsideAReferencedContainerAreRefused() {
        let text = containerDoc("""
            <xtce:SequenceContainer name="Part" abstract="true"><xtce:EntryList>
              <xtce:ParameterRefEntry parameterRef="B">
                <xtce:LocationInContainerInBits referenceLocation="containerStart"><xtce:FixedValue>0</xtce:FixedValue></xtce:LocationInContainerInBits>
              </xtce:ParameterRefEntry>
            </xtce:EntryList></xtce:SequenceContainer>
            <xtce:SequenceContainer name="Whole"><xtce:EntryList>
              <xtce:ContainerRefEntry containerRef="Part"/>
            </xtce:EntryList></xtce:SequenceContainer>
            """)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains(#"<xtce:ParameterRefEntry parameterRef="B">"#) }! + 1
        #expect(loadError(xml: text)?.description == "test.xml:\(line): unsupported: containerStart location inside "
            + "container 'Part', which is included by a ContainerRefEntry")
    }

    @Test func repeatedContainerReferenceIsRefused() {
        let text = containerDoc("""
            <xtce:SequenceContainer name="Part" abstract="true"><xtce:EntryList>
              <xtce:ParameterRefEntry parameterRef="B"/>
            </xtce:EntryList></xtce:SequenceContainer>
            <xtce:SequenceContainer name="Whole"><xtce:EntryList>
              <xtce:ContainerRefEntry containerRef="Part">
                <xtce:RepeatEntry><xtce:Count><xtce:FixedValue>2</xtce:FixedValue></xtce:Count></xtce:RepeatEntry>
              </xtce:ContainerRefEntry>
            </xtce:EntryList></xtce:SequenceContainer>
            """)
        #expect(loadError(xml: text)?.kind == .unsupported("RepeatEntry on a ContainerRefEntry"))
    }
}

struct LoaderDispatchTests {
    @Test func loadChoosesTheLoaderByExtension() throws {
        let xtce = try DefinitionSet.load(contentsOf: TestPaths.fixture("features_xtce12.xml"))
        #expect(xtce.container(named: "Housekeeping") != nil)
        let csv = try DefinitionSet.load(contentsOf: TestPaths.fixture("simple.csv"), csvAPID: 42)
        #expect(csv.resolvedContainers.map(\.name) == ["simple"])
        #expect(csv.resolvedContainers.first?.apid == 42)
        #expect(csv.resolvedContainers.first?.fixedSizeInBits == 48 + 16 + 8)
        #expect(csv.file.hasSuffix("testdata/definitions/simple.csv"))
    }
}

struct FloatSpellingTests {
    /// IMAP writes `IEEE-754`; XTCE says `IEEE754_1985`. Both mean IEEE 754 binary32/binary64.
    @Test(arguments: ["IEEE-754", "IEEE754_1985", "IEEE754"])
    func ieeeSpellingsLoad(_ spelling: String) throws {
        let set = try XTCELoader.load(xml: xtceDocument("""
            <xtce:TelemetryMetaData><xtce:ParameterTypeSet>
            <xtce:FloatParameterType name="F" sizeInBits="64"><xtce:FloatDataEncoding sizeInBits="64" encoding="\(spelling)"/></xtce:FloatParameterType>
            </xtce:ParameterTypeSet></xtce:TelemetryMetaData>
            """, namespace: "http://www.omg.org/space/xtce"), file: "f.xml")
        #expect(set.parameterType(named: "F")?.encoding == .float(FloatEncoding(sizeInBits: 64)))
        #expect(set.parameterType(named: "F")?.kind == .float(sizeInBits: 64))
    }

    @Test func otherFloatFormatsAreUnsupported() {
        let text = xtceDocument("""
            <xtce:TelemetryMetaData><xtce:ParameterTypeSet>
            <xtce:FloatParameterType name="F"><xtce:FloatDataEncoding encoding="IBM"/></xtce:FloatParameterType>
            </xtce:ParameterTypeSet></xtce:TelemetryMetaData>
            """)
        #expect(loadError(xml: text)?.description == "test.xml:4: unsupported: float encoding 'IBM' in parameter type 'F'")
    }
}

struct NamespaceTests {
    /// XTCE 1.2 in the default namespace; elements of other namespaces are not XTCE and are skipped.
    @Test func xtce12DefaultNamespaceAndForeignElements() throws {
        let set = try XTCELoader.load(xml: """
            <SpaceSystem xmlns="http://www.omg.org/spec/XTCE/20180204" xmlns:ext="urn:vendor" name="S">
              <ext:Note>not XTCE</ext:Note>
              <TelemetryMetaData>
                <ParameterTypeSet>
                  <IntegerParameterType name="U4" signed="false"><IntegerDataEncoding sizeInBits="4"/></IntegerParameterType>
                  <ext:IntegerParameterType name="IGNORED"/>
                </ParameterTypeSet>
                <ParameterSet><Parameter name="P" parameterTypeRef="U4"/></ParameterSet>
                <ContainerSet>
                  <SequenceContainer name="C"><EntryList><ParameterRefEntry parameterRef="P"/></EntryList></SequenceContainer>
                </ContainerSet>
              </TelemetryMetaData>
            </SpaceSystem>
            """, file: "ns.xml")
        #expect(set.parameterTypes.map(\.name) == ["U4"])
        #expect(set.resolvedContainer(named: "C")?.fixedSizeInBits == 4)
        #expect(set.parameter(named: "/S/P")?.source == SourceLocation(file: "ns.xml", line: 8))
    }
}
