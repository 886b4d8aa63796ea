// Hostile or broken definitions end in a DefinitionError, never a trap.

import Testing
@testable import PacketDefinitions

/// SplitMix64: a tiny deterministic generator so failures reproduce.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One random edit: flip a byte, delete a range, duplicate a range, or truncate.
private func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
    var bytes = input
    let i = Int.random(in: 0..<bytes.count, using: &rng)
    let n = Int.random(in: 1...64, using: &rng)
    switch Int.random(in: 0..<4, using: &rng) {
    case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
    case 1: bytes.removeSubrange(i..<min(bytes.count, i + n))
    case 2: bytes.insert(contentsOf: bytes[i..<min(bytes.count, i + n)], at: i)
    default: bytes.removeSubrange(i...)
    }
    return bytes
}

struct RobustnessTests {
    @Test(arguments: ["features_xtce12.xml", "nested_xtce11.xml"])
    func mutatedXTCENeverTraps(_ name: String) throws {
        let original = try readDefinitionFile(TestPaths.fixture(name))
        var rng = SplitMix64(state: 0xD0D0_2026)
        var failures = 0
        for _ in 0..<300 {
            let bytes = mutate(original, &rng)
            do {
                _ = try XTCELoader.load(bytes: bytes, file: name)
            } catch {
                failures += 1
                #expect(error.line != nil, "\(error)")
                #expect(error.description.hasPrefix("\(name):"))
            }
        }
        #expect(failures > 100) // most random edits break something, and each one is reported
    }

    @Test func mutatedCSVNeverTraps() throws {
        let original = Array("""
            name, data_type, bit_length
            COUNT, uint, 8
            GRID, "int(2, 3)", 12
            SAMPLES, "uint(COUNT)", 16
            REST, "uint(expand)", 8
            CRC, float, 32
            """.utf8)
        var rng = SplitMix64(state: 42)
        for _ in 0..<300 {
            let text = String(decoding: mutate(original, &rng), as: UTF8.self)
            do {
                _ = try CSVDefinitionLoader.load(text: text, file: "m.csv")
            } catch {
                #expect(error.description.hasPrefix("m.csv"))
            }
        }
    }

    @Test func deepNestingIsRefused() {
        let depth = XMLParser.maxDepth + 1
        let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        #expect(loadError(xml: text)?.description
                == "test.xml:1: malformed XML: elements nested deeper than \(XMLParser.maxDepth) levels")
    }

    @Test func hugeSizesAreErrorsNotOverflows() {
        let text = xtceDocument("""
            <xtce:TelemetryMetaData>
            <xtce:ParameterTypeSet>
            <xtce:IntegerParameterType name="U8"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>
            <xtce:ArrayParameterType name="HUGE" arrayTypeRef="U8"><xtce:DimensionList>
            <xtce:Dimension><xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex>
            <xtce:EndingIndex><xtce:FixedValue>4611686018427387903</xtce:FixedValue></xtce:EndingIndex></xtce:Dimension>
            <xtce:Dimension><xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex>
            <xtce:EndingIndex><xtce:FixedValue>1000</xtce:FixedValue></xtce:EndingIndex></xtce:Dimension>
            </xtce:DimensionList></xtce:ArrayParameterType>
            </xtce:ParameterTypeSet>
            <xtce:ParameterSet><xtce:Parameter name="H" parameterTypeRef="HUGE"/></xtce:ParameterSet>
            <xtce:ContainerSet><xtce:SequenceContainer name="C"><xtce:EntryList>
            <xtce:ParameterRefEntry parameterRef="H"/>
            </xtce:EntryList></xtce:SequenceContainer></xtce:ContainerSet>
            </xtce:TelemetryMetaData>
            """)
        #expect(loadError(xml: text)?.description == "test.xml:15: invalid size: entry size overflows 64-bit arithmetic")
    }

    @Test func invertedOrNegativeDimensionsAreErrors() {
        let text = xtceDocument("""
            <xtce:TelemetryMetaData><xtce:ParameterTypeSet>
            <xtce:IntegerParameterType name="U8"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>
            <xtce:ArrayParameterType name="BAD" arrayTypeRef="U8"><xtce:DimensionList>
            <xtce:Dimension><xtce:StartingIndex><xtce:FixedValue>5</xtce:FixedValue></xtce:StartingIndex>
            <xtce:EndingIndex><xtce:FixedValue>2</xtce:FixedValue></xtce:EndingIndex></xtce:Dimension>
            </xtce:DimensionList></xtce:ArrayParameterType>
            </xtce:ParameterTypeSet></xtce:TelemetryMetaData>
            """)
        #expect(loadError(xml: text)?.description
                == "test.xml:6: invalid size: array dimension of parameter type 'BAD' runs from 5 to 2")
    }

    @Test func entriesBeforeThePacketStartAreErrors() {
        let text = xtceDocument("""
            <xtce:TelemetryMetaData>
            <xtce:ParameterTypeSet>
            <xtce:IntegerParameterType name="U8"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>
            </xtce:ParameterTypeSet>
            <xtce:ParameterSet><xtce:Parameter name="A" parameterTypeRef="U8"/></xtce:ParameterSet>
            <xtce:ContainerSet><xtce:SequenceContainer name="C"><xtce:EntryList>
            <xtce:ParameterRefEntry parameterRef="A"><xtce:LocationInContainerInBits referenceLocation="previousEntry">
            <xtce:FixedValue>-8</xtce:FixedValue></xtce:LocationInContainerInBits></xtce:ParameterRefEntry>
            </xtce:EntryList></xtce:SequenceContainer></xtce:ContainerSet>
            </xtce:TelemetryMetaData>
            """)
        #expect(loadError(xml: text)?.description == "test.xml:9: invalid size: entry in container 'C' starts 8 bits before the packet")
    }
}

