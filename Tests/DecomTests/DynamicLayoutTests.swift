import Dataset
import Decom
import PacketDefinitions
import Testing

/// Arrays (fixed, multi-dimensional, packet-sized), aggregates, include conditions, repeats,
/// variable binary, strings and container-end locations, against payloads built bit by bit.
@Suite struct DynamicLayoutTests {
    static let definitions = xtce(
        types: """
        <xtce:IntegerParameterType name="U3" signed="false"><xtce:IntegerDataEncoding sizeInBits="3"/></xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="U4" signed="false"><xtce:IntegerDataEncoding sizeInBits="4"/></xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="U8" signed="false"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="U16" signed="false"><xtce:IntegerDataEncoding sizeInBits="16"/></xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="ONES"><xtce:IntegerDataEncoding sizeInBits="16" encoding="onesComplement"/></xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="SIGNMAG"><xtce:IntegerDataEncoding sizeInBits="12" encoding="signMagnitude"/></xtce:IntegerParameterType>
        <xtce:BooleanParameterType name="FLAG" oneStringValue="ON" zeroStringValue="OFF"><xtce:IntegerDataEncoding sizeInBits="1"/></xtce:BooleanParameterType>
        <xtce:AggregateParameterType name="POINT">
          <xtce:MemberList>
            <xtce:Member name="x" typeRef="ONES"/>
            <xtce:Member name="y" typeRef="SIGNMAG"/>
            <xtce:Member name="valid" typeRef="FLAG"/>
            <xtce:Member name="pad" typeRef="U3"/>
          </xtce:MemberList>
        </xtce:AggregateParameterType>
        <xtce:ArrayParameterType name="SAMPLES_T" arrayTypeRef="POINT">
          <xtce:DimensionList><xtce:Dimension>
            <xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex>
            <xtce:EndingIndex><xtce:DynamicValue><xtce:ParameterInstanceRef parameterRef="N"/><xtce:LinearAdjustment intercept="-1"/></xtce:DynamicValue></xtce:EndingIndex>
          </xtce:Dimension></xtce:DimensionList>
        </xtce:ArrayParameterType>
        <xtce:ArrayParameterType name="VEC3_T" arrayTypeRef="U16">
          <xtce:DimensionList><xtce:Dimension>
            <xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex>
            <xtce:EndingIndex><xtce:FixedValue>2</xtce:FixedValue></xtce:EndingIndex>
          </xtce:Dimension></xtce:DimensionList>
        </xtce:ArrayParameterType>
        <xtce:ArrayParameterType name="MATRIX_T" arrayTypeRef="U8">
          <xtce:DimensionList>
            <xtce:Dimension><xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex><xtce:EndingIndex><xtce:FixedValue>1</xtce:FixedValue></xtce:EndingIndex></xtce:Dimension>
            <xtce:Dimension><xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex><xtce:EndingIndex><xtce:FixedValue>3</xtce:FixedValue></xtce:EndingIndex></xtce:Dimension>
          </xtce:DimensionList>
        </xtce:ArrayParameterType>
        <xtce:BinaryParameterType name="BLOB_T">
          <xtce:BinaryDataEncoding><xtce:SizeInBits><xtce:DynamicValue>
            <xtce:ParameterInstanceRef parameterRef="NB" useCalibratedValue="false"/><xtce:LinearAdjustment slope="8"/>
          </xtce:DynamicValue></xtce:SizeInBits></xtce:BinaryDataEncoding>
        </xtce:BinaryParameterType>
        <xtce:StringParameterType name="TERM_T">
          <xtce:StringDataEncoding encoding="US-ASCII"><xtce:Variable maxSizeInBits="256">
            <xtce:DynamicValue><xtce:ParameterInstanceRef parameterRef="_yamcs_ignore"/></xtce:DynamicValue>
            <xtce:TerminationChar>00</xtce:TerminationChar>
          </xtce:Variable></xtce:StringDataEncoding>
        </xtce:StringParameterType>
        <xtce:StringParameterType name="PREFIXED_T">
          <xtce:StringDataEncoding><xtce:Variable maxSizeInBits="136">
            <xtce:DynamicValue><xtce:ParameterInstanceRef parameterRef="_yamcs_ignore"/></xtce:DynamicValue>
            <xtce:LeadingSize sizeInBitsOfSizeTag="8"/>
          </xtce:Variable></xtce:StringDataEncoding>
        </xtce:StringParameterType>
        <xtce:StringParameterType name="FIXED_TERM_T">
          <xtce:StringDataEncoding><xtce:SizeInBits>
            <xtce:Fixed><xtce:FixedValue>64</xtce:FixedValue></xtce:Fixed>
            <xtce:TerminationChar>0A</xtce:TerminationChar>
          </xtce:SizeInBits></xtce:StringDataEncoding>
        </xtce:StringParameterType>
        """,
        parameters: """
        <xtce:Parameter name="VEC3" parameterTypeRef="VEC3_T"/>
        <xtce:Parameter name="MATRIX" parameterTypeRef="MATRIX_T"/>
        <xtce:Parameter name="TAG" parameterTypeRef="FIXED_TERM_T"/>
        <xtce:Parameter name="MODE" parameterTypeRef="U8"/>
        <xtce:Parameter name="N" parameterTypeRef="U8"/>
        <xtce:Parameter name="SAMPLES" parameterTypeRef="SAMPLES_T"/>
        <xtce:Parameter name="OPT" parameterTypeRef="U16"/>
        <xtce:Parameter name="AFTER" parameterTypeRef="U8"/>
        <xtce:Parameter name="NB" parameterTypeRef="U8"/>
        <xtce:Parameter name="BLOB" parameterTypeRef="BLOB_T"/>
        <xtce:Parameter name="LABEL" parameterTypeRef="TERM_T"/>
        <xtce:Parameter name="OWNER" parameterTypeRef="PREFIXED_T"/>
        <xtce:Parameter name="TEMP" parameterTypeRef="U4"/>
        <xtce:Parameter name="NIB" parameterTypeRef="U4"/>
        <xtce:Parameter name="CHECKSUM" parameterTypeRef="U16"/>
        """,
        containers: container("DYN", apid: 400, entries: """
        <xtce:ParameterRefEntry parameterRef="VEC3"/>
        <xtce:ParameterRefEntry parameterRef="MATRIX"/>
        <xtce:ParameterRefEntry parameterRef="TAG"/>
        <xtce:ParameterRefEntry parameterRef="MODE"/>
        <xtce:ParameterRefEntry parameterRef="N"/>
        <xtce:ParameterRefEntry parameterRef="SAMPLES"/>
        <xtce:ParameterRefEntry parameterRef="OPT">
          <xtce:IncludeCondition><xtce:Comparison parameterRef="MODE" value="1" useCalibratedValue="false"/></xtce:IncludeCondition>
        </xtce:ParameterRefEntry>
        <xtce:ParameterRefEntry parameterRef="AFTER"/>
        <xtce:ParameterRefEntry parameterRef="NB"/>
        <xtce:ParameterRefEntry parameterRef="BLOB"/>
        <xtce:ParameterRefEntry parameterRef="LABEL"/>
        <xtce:ParameterRefEntry parameterRef="OWNER"/>
        <xtce:ParameterRefEntry parameterRef="TEMP">
          <xtce:RepeatEntry>
            <xtce:Count><xtce:DynamicValue><xtce:ParameterInstanceRef parameterRef="N"/></xtce:DynamicValue></xtce:Count>
            <xtce:Offset><xtce:FixedValue>4</xtce:FixedValue></xtce:Offset>
          </xtce:RepeatEntry>
        </xtce:ParameterRefEntry>
        <xtce:ParameterRefEntry parameterRef="NIB"/>
        <xtce:ParameterRefEntry parameterRef="CHECKSUM">
          <xtce:LocationInContainerInBits referenceLocation="containerEnd"><xtce:FixedValue>0</xtce:FixedValue></xtce:LocationInContainerInBits>
        </xtce:ParameterRefEntry>
        """))

