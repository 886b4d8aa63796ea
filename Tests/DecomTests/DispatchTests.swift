import Dataset
import Decom
import Foundation
import PacketDefinitions
import SpacePackets
import Testing

/// Inheritance dispatch on restriction criteria beyond the APID, and the account of every packet
/// that is not decoded (unknown APID, no matching inheritor, too short).
@Suite struct DispatchTests {
    static let definitions = xtce(
        types: """
        <xtce:IntegerParameterType name="U16" signed="false"><xtce:IntegerDataEncoding sizeInBits="16"/></xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="U32" signed="false"><xtce:IntegerDataEncoding sizeInBits="32"/></xtce:IntegerParameterType>
        <xtce:EnumeratedParameterType name="KIND">
          <xtce:IntegerDataEncoding sizeInBits="8"/>
          <xtce:EnumerationList>
            <xtce:Enumeration value="1" label="ALPHA"/>
            <xtce:Enumeration value="2" label="BETA"/>
          </xtce:EnumerationList>
        </xtce:EnumeratedParameterType>
        """,
        parameters: """
        <xtce:Parameter name="SUBTYPE" parameterTypeRef="KIND"/>
        <xtce:Parameter name="A16" parameterTypeRef="U16"/>
        <xtce:Parameter name="B32" parameterTypeRef="U32"/>
        <xtce:Parameter name="H16" parameterTypeRef="U16"/>
        <xtce:Parameter name="H16B" parameterTypeRef="U16"/>
        """,
        containers: """
        <xtce:SequenceContainer name="Sci" abstract="true">
          <xtce:BaseContainer containerRef="Header">
            <xtce:RestrictionCriteria><xtce:Comparison parameterRef="PKT_APID" value="300" useCalibratedValue="false"/></xtce:RestrictionCriteria>
          </xtce:BaseContainer>
          <xtce:EntryList><xtce:ParameterRefEntry parameterRef="SUBTYPE"/></xtce:EntryList>
        </xtce:SequenceContainer>
        <xtce:SequenceContainer name="SciA">
          <xtce:BaseContainer containerRef="Sci">
            <xtce:RestrictionCriteria><xtce:Comparison parameterRef="SUBTYPE" value="ALPHA"/></xtce:RestrictionCriteria>
          </xtce:BaseContainer>
          <xtce:EntryList><xtce:ParameterRefEntry parameterRef="A16"/></xtce:EntryList>
        </xtce:SequenceContainer>
        <xtce:SequenceContainer name="SciB">
          <xtce:BaseContainer containerRef="Sci">
            <xtce:RestrictionCriteria><xtce:Comparison parameterRef="SUBTYPE" value="2" useCalibratedValue="false"/></xtce:RestrictionCriteria>
          </xtce:BaseContainer>
          <xtce:EntryList><xtce:ParameterRefEntry parameterRef="B32"/></xtce:EntryList>
        </xtce:SequenceContainer>
        \(container("HK", apid: 301, entries: "<xtce:ParameterRefEntry parameterRef=\"H16\"/><xtce:ParameterRefEntry parameterRef=\"H16B\"/>"))
        """)