struct NestingLimitTests {
    @Test func typeChainsDeeperThanTheLimitAreRefused() {
        let n = DefinitionResolver.maxNesting + 1
        var types = #"<xtce:IntegerParameterType name="T0"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>"#
        for k in 1...n {
            types += "\n" + #"<xtce:AggregateParameterType name="T\#(k)"><xtce:MemberList><xtce:Member name="m" typeRef="T\#(k - 1)"/></xtce:MemberList></xtce:AggregateParameterType>"#
        }
        let text = xtceDocument("<xtce:TelemetryMetaData><xtce:ParameterTypeSet>\n\(types)\n</xtce:ParameterTypeSet></xtce:TelemetryMetaData>")
        let error = loadError(xml: text)
        #expect(error?.kind == .invalidDefinition(
            "parameter types nested deeper than \(DefinitionResolver.maxNesting) levels (array elements / aggregate members)"))
    }

    @Test func containerReferenceChainsDeeperThanTheLimitAreRefused() {
        let n = DefinitionResolver.maxNesting + 1
        var containers = ""
        for k in 0...n {
            let entry = k == 0 ? #"<xtce:ParameterRefEntry parameterRef="A"/>"# : #"<xtce:ContainerRefEntry containerRef="C\#(k - 1)"/>"#
            containers += #"<xtce:SequenceContainer name="C\#(k)"><xtce:EntryList>\#(entry)</xtce:EntryList></xtce:SequenceContainer>"# + "\n"
        }
        let text = xtceDocument("""
            <xtce:TelemetryMetaData>
            <xtce:ParameterTypeSet><xtce:IntegerParameterType name="U8"><xtce:IntegerDataEncoding/></xtce:IntegerParameterType></xtce:ParameterTypeSet>
            <xtce:ParameterSet><xtce:Parameter name="A" parameterTypeRef="U8"/></xtce:ParameterSet>
            <xtce:ContainerSet>
            \(containers)</xtce:ContainerSet>
            </xtce:TelemetryMetaData>
            """)
        #expect(loadError(xml: text)?.kind == .invalidDefinition(
            "ContainerRefEntry nested deeper than \(DefinitionResolver.maxNesting) levels"))
    }
}