    /// Packet 1: MODE 1, two samples, OPT present, 3 blob bytes, strings, two repeated TEMPs.
    static func first() -> [UInt8] {
        var w = BitWriter()
        for v in [1, 2, 65535] as [UInt64] { w.put(v, 16) }
        for v in 10...17 { w.put(UInt64(v), 8) }
        w.put(bytes: Array("AB\nCDEFG".utf8))
        w.put(1, 8)  // MODE
        w.put(2, 8)  // N
        w.put(0xFFFA, 16); w.put(0x800 | 100, 12); w.put(1, 1); w.put(0, 3)  // x = -5, y = -100, valid, pad
        w.put(7, 16); w.put(0x7FF, 12); w.put(0, 1); w.put(5, 3)  // x = 7, y = 2047
        w.put(0x1234, 16)  // OPT
        w.put(9, 8)  // AFTER
        w.put(3, 8); w.put(bytes: [0xAA, 0xBB, 0xCC])  // NB, BLOB
        w.put(bytes: Array("hi".utf8) + [0])  // LABEL
        w.put(3, 8); w.put(bytes: Array("abc".utf8))  // OWNER
        w.put(0xA, 4); w.put(0xF, 4); w.put(0x3, 4)  // TEMP, gap, TEMP
        w.put(0x6, 4)  // NIB
        w.put(bytes: [0xEE, 0xEE])  // undescribed bytes
        w.put(0xCAFE, 16)  // CHECKSUM at the end
        return packet(apid: 400, sequence: 1, payload: w.bytes)
    }