    @Test("Packets go to the inheritor whose restriction holds; unknown APIDs, unmatched and short packets are counted with reasons and places")
    func dispatchAndAccounting() async throws {
        let set = try load(Self.definitions)
        let packets: [[UInt8]] = [
            packet(apid: 300, sequence: 0, payload: [1, 0xBE, 0xEF]),
            packet(apid: 300, sequence: 1, payload: [2, 0xDE, 0xAD, 0xBE, 0xEF]),
            packet(apid: 300, sequence: 2, payload: [3, 0, 0, 0, 0]),
            packet(apid: 301, sequence: 0, payload: [0, 7, 0xFF, 0xFF]),
            packet(apid: 302, sequence: 0, payload: [9, 9]),
            packet(apid: 301, sequence: 1, payload: [1]),
            packet(apid: 300, sequence: 3, payload: [1, 0, 1]),
        ]
        var offsets: [Int] = []
        var position = 0
        for p in packets { offsets.append(position); position += p.count }
        let result = try await decode(packets.flatMap { $0 }, definitions: set, options: DecodeOptions(labels: true))

        #expect(result.decodedPackets == 4)
        let a = try #require(result.container(named: "SciA"))
        #expect(a.records == 2)
        #expect(integers(a, "A16") == [0xBEEF, 1])
        #expect(integers(a, "SUBTYPE") == [1, 1])
        #expect(try a.dataset["SUBTYPE.label"]?.column.strings() == ["ALPHA", "ALPHA"])
        #expect(integers(a, "file_offset") == [Int64(offsets[0]), Int64(offsets[6])])
        #expect(integers(a, "ccsds_apid") == [300, 300])
        #expect(integers(a, "ccsds_sequence_count") == [0, 3])
        #expect(integers(a, "ccsds_data_length") == [2, 2])
        let b = try #require(result.container(named: "SciB"))
        #expect(integers(b, "B32") == [0xDEAD_BEEF])
        let hk = try #require(result.container(named: "HK"))
        #expect(integers(hk, "H16") == [7])
        #expect(integers(hk, "H16B") == [65535])
        #expect(hk.dataset["H16"]?.column.elementType == .uint16)

        let reasons = Dictionary(uniqueKeysWithValues: result.undecoded.map { ("\($0.apid) \($0.reason)", $0) })
        #expect(result.undecoded.count == 3)
        #expect(reasons["300 \(UndecodedReason.noMatchingContainer("Sci"))"]?.count == 1)
        #expect(reasons["300 \(UndecodedReason.noMatchingContainer("Sci"))"]?.firstOffset == offsets[2])
        #expect(reasons["302 \(UndecodedReason.unknownAPID)"]?.count == 1)
        #expect(reasons["301 \(UndecodedReason.shorterThanContainer("HK"))"]?.firstOffset == offsets[5])
        #expect(result.findings.count == 1)
        let finding = try #require(result.findings.first)
        #expect(finding.offset == offsets[5])
        #expect(finding.apid == 301)
        #expect(finding.container == "HK")
        #expect(finding.file.hasSuffix("packets.bin"))
    }

    @Test("Two matching inheritors make a packet ambiguous: reported, not guessed")
    func ambiguousInheritors() async throws {
        let xml = xtce(
            types: "<xtce:IntegerParameterType name=\"U8\" signed=\"false\"><xtce:IntegerDataEncoding sizeInBits=\"8\"/></xtce:IntegerParameterType>",
            parameters: "<xtce:Parameter name=\"X\" parameterTypeRef=\"U8\"/>",
            containers: container("ONE", apid: 5, entries: "<xtce:ParameterRefEntry parameterRef=\"X\"/>")
                + container("TWO", apid: 5, entries: "<xtce:ParameterRefEntry parameterRef=\"X\"/>"))
        let result = try await decode(packet(apid: 5, payload: [1]), definitions: try load(xml))
        #expect(result.decodedPackets == 0)
        #expect(result.undecoded.map(\.reason) == [.ambiguous("Header")])
    }

    @Test("Several files decode into one dataset per container, with each packet's file index and offset")
    func severalFiles() async throws {
        let set = try load(Self.definitions)
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("a.bin").path
        let second = dir.appendingPathComponent("b.bin").path
        try Data(packet(apid: 301, payload: [0, 1, 0, 2]) + packet(apid: 301, payload: [0, 3, 0, 4])).write(to: URL(fileURLWithPath: first))
        try Data(packet(apid: 301, payload: [0, 5, 0, 6])).write(to: URL(fileURLWithPath: second))
        let result = try await decode(paths: [first, second], definitions: set)
        let hk = try #require(result.container(named: "HK"))
        #expect(integers(hk, "H16") == [1, 3, 5])
        #expect(hk.dataset["H16"]?.attributes["units"] == nil)
        #expect(integers(hk, "H16B") == [2, 4, 6])
        #expect(integers(hk, "file_index") == [0, 0, 1])
        #expect(integers(hk, "file_offset") == [0, 10, 0])
    }

    @Test("Many packets split into parallel chunks land in file order (input pages released as chunks finish)")
    func chunksKeepOrder() async throws {
        let set = try load(Self.definitions)
        let n = Decoder.chunkPackets * 2 + 17
        var bytes: [UInt8] = []
        bytes.reserveCapacity(n * 11)
        for i in 0..<n {
            let v = UInt16(truncatingIfNeeded: i)
            // Every third packet is SciA (APID 300), the others HK (APID 301).
            if i % 3 == 0 {
                bytes += packet(apid: 300, sequence: UInt16(i & 0x3FFF), payload: [1, UInt8(v >> 8), UInt8(v & 0xFF)])
            } else {
                bytes += packet(apid: 301, sequence: UInt16(i & 0x3FFF), payload: [UInt8(v >> 8), UInt8(v & 0xFF), 0, 1])
            }
        }
        let result = try await decode(bytes, definitions: set, options: DecodeOptions(releaseInputPages: true))
        let a = try #require(result.container(named: "SciA"))
        let hk = try #require(result.container(named: "HK"))
        #expect(integers(a, "A16") == (0..<n).filter { $0 % 3 == 0 }.map { Int64(UInt16(truncatingIfNeeded: $0)) })
        #expect(integers(hk, "H16") == (0..<n).filter { $0 % 3 != 0 }.map { Int64(UInt16(truncatingIfNeeded: $0)) })
        #expect(result.undecodedPackets == 0)
    }

