// Bad definitions give a typed error whose description names the file and the right line.

import Testing
@testable import PacketDefinitions

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An XTCE 1.2 document with one item per line in each set.
private func doc(types: [String] = [], parameters: [String] = [], containers: [String] = []) -> String {
    xtceDocument("""
        <xtce:TelemetryMetaData>
        <xtce:ParameterTypeSet>
        <xtce:IntegerParameterType name="U8"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>
        \(types.joined(separator: "\n"))
        </xtce:ParameterTypeSet>
        <xtce:ParameterSet>
        <xtce:Parameter name="A" parameterTypeRef="U8"/>
        \(parameters.joined(separator: "\n"))
        </xtce:ParameterSet>
        <xtce:ContainerSet>
        \(containers.joined(separator: "\n"))
        </xtce:ContainerSet>
        </xtce:TelemetryMetaData>
        """)
}

/// 1-based line of the first line containing `needle`.
private func lineOf(_ needle: String, in text: String) -> Int {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return (lines.firstIndex { $0.contains(needle) } ?? -1) + 1
}

struct ValidationErrorTests {
    /// (document, text on the offending line, message).
    static let cases: [(String, String, String)] = [
        (doc(parameters: [#"<xtce:Parameter name="BAR" parameterTypeRef="FOO"/>"#]), #"name="BAR""#,
         "unknown parameter type 'FOO' referenced by parameter 'BAR'"),
        (doc(containers: [#"<xtce:SequenceContainer name="C"><xtce:EntryList>"#,
                          #"<xtce:ParameterRefEntry parameterRef="NOPE"/>"#, "</xtce:EntryList></xtce:SequenceContainer>"]),
         "NOPE", "unknown parameter 'NOPE' referenced by container 'C'"),
        (doc(containers: [#"<xtce:SequenceContainer name="C"><xtce:EntryList/>"#,
                          #"<xtce:BaseContainer containerRef="MISSING"/></xtce:SequenceContainer>"#]),
         "MISSING", "unknown container 'MISSING' referenced by container 'C'"),
        (doc(containers: [
            #"<xtce:SequenceContainer name="X"><xtce:EntryList/><xtce:BaseContainer containerRef="Y"/></xtce:SequenceContainer>"#,
            #"<xtce:SequenceContainer name="Y"><xtce:EntryList/><xtce:BaseContainer containerRef="X"/></xtce:SequenceContainer>"#]),
         #"name="X""#, "circular container inheritance: X -> Y -> X"),
        (doc(containers: [
            #"<xtce:SequenceContainer name="P" abstract="true"><xtce:EntryList>"#,
            #"<xtce:ContainerRefEntry containerRef="Q"/></xtce:EntryList></xtce:SequenceContainer>"#,
            #"<xtce:SequenceContainer name="Q" abstract="true"><xtce:EntryList>"#,
            #"<xtce:ContainerRefEntry containerRef="P"/></xtce:EntryList></xtce:SequenceContainer>"#,
            #"<xtce:SequenceContainer name="R"><xtce:EntryList><xtce:ContainerRefEntry containerRef="P"/>"#,
            "</xtce:EntryList></xtce:SequenceContainer>"]),
         #"containerRef="P"/></xtce:EntryList></xtce:SequenceContainer>"#, "circular ContainerRefEntry: P -> Q -> P"),
        (doc(types: [#"<xtce:AggregateParameterType name="AGG"><xtce:MemberList>"#,
                     #"<xtce:Member name="self" typeRef="AGG"/></xtce:MemberList></xtce:AggregateParameterType>"#]),
         #"AggregateParameterType name="AGG""#, "circular parameter type reference: AGG -> AGG"),
        (doc(types: [#"<xtce:IntegerParameterType name="W0"><xtce:IntegerDataEncoding sizeInBits="0"/></xtce:IntegerParameterType>"#]),
         "W0", "invalid size: integer encoding of parameter type 'W0' has sizeInBits=0 (must be 1 to 64)"),
        (doc(types: [#"<xtce:IntegerParameterType name="W65"><xtce:IntegerDataEncoding sizeInBits="65"/></xtce:IntegerParameterType>"#]),
         "W65", "invalid size: integer encoding of parameter type 'W65' has sizeInBits=65 (must be 1 to 64)"),
        (doc(types: [#"<xtce:FloatParameterType name="F16"><xtce:FloatDataEncoding sizeInBits="16"/></xtce:FloatParameterType>"#]),
         "F16", "invalid size: float encoding of parameter type 'F16' has sizeInBits=16 (must be 32 or 64)"),
        (doc(types: [#"<xtce:FloatParameterType name="F128" sizeInBits="128"/>"#]),
         "F128", "invalid size: parameter type 'F128' has sizeInBits=128 (must be 32 or 64)"),
        (doc(types: [#"<xtce:IntegerParameterType name="B6"><xtce:IntegerDataEncoding sizeInBits="6" encoding="BCD"/></xtce:IntegerParameterType>"#]),
         "B6", "invalid size: BCD encoding of parameter type 'B6' has sizeInBits=6 (must be a multiple of 4)"),
        (doc(types: [#"<xtce:BinaryParameterType name="BIN0"><xtce:BinaryDataEncoding><xtce:SizeInBits>"#,
                     "<xtce:FixedValue>0</xtce:FixedValue></xtce:SizeInBits></xtce:BinaryDataEncoding></xtce:BinaryParameterType>"]),
         "<xtce:SizeInBits>", "invalid size: binary encoding of parameter type 'BIN0' has size 0 bits"),
        (doc(parameters: [#"<xtce:Parameter name="A" parameterTypeRef="U8" shortDescription="again"/>"#]), "again",
         "duplicate parameter name 'A' (first declared on line \(lineOf(#"<xtce:Parameter name="A""#, in: doc())))"),
        (doc(types: [#"<xtce:IntegerParameterType name="U8"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>"#]),
         "</xtce:IntegerParameterType>\n", ""), // placeholder replaced below
        (doc(types: [#"<xtce:FloatParameterType name="MIL"><xtce:FloatDataEncoding encoding="MILSTD_1750A"/></xtce:FloatParameterType>"#]),
         "MIL", "unsupported: MIL-STD-1750A float encoding in parameter type 'MIL'"),
        (doc(types: [#"<xtce:IntegerParameterType name="M"><xtce:IntegerDataEncoding><xtce:DefaultCalibrator>"#,
                     #"<xtce:MathOperationCalibrator/></xtce:DefaultCalibrator></xtce:IntegerDataEncoding></xtce:IntegerParameterType>"#]),
         "<xtce:MathOperationCalibrator/>", "unsupported: <MathOperationCalibrator> in parameter type 'M'"),
        (doc(types: [#"<xtce:IntegerParameterType name="S"><xtce:IntegerDataEncoding><xtce:DefaultCalibrator>"#,
                     #"<xtce:SplineCalibrator order="2"><xtce:SplinePoint raw="0" calibrated="0"/></xtce:SplineCalibrator>"#,
                     "</xtce:DefaultCalibrator></xtce:IntegerDataEncoding></xtce:IntegerParameterType>"]),
         #"order="2""#, "unsupported: spline order 2 in parameter type 'S' (only 0 and 1 are supported)"),
        (doc(containers: [#"<xtce:SequenceContainer name="C"><xtce:EntryList/><xtce:BaseContainer containerRef="C2">"#,
                          "<xtce:RestrictionCriteria>",
                          #"<xtce:Comparison parameterRef="A" value="1" comparisonOperator="~="/>"#,
                          "</xtce:RestrictionCriteria></xtce:BaseContainer></xtce:SequenceContainer>",
                          #"<xtce:SequenceContainer name="C2"><xtce:EntryList/></xtce:SequenceContainer>"#]),
         "~=", "unknown comparison operator '~=' in restriction criteria of container 'C'"),
        (doc(types: [#"<xtce:BinaryParameterType name="BLOB"><xtce:BinaryDataEncoding><xtce:SizeInBits><xtce:DynamicValue>"#,
                     #"<xtce:ParameterInstanceRef parameterRef="A"/></xtce:DynamicValue></xtce:SizeInBits></xtce:BinaryDataEncoding></xtce:BinaryParameterType>"#],
             parameters: [#"<xtce:Parameter name="DATA" parameterTypeRef="BLOB"/>"#],
             containers: [#"<xtce:SequenceContainer name="C"><xtce:EntryList>"#, #"<xtce:ParameterRefEntry parameterRef="DATA"/>"#,
                          #"<xtce:ParameterRefEntry parameterRef="A"/></xtce:EntryList></xtce:SequenceContainer>"#]),
         #"parameterRef="DATA""#,
         "size or position in container 'C' depends on parameter 'A', which is not decoded before it"),
        (doc(types: [#"<xtce:IntegerParameterType name="NOENC"/>"#], parameters: [#"<xtce:Parameter name="N" parameterTypeRef="NOENC"/>"#],
             containers: [#"<xtce:SequenceContainer name="C"><xtce:EntryList>"#, #"<xtce:ParameterRefEntry parameterRef="N"/>"#,
                          "</xtce:EntryList></xtce:SequenceContainer>"]),
         #"parameterRef="N""#, "parameter 'N' in container 'C' has type 'NOENC' with no data encoding"),
        (doc(types: [#"<xtce:StringParameterType name="STR"><xtce:StringDataEncoding>"#,
                     #"<xtce:Variable maxSizeInBits="64"/></xtce:StringDataEncoding></xtce:StringParameterType>"#]),
         "maxSizeInBits", "string of parameter type 'STR' has no size: give a buffer size, a TerminationChar or a LeadingSize"),
        (doc(types: [#"<xtce:IntegerParameterType name="Z"><xtce:IntegerDataEncoding sizeInBits="eight"/></xtce:IntegerParameterType>"#]),
         #"name="Z""#, "attribute 'sizeInBits' of <IntegerDataEncoding> is not an integer: 'eight'"),
        (doc(containers: [#"<xtce:SequenceContainer name="C"><xtce:EntryList/><xtce:BaseContainer containerRef="C2">"#,
                          "<xtce:RestrictionCriteria><xtce:CustomAlgorithm/></xtce:RestrictionCriteria>",
                          "</xtce:BaseContainer></xtce:SequenceContainer>",
                          #"<xtce:SequenceContainer name="C2"><xtce:EntryList/></xtce:SequenceContainer>"#]),
         "CustomAlgorithm", "unsupported: <CustomAlgorithm> in restriction criteria of container 'C'"),
    ]

    @Test(arguments: cases.indices)
    func errorNamesFileLineAndProblem(_ index: Int) throws {
        var (text, needle, message) = Self.cases[index]
        if message.isEmpty {
            // Duplicate type name: the second U8 declaration, whose first is on the line before.
            let first = lineOf(#"<xtce:IntegerParameterType name="U8">"#, in: text)
            message = "duplicate parameter type name 'U8' (first declared on line \(first))"
            let error = try #require(loadError(xml: text))
            #expect(error.description == "test.xml:\(first + 1): \(message)")
            return
        }
        let error = try #require(loadError(xml: text), "case \(index) loaded without error")
        #expect(error.description == "test.xml:\(lineOf(needle, in: text)): \(message)", "case \(index)")
    }

    @Test func notXTCE() {
        let error = loadError(xml: "<?xml version=\"1.0\"?>\n<SpaceSystem name=\"X\" xmlns=\"urn:other\"/>")
        #expect(error?.kind == .notXTCE("root <SpaceSystem> is in namespace 'urn:other', expected "
            + "http://www.omg.org/space/xtce or http://www.omg.org/spec/XTCE/20180204"))
        #expect(error?.line == 2)
    }

    @Test func unreadableFile() {
        do {
            _ = try XTCELoader.load(contentsOf: "/nonexistent/defs.xml")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description == "/nonexistent/defs.xml: cannot read file: No such file or directory")
        }
    }
}

struct MalformedXMLTests {
    static let cases: [(String, Int, String)] = [
        ("<a>\n<b>\n</a>", 3, "end tag </a> does not match start tag <b> on line 2"),
        ("<a>\n<b>\n</b>", 3, "unexpected end of file: element <a> opened on line 1 is not closed"),
        ("<a x=\"1\"\n x='2'/>", 2, "duplicate attribute 'x' in <a>"),
        ("<a>\n\n&bogus;</a>", 3, "undefined entity '&bogus;' (only the five predefined XML entities are allowed)"),
        ("<a>&#xZZ;</a>", 1, "invalid character reference '&#xZZ;'"),
        ("<a b=\"x<y\"/>", 1, "'<' is not allowed in attribute 'b' value"),
        ("<a b=c/>", 1, "attribute 'b' value must be quoted"),
        ("<a/>\n<b/>", 2, "content after the root element"),
        ("<a/>\ntext", 2, "text after the root element"),
        ("<a>\n<!-- never closed\n</a>", 2, "unterminated comment"),
        ("<a>\n<![CDATA[ open", 2, "unterminated CDATA section"),
        ("<x:a/>", 1, "undeclared namespace prefix 'x' in <x:a>"),
        ("</a>", 1, "end tag </a> without a matching start tag"),
        ("", 1, "no root element"),
        ("<a>\n<?xml version=\"1.0\"?></a>", 2, "XML declaration is only allowed at the very start of the document"),
        ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", 1,
         "unsupported document encoding 'iso-8859-1' (only UTF-8 is supported)"),
    ]

    @Test(arguments: cases.indices)
    func malformedXMLIsReportedWithItsLine(_ index: Int) {
        let (text, line, message) = Self.cases[index]
        #expect(loadError(xml: text)?.description == "test.xml:\(line): malformed XML: \(message)")
    }

    @Test func invalidUTF8IsRejectedWithItsLine() {
        let bytes = Array("<a>\n\n".utf8) + [0xC3, 0x28] + Array("</a>".utf8)
        do {
            _ = try XTCELoader.load(bytes: bytes, file: "bad.xml")
            Issue.record("loaded invalid UTF-8")
        } catch {
            #expect(error.description
                    == "bad.xml:3: malformed XML: invalid UTF-8 byte sequence (only UTF-8 definitions are supported)")
        }
    }

    @Test func xmlSyntaxCornersParse() throws {
        let root = try XMLParser.parse(Array("""
            \u{FEFF}<?xml version='1.0'?>
            <!-- comment -->
            <?pi ignored?>
            <r xmlns:p="urn:p" a='single "quoted"' b="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x20AC;">
              <p:c>one<![CDATA[<two>]]>three</p:c>
              <d
                 e = "x"
              />
            </r>
            """.utf8), file: "t.xml")
        #expect(root.localName == "r" && root.line == 4)
        #expect(root.attribute("a") == "single \"quoted\"")
        #expect(root.attribute("b") == "<>&\"'AB€")
        #expect(root.children[0].namespaceURI == "urn:p" && root.children[0].localName == "c")
        #expect(root.children[0].text == "one<two>three")
        #expect(root.children[1].line == 6 && root.children[1].attribute("e") == "x")
    }
}

struct ExternalEntityTests {
    /// A DOCTYPE declaring an external entity is refused at its line; the entity's target is never
    /// read (its contents appear nowhere) and the reference is never expanded.
    @Test func doctypeWithExternalEntityIsRefused() throws {
        let secretPath = "/tmp/downlink-defs-xxe-\(getpid()).txt"
        let secret = "TOP-SECRET-\(getpid())"
        let f = try #require(fopen(secretPath, "w"))
        fputs(secret, f)
        fclose(f)
        defer { unlink(secretPath) }

        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE SpaceSystem [
              <!ENTITY xxe SYSTEM "file://\(secretPath)">
            ]>
            <xtce:SpaceSystem xmlns:xtce="http://www.omg.org/space/xtce" name="&xxe;"/>
            """
        let error = try #require(loadError(xml: xml))
        #expect(error.kind == .doctypeNotAllowed)
        #expect(error.line == 2)
        #expect(!error.description.contains(secret))
        #expect(error.description == "test.xml:2: DOCTYPE/ENTITY declarations are not allowed in packet definitions "
            + "(entities are never expanded)")

        // Without the DOCTYPE the reference is simply undefined, never resolved.
        let bare = #"<xtce:SpaceSystem xmlns:xtce="http://www.omg.org/space/xtce" name="&xxe;"/>"#
        #expect(loadError(xml: bare)?.kind == .malformedXML(
            "undefined entity '&xxe;' (only the five predefined XML entities are allowed)"))
    }
}