    /// Packet 2: MODE 0 (no OPT), no samples, empty blob and strings, no TEMP.
    static func second() -> [UInt8] {
        var w = BitWriter()
        for v in [4, 5, 6] as [UInt64] { w.put(v, 16) }
        for v in 20...27 { w.put(UInt64(v), 8) }
        w.put(bytes: Array("XYZWVUTS".utf8))
        w.put(0, 8)  // MODE
        w.put(0, 8)  // N
        w.put(77, 8)  // AFTER
        w.put(0, 8)  // NB
        w.put(bytes: [0])  // LABEL ""
        w.put(0, 8)  // OWNER ""
        w.put(0xF, 4)  // NIB
        w.put(0, 4)
        w.put(0x0102, 16)
        return packet(apid: 400, sequence: 2, payload: w.bytes)
    }

    @Test("Arrays, aggregates, include conditions, repeats, variable binary, strings and end locations decode to the written values")
    func dynamicLayout() async throws {
        let set = try load(Self.definitions)
        let result = try await decode(Self.first() + Self.second(), definitions: set)
        #expect(result.findings.isEmpty, "\(result.findings)")
        let c = try #require(result.container(named: "DYN"))
        #expect(c.records == 2)
        #expect(c.plan.isFixedLayout == false)
        #expect(c.dataset["VEC3"]?.column.shape == [3])
        #expect(integers(c, "VEC3") == [1, 2, 65535, 4, 5, 6])
        #expect(c.dataset["MATRIX"]?.column.shape == [2, 4])
        #expect(integers(c, "MATRIX") == Array(10...17).map(Int64.init) + Array(20...27).map(Int64.init))
        #expect(try c.dataset["TAG"]?.column.strings() == ["AB", "XYZWVUTS"])
        #expect(integers(c, "MODE") == [1, 0])
        #expect(integers(c, "SAMPLES.count") == [2, 0])
        let capacity = try #require(c.dataset["SAMPLES.x"]?.column.shape.first)
        #expect(capacity >= 2)
        #expect(Array(integers(c, "SAMPLES.x").prefix(2)) == [-5, 7])
        #expect(Array(integers(c, "SAMPLES.y").prefix(2)) == [-100, 2047])
        #expect(Array(integers(c, "SAMPLES.valid").prefix(2)) == [1, 0])
        #expect(Array(integers(c, "SAMPLES.pad").prefix(2)) == [0, 5])
        #expect(integers(c, "SAMPLES.x")[capacity...].allSatisfy { $0 == 0 }, "unused elements stay zero")
        #expect(integers(c, "OPT") == [0x1234, 0])
        #expect(integers(c, "OPT.present") == [1, 0])
        #expect(integers(c, "AFTER") == [9, 77])
        #expect(integers(c, "BLOB.bits") == [24, 0])
        #expect(Array(element(c, "BLOB", 0).prefix(3)) == [0xAA, 0xBB, 0xCC])
        #expect(element(c, "BLOB", 1).allSatisfy { $0 == 0 })
        #expect(try c.dataset["LABEL"]?.column.strings() == ["hi", ""])
        #expect(try c.dataset["OWNER"]?.column.strings() == ["abc", ""])
        #expect(integers(c, "TEMP.count") == [2, 0])
        let temps = integers(c, "TEMP")
        let tempCapacity = temps.count / 2
        #expect(Array(temps.prefix(2)) == [0xA, 0x3])
        #expect(temps[tempCapacity...].allSatisfy { $0 == 0 })
        #expect(integers(c, "NIB") == [6, 15])
        #expect(integers(c, "CHECKSUM") == [0xCAFE, 0x0102])
    }