    @Test("A restriction on a field after a variable-size one is decided by interpreting the entries before it")
    func restrictionAfterVariableField() async throws {
        let xml = xtce(
            types: """
            <xtce:IntegerParameterType name="U8" signed="false"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>
            <xtce:IntegerParameterType name="U16" signed="false"><xtce:IntegerDataEncoding sizeInBits="16"/></xtce:IntegerParameterType>
            <xtce:BinaryParameterType name="BLOB_T"><xtce:BinaryDataEncoding><xtce:SizeInBits><xtce:DynamicValue>
              <xtce:ParameterInstanceRef parameterRef="N" useCalibratedValue="false"/><xtce:LinearAdjustment slope="8"/>
            </xtce:DynamicValue></xtce:SizeInBits></xtce:BinaryDataEncoding></xtce:BinaryParameterType>
            """,
            parameters: """
            <xtce:Parameter name="N" parameterTypeRef="U8"/>
            <xtce:Parameter name="BLOB" parameterTypeRef="BLOB_T"/>
            <xtce:Parameter name="KIND" parameterTypeRef="U8"/>
            <xtce:Parameter name="A" parameterTypeRef="U16"/>
            <xtce:Parameter name="B" parameterTypeRef="U8"/>
            """,
            containers: """
            <xtce:SequenceContainer name="Var" abstract="true">
              <xtce:BaseContainer containerRef="Header">
                <xtce:RestrictionCriteria><xtce:Comparison parameterRef="PKT_APID" value="500" useCalibratedValue="false"/></xtce:RestrictionCriteria>
              </xtce:BaseContainer>
              <xtce:EntryList>
                <xtce:ParameterRefEntry parameterRef="N"/><xtce:ParameterRefEntry parameterRef="BLOB"/><xtce:ParameterRefEntry parameterRef="KIND"/>
              </xtce:EntryList>
            </xtce:SequenceContainer>
            <xtce:SequenceContainer name="VarA">
              <xtce:BaseContainer containerRef="Var">
                <xtce:RestrictionCriteria><xtce:Comparison parameterRef="KIND" value="1" useCalibratedValue="false"/></xtce:RestrictionCriteria>
              </xtce:BaseContainer>
              <xtce:EntryList><xtce:ParameterRefEntry parameterRef="A"/></xtce:EntryList>
            </xtce:SequenceContainer>
            <xtce:SequenceContainer name="VarB">
              <xtce:BaseContainer containerRef="Var">
                <xtce:RestrictionCriteria><xtce:Comparison parameterRef="KIND" value="2" useCalibratedValue="false"/></xtce:RestrictionCriteria>
              </xtce:BaseContainer>
              <xtce:EntryList><xtce:ParameterRefEntry parameterRef="B"/></xtce:EntryList>
            </xtce:SequenceContainer>
            """)
        let set = try load(xml)
        let decoder = try Decoder(definitions: set)
        #expect(decoder.compileProblems.isEmpty, "\(decoder.compileProblems)")
        let packets: [[UInt8]] = [
            packet(apid: 500, sequence: 0, payload: [2, 0xAA, 0xBB, 1, 0x12, 0x34]),
            packet(apid: 500, sequence: 1, payload: [0, 2, 7]),
            packet(apid: 500, sequence: 2, payload: [3, 1, 1, 1, 9, 0]),
            packet(apid: 500, sequence: 3, payload: [200, 1, 2]),
            packet(apid: 500, sequence: 4, payload: [1, 0xCC, 2, 8]),
        ]
        let result = try await decode(packets.flatMap { $0 }, definitions: set)
        let a = try #require(result.container(named: "VarA"))
        #expect(integers(a, "A") == [0x1234])
        #expect(integers(a, "KIND") == [1])
        #expect(Array(element(a, "BLOB", 0).prefix(2)) == [0xAA, 0xBB])
        let b = try #require(result.container(named: "VarB"))
        #expect(integers(b, "B") == [7, 8])
        #expect(integers(b, "N") == [0, 1])
        let reasons = Set(result.undecoded.map(\.reason))
        #expect(reasons == [.noMatchingContainer("Var"), .restrictionUnreadable("Var")])
        #expect(result.undecodedPackets == 2)
    }
}
