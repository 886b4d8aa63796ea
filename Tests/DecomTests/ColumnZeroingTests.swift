import Dataset
@testable import Decom
import PacketDefinitions
import Testing

/// Decoded columns skip zeroing only where the fill pass writes every byte of them; the decode
/// fixtures poison unzeroed memory (`ColumnMemory.poisonsUnzeroedMemory`), so any byte a fill
/// skipped would fail the value tests of this target.
@Suite struct ColumnZeroingTests {
    static let types = """
        <xtce:IntegerParameterType name="U8" signed="false"><xtce:IntegerDataEncoding sizeInBits="8"/></xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="S12"><xtce:IntegerDataEncoding sizeInBits="12" encoding="twosComplement"/></xtce:IntegerParameterType>
        <xtce:IntegerParameterType name="O9"><xtce:IntegerDataEncoding sizeInBits="9" encoding="onesComplement"/></xtce:IntegerParameterType>
        <xtce:ArrayParameterType name="U8x3" arrayTypeRef="U8"><xtce:DimensionList><xtce:Dimension>
          <xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex><xtce:EndingIndex><xtce:FixedValue>2</xtce:FixedValue></xtce:EndingIndex>
        </xtce:Dimension></xtce:DimensionList></xtce:ArrayParameterType>
        <xtce:StringParameterType name="NAME_T"><xtce:StringDataEncoding encoding="US-ASCII"><xtce:SizeInBits><xtce:Fixed>
          <xtce:FixedValue>32</xtce:FixedValue></xtce:Fixed></xtce:SizeInBits></xtce:StringDataEncoding></xtce:StringParameterType>
        """
    static let parameters = """
        <xtce:Parameter name="A" parameterTypeRef="U8"/><xtce:Parameter name="B" parameterTypeRef="S12"/>
        <xtce:Parameter name="C" parameterTypeRef="O9"/><xtce:Parameter name="V" parameterTypeRef="U8x3"/>
        <xtce:Parameter name="NAME" parameterTypeRef="NAME_T"/>
        """

    func plan(_ entries: String) throws -> DecodePlan {
        let set = try load(xtce(types: Self.types, parameters: Self.parameters, containers: container("C", apid: 5, entries: entries)))
        let decoder = try Decoder(definitions: set)
        return try #require(decoder.plans.first { $0.containerName == "C" })
    }

    @Test("Fixed layouts of numbers and whole fixed arrays skip zeroing; byte fields and dynamic layouts do not")
    func rule() throws {
        let numbers = try plan("""
            <xtce:ParameterRefEntry parameterRef="A"/><xtce:ParameterRefEntry parameterRef="B"/>
            <xtce:ParameterRefEntry parameterRef="C"/><xtce:ParameterRefEntry parameterRef="V"/>
            """)
        #expect(numbers.isFixedLayout)
        #expect(Decoder.fillsEveryByte(numbers))
        let withText = try plan("<xtce:ParameterRefEntry parameterRef=\"A\"/><xtce:ParameterRefEntry parameterRef=\"NAME\"/>")
        #expect(!withText.byteFields.isEmpty)
        #expect(!Decoder.fillsEveryByte(withText))
        let conditional = try plan("""
            <xtce:ParameterRefEntry parameterRef="A"/>
            <xtce:ParameterRefEntry parameterRef="B"><xtce:IncludeCondition><xtce:Comparison parameterRef="A" value="1" useCalibratedValue="false"/></xtce:IncludeCondition></xtce:ParameterRefEntry>
            """)
        #expect(!conditional.isFixedLayout)
        #expect(!Decoder.fillsEveryByte(conditional))
    }

    @Test("With poisoned unzeroed memory, every value of a zeroing-free plan and of a conditional plan is still exact")
    func poisonedDecodes() async throws {
        let set = try load(xtce(types: Self.types, parameters: Self.parameters, containers: container("C", apid: 5, entries: """
            <xtce:ParameterRefEntry parameterRef="A"/>
            <xtce:ParameterRefEntry parameterRef="B"><xtce:IncludeCondition><xtce:Comparison parameterRef="A" value="1" useCalibratedValue="false"/></xtce:IncludeCondition></xtce:ParameterRefEntry>
            """) + container("D", apid: 6, entries: """
            <xtce:ParameterRefEntry parameterRef="A"/><xtce:ParameterRefEntry parameterRef="C"/><xtce:ParameterRefEntry parameterRef="V"/>
            """)))
        // Enough packets that the columns are mapped from the reservoir when it has blocks (>= 1 MiB).
        let n = 150_000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(n * 20)
        for k in 0..<n {
            bytes += packet(apid: 5, sequence: UInt16(k & 0x3FFF), payload: [UInt8(k % 2), 0xAB, 0xC0])
            bytes += packet(apid: 6, sequence: UInt16(k & 0x3FFF), payload: [7, 0xFF, 0x80, 1, 2, UInt8(k & 0xFF)])
        }
        let result = try await decode(bytes, definitions: set)
        #expect(result.decodedPackets == 2 * n)
        let c = try #require(result.container(named: "C"))
        let a = integers(c, "A"), b = integers(c, "B")
        // B is absent where A is 0: zero there (the column was zeroed), 0xABC sign-extended elsewhere.
        #expect(a.count == n && b.count == n)
        var wrongB = 0
        for k in 0..<min(n, b.count) {
            let expected: Int64 = a[k] == 1 ? 0xABC - 4096 : 0
            if b[k] != expected { wrongB += 1 }
        }
        #expect(wrongB == 0)
        let d = try #require(result.container(named: "D"))
        let v = integers(d, "V"), cv = integers(d, "C")
        #expect(v.count == 3 * n && cv.count == n)
        // C: 9 bits 0x1FF, ones' complement: negative zero.
        #expect(cv.allSatisfy { $0 == 0 })
        // V: three 8-bit elements from bit 17 of the data field (off a byte boundary).
        var wrongV = 0
        for k in 0..<min(n, v.count / 3) {
            let p = packet(apid: 6, sequence: UInt16(k & 0x3FFF), payload: [7, 0xFF, 0x80, 1, 2, UInt8(k & 0xFF)])
            let expected = (0..<3).map { Int64(referenceBits(p, bitOffset: 48 + 17 + 8 * $0, width: 8)) }
            if Array(v[(3 * k)..<(3 * k + 3)]) != expected { wrongV += 1 }
        }
        #expect(wrongV == 0)
        #expect(v.prefix(3) == [0, 2, 4])
    }
}