    @Test("A field past the end of a short dynamic packet is a finding with file, offset and APID, never a read out of bounds")
    func truncatedDynamicPacket() async throws {
        let set = try load(Self.definitions)
        var bad = Self.first()
        // Keep the fixed part, N = 2, and one byte of the first sample.
        bad = Array(bad.prefix(6 + 6 + 8 + 8 + 2 + 1))
        let length = UInt16(bad.count - 7)
        bad[4] = UInt8(length >> 8)
        bad[5] = UInt8(length & 0xFF)
        let good = Self.second()
        let result = try await decode(good + bad, definitions: set)
        #expect(result.decodedPackets == 2)
        #expect(result.findings.count == 1)
        let f = try #require(result.findings.first)
        #expect(f.offset == good.count)
        #expect(f.apid == 400)
        #expect(f.container == "DYN")
        #expect(f.message.contains("past the packet's end"))
        let c = try #require(result.container(named: "DYN"))
        #expect(integers(c, "N") == [0, 2])
        #expect(integers(c, "AFTER") == [77, 0])
    }

    @Test("Random packets of every length from 1 to 300 bytes: each is decoded or reported, none crashes or is lost")
    func randomPacketsNeverCrash() async throws {
        let set = try load(Self.definitions)
        var random = TestRandom(state: 2024)
        var bytes: [UInt8] = []
        var total = 0
        for round in 0..<4 {
            for length in 1...300 {
                var payload = random.bytes(length)
                // Small counts now and then, so that some packets decode whole.
                if round % 2 == 0, payload.count > 29 { payload[28] = payload[28] & 3; payload[29] = payload[29] & 3 }
                bytes += packet(apid: 400, sequence: UInt16(total & 0x3FFF), payload: payload)
                total += 1
            }
        }
        let result = try await decode(bytes, definitions: set)
        #expect(result.decodedPackets + result.undecodedPackets == total)
        #expect(result.decodedPackets > 0)
        let short = result.undecoded.first { $0.reason == .shorterThanContainer("DYN") }
        #expect(short != nil)
        #expect(result.findings.allSatisfy { $0.apid == 400 && $0.container == "DYN" })
        #expect(!result.findings.isEmpty)
    }
}
