import Dataset
@testable import Decom
import PacketDefinitions
import Testing

/// Every integer width 1-64 at every bit alignment 0-7, every scheme, both byte orders, floats:
/// decoded values against an independent bit-by-bit reference computed here.
@Suite struct EncodingTests {
    /// One field of a generated layout: its width and bit offset from the packet start.
    struct Field {
        var name: String
        var width: Int
        var offset: Int
    }

    /// Entries placing one field of each width at each alignment (padding with FixedValueEntry).
    static func layout(prefix: String, widths: [Int]) -> (entries: String, fields: [Field], bits: Int) {
        var entries = ""
        var fields: [Field] = []
        var position = 48
        var pad = 0
        for w in widths {
            for alignment in 0..<8 {
                let gap = (alignment - position % 8 + 8) % 8
                if gap > 0 {
                    entries += "<xtce:FixedValueEntry name=\"PAD\(pad)\" sizeInBits=\"\(gap)\" binaryValue=\"00\"/>\n"
                    pad += 1
                    position += gap
                }
                let name = "\(prefix)_\(w)_\(alignment)"
                entries += "<xtce:ParameterRefEntry parameterRef=\"\(name)\"/>\n"
                fields.append(Field(name: name, width: w, offset: position))
                position += w
            }
        }
        return (entries, fields, position)
    }

    struct Scheme: Sendable {
        var prefix: String
        var apid: Int
        var widths: [Int]
        var type: @Sendable (Int) -> String
        var expected: @Sendable (UInt64, Int) -> Int64
    }

    static let schemes: [Scheme] = [
        Scheme(prefix: "U", apid: 100, widths: Array(1...64),
               type: { "<xtce:IntegerParameterType name=\"TU\($0)\" signed=\"false\"><xtce:IntegerDataEncoding sizeInBits=\"\($0)\" encoding=\"unsigned\"/></xtce:IntegerParameterType>" },
               expected: { bits, _ in Int64(bitPattern: bits) }),
        Scheme(prefix: "S", apid: 101, widths: Array(1...64),
               type: { "<xtce:IntegerParameterType name=\"TS\($0)\"><xtce:IntegerDataEncoding sizeInBits=\"\($0)\" encoding=\"twosComplement\"/></xtce:IntegerParameterType>" },
               expected: { bits, w in
                   if w == 64 { return Int64(bitPattern: bits) }
                   let half = Int64(1) << (w - 1)
                   return bits >= UInt64(half) ? Int64(bits) - half - half : Int64(bits)
               }),
        Scheme(prefix: "O", apid: 102, widths: Array(1...64),
               type: { "<xtce:IntegerParameterType name=\"TO\($0)\"><xtce:IntegerDataEncoding sizeInBits=\"\($0)\" encoding=\"onesComplement\"/></xtce:IntegerParameterType>" },
               expected: { bits, w in
                   let negative = (bits >> (w - 1)) & 1 == 1
                   if !negative { return Int64(bits) }
                   if w == 64 { return -Int64(bitPattern: ~bits) }
                   let half = Int64(1) << (w - 1)
                   return Int64(bits) - half - (half - 1)
               }),
        Scheme(prefix: "M", apid: 103, widths: Array(1...64),
               type: { "<xtce:IntegerParameterType name=\"TM\($0)\"><xtce:IntegerDataEncoding sizeInBits=\"\($0)\" encoding=\"signMagnitude\"/></xtce:IntegerParameterType>" },
               expected: { bits, w in
                   let top = UInt64(1) << (w - 1)
                   let magnitude = Int64(bitPattern: bits & ~top)
                   return bits & top != 0 ? -magnitude : magnitude
               }),
        Scheme(prefix: "B", apid: 104, widths: Array(stride(from: 4, through: 64, by: 4)),
               type: { "<xtce:IntegerParameterType name=\"TB\($0)\" signed=\"false\"><xtce:IntegerDataEncoding sizeInBits=\"\($0)\" encoding=\"BCD\"/></xtce:IntegerParameterType>" },
               expected: { bits, w in
                   // Digits read from the hexadecimal spelling of the bits, most significant first.
                   var hex = String(bits, radix: 16)
                   hex = String(repeating: "0", count: w / 4 - hex.count) + hex
                   var v: UInt64 = 0
                   for c in hex { v = v &* 10 &+ UInt64(Int(String(c), radix: 16)!) }
                   return Int64(bitPattern: v)
               }),
        Scheme(prefix: "LU", apid: 105, widths: Array(stride(from: 8, through: 64, by: 8)),
               type: { "<xtce:IntegerParameterType name=\"TLU\($0)\" signed=\"false\"><xtce:IntegerDataEncoding sizeInBits=\"\($0)\" encoding=\"unsigned\" byteOrder=\"leastSignificantByteFirst\"/></xtce:IntegerParameterType>" },
               expected: { bits, w in
                   var v: UInt64 = 0
                   for k in 0..<(w / 8) { v |= ((bits >> UInt64(w - 8 - 8 * k)) & 0xFF) << UInt64(8 * k) }
                   return Int64(bitPattern: v)
               }),
        Scheme(prefix: "LS", apid: 106, widths: Array(stride(from: 8, through: 64, by: 8)),
               type: { "<xtce:IntegerParameterType name=\"TLS\($0)\"><xtce:IntegerDataEncoding sizeInBits=\"\($0)\" encoding=\"twosComplement\" byteOrder=\"leastSignificantByteFirst\"/></xtce:IntegerParameterType>" },
               expected: { bits, w in
                   var v: UInt64 = 0
                   for k in 0..<(w / 8) { v |= ((bits >> UInt64(w - 8 - 8 * k)) & 0xFF) << UInt64(8 * k) }
                   if w == 64 { return Int64(bitPattern: v) }
                   let half = Int64(1) << (w - 1)
                   return v >= UInt64(half) ? Int64(v) - half - half : Int64(v)
               }),
    ]

    /// 5 packets an APID take only the scalar loops; 37 (four vectors of eight and a tail of five,
    /// back to back) also take the word groups' vector loops.
    @Test("Integers of every width 1-64 at every alignment, every scheme and byte order, equal the bit-by-bit reference",
          arguments: [5, 37])
    func everyWidthEveryAlignment(packets perAPID: Int) async throws {
        var types = ""
        var parameters = ""
        var containers = ""
        var layouts: [(Scheme, [Field], Int)] = []
        for s in Self.schemes {
            let typePrefix = "T" + s.prefix
            for w in s.widths { types += s.type(w) + "\n" }
            let l = Self.layout(prefix: s.prefix, widths: s.widths)
            for f in l.fields { parameters += "<xtce:Parameter name=\"\(f.name)\" parameterTypeRef=\"\(typePrefix)\(f.width)\"/>\n" }
            containers += container("C\(s.prefix)", apid: s.apid, entries: l.entries)
            layouts.append((s, l.fields, l.bits))
        }
        let set = try load(xtce(types: types, parameters: parameters, containers: containers))
        var random = TestRandom(state: 42)
        var bytes: [UInt8] = []
        var packetsByAPID: [Int: [[UInt8]]] = [:]
        for (s, _, bits) in layouts {
            for k in 0..<perAPID {
                // Packets 0 and 1 are all ones and all zeros; the rest random.
                let size = (bits + 7) / 8 - 6 + 3
                let payload = k == 0 ? [UInt8](repeating: 0xFF, count: size) : k == 1 ? [UInt8](repeating: 0, count: size) : random.bytes(size)
                let p = packet(apid: UInt16(s.apid), sequence: UInt16(k), payload: payload)
                packetsByAPID[s.apid, default: []].append(p)
                bytes += p
            }
        }
        let result = try await decode(bytes, definitions: set)
        #expect(result.undecodedPackets == 0)
        #expect(result.findings.isEmpty)
        #expect(result.decodedPackets == perAPID * layouts.count)
        var checked = 0
        for (s, fields, _) in layouts {
            let c = try #require(result.container(named: "C\(s.prefix)"))
            #expect(c.records == perAPID)
            for f in fields {
                let values = integers(c, f.name)
                #expect(values.count == perAPID)
                for (k, p) in packetsByAPID[s.apid]!.enumerated() where k < values.count {
                    let expected = s.expected(referenceBits(p, bitOffset: f.offset, width: f.width), f.width)
                    #expect(values[k] == expected, "\(f.name) packet \(k)")
                    checked += 1
                }
            }
        }
        #expect(checked == perAPID * (64 * 8 * 4 + 16 * 8 + 8 * 8 * 2))
    }

    @Test("Fields sharing 8-byte windows (arrays of narrow signed and unsigned elements, overlapping status words, floats) over blocks of packets equal the reference")
    func wordGroupsOverBlocks() async throws {
        // Element widths chosen so that windows hold several elements and some elements straddle
        // a window's end; the overlay word (STATUS) re-reads the bits of its sub-fields.
        let types = """
            <xtce:IntegerParameterType name="U5" signed="false"><xtce:IntegerDataEncoding sizeInBits="5"/></xtce:IntegerParameterType>
            <xtce:IntegerParameterType name="S7"><xtce:IntegerDataEncoding sizeInBits="7" encoding="twosComplement"/></xtce:IntegerParameterType>
            <xtce:IntegerParameterType name="S13"><xtce:IntegerDataEncoding sizeInBits="13" encoding="twosComplement"/></xtce:IntegerParameterType>
            <xtce:IntegerParameterType name="S40"><xtce:IntegerDataEncoding sizeInBits="40" encoding="twosComplement"/></xtce:IntegerParameterType>
            <xtce:IntegerParameterType name="U32" signed="false"><xtce:IntegerDataEncoding sizeInBits="32"/></xtce:IntegerParameterType>
            <xtce:FloatParameterType name="F32"><xtce:FloatDataEncoding sizeInBits="32"/></xtce:FloatParameterType>
            <xtce:ArrayParameterType name="U5x11" arrayTypeRef="U5"><xtce:DimensionList><xtce:Dimension>
              <xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex><xtce:EndingIndex><xtce:FixedValue>10</xtce:FixedValue></xtce:EndingIndex>
            </xtce:Dimension></xtce:DimensionList></xtce:ArrayParameterType>
            <xtce:ArrayParameterType name="S7x9" arrayTypeRef="S7"><xtce:DimensionList><xtce:Dimension>
              <xtce:StartingIndex><xtce:FixedValue>0</xtce:FixedValue></xtce:StartingIndex><xtce:EndingIndex><xtce:FixedValue>8</xtce:FixedValue></xtce:EndingIndex>
            </xtce:Dimension></xtce:DimensionList></xtce:ArrayParameterType>
            """
        let parameters = """
            <xtce:Parameter name="A" parameterTypeRef="U5x11"/><xtce:Parameter name="B" parameterTypeRef="S7x9"/>
            <xtce:Parameter name="C" parameterTypeRef="S13"/><xtce:Parameter name="D" parameterTypeRef="S13"/>
            <xtce:Parameter name="STATUS" parameterTypeRef="U32"/><xtce:Parameter name="F1" parameterTypeRef="S7"/>
            <xtce:Parameter name="F2" parameterTypeRef="U5"/><xtce:Parameter name="E" parameterTypeRef="S40"/>
            <xtce:Parameter name="G" parameterTypeRef="F32"/>
            """
        // A: 55 bits from bit 48; B: 63 bits; C, D: 13 each; 4 bits of padding; STATUS (off a byte
        // boundary) with F1, F2
        // overlaid on its first 12 bits; E: 40 bits; G: a float.
        let entries = """
            <xtce:ParameterRefEntry parameterRef="A"/><xtce:ParameterRefEntry parameterRef="B"/>
            <xtce:ParameterRefEntry parameterRef="C"/><xtce:ParameterRefEntry parameterRef="D"/>
            <xtce:FixedValueEntry name="PAD" sizeInBits="4" binaryValue="00"/>
            <xtce:ParameterRefEntry parameterRef="STATUS"/>
            <xtce:ParameterRefEntry parameterRef="F1"><xtce:LocationInContainerInBits referenceLocation="previousEntry"><xtce:FixedValue>-32</xtce:FixedValue></xtce:LocationInContainerInBits></xtce:ParameterRefEntry>
            <xtce:ParameterRefEntry parameterRef="F2"/>
            <xtce:ParameterRefEntry parameterRef="E"><xtce:LocationInContainerInBits referenceLocation="previousEntry"><xtce:FixedValue>20</xtce:FixedValue></xtce:LocationInContainerInBits></xtce:ParameterRefEntry>
            <xtce:ParameterRefEntry parameterRef="G"/>
            """
        let set = try load(xtce(types: types, parameters: parameters, containers: container("GROUPS", apid: 12, entries: entries)))
        // Bit positions from the packet start.
        let a = 48, b = a + 55, c = b + 63, d = c + 13, status = d + 13 + 4, f1 = status, f2 = f1 + 7, e = status + 32, g = e + 40
        let payloadBytes = (g + 32 + 7) / 8 - 6
        var random = TestRandom(state: 7)
        // 2 x 1024 packets fill whole blocks; 1029 leaves a tail past the last vector of eight.
        for count in [2048, 1029] {
            var bytes: [UInt8] = []
            var packets: [[UInt8]] = []
            for k in 0..<count {
                let payload = k == 0 ? [UInt8](repeating: 0xFF, count: payloadBytes) : random.bytes(payloadBytes)
                packets.append(packet(apid: 12, sequence: UInt16(k & 0x3FFF), payload: payload))
                bytes += packets[k]
            }
            let result = try await decode(bytes, definitions: set)
            #expect(result.decodedPackets == count)
            let box = try #require(result.container(named: "GROUPS"))
            func signed(_ bits: UInt64, _ w: Int) -> Int64 { Int64(bitPattern: bits << UInt64(64 - w)) >> Int64(64 - w) }
            let av = integers(box, "A"), bv = integers(box, "B")
            let cv = integers(box, "C"), dv = integers(box, "D"), sv = integers(box, "STATUS")
            let f1v = integers(box, "F1"), f2v = integers(box, "F2"), ev = integers(box, "E")
            let gv = try #require(box.dataset["G"]).column.values(as: Float.self)
            #expect(av.count == count * 11 && bv.count == count * 9 && gv.count == count)
            var mismatches = 0
            for (k, p) in packets.enumerated() where av.count == count * 11 && bv.count == count * 9 && gv.count == count {
                for j in 0..<11 where av[k * 11 + j] != Int64(referenceBits(p, bitOffset: a + 5 * j, width: 5)) { mismatches += 1 }
                for j in 0..<9 where bv[k * 9 + j] != signed(referenceBits(p, bitOffset: b + 7 * j, width: 7), 7) { mismatches += 1 }
                if cv[k] != signed(referenceBits(p, bitOffset: c, width: 13), 13) { mismatches += 1 }
                if dv[k] != signed(referenceBits(p, bitOffset: d, width: 13), 13) { mismatches += 1 }
                if sv[k] != Int64(referenceBits(p, bitOffset: status, width: 32)) { mismatches += 1 }
                if f1v[k] != signed(referenceBits(p, bitOffset: f1, width: 7), 7) { mismatches += 1 }
                if f2v[k] != Int64(referenceBits(p, bitOffset: f2, width: 5)) { mismatches += 1 }
                if ev[k] != signed(referenceBits(p, bitOffset: e, width: 40), 40) { mismatches += 1 }
                if gv[k].bitPattern != UInt32(referenceBits(p, bitOffset: g, width: 32)) { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(count) packets")
            #expect(av.first == 31 && bv.first == -1 && ev.first == -1)
        }
    }

    @Test("IEEE floats of 32 and 64 bits, both byte orders, at every alignment, keep their exact bit patterns")
    func floatsEveryAlignment() async throws {
        let types = """
        <xtce:FloatParameterType name="F32"><xtce:FloatDataEncoding sizeInBits="32" encoding="IEEE754_1985"/></xtce:FloatParameterType>
        <xtce:FloatParameterType name="F64"><xtce:FloatDataEncoding sizeInBits="64" encoding="IEEE754_1985"/></xtce:FloatParameterType>
        <xtce:FloatParameterType name="L32"><xtce:FloatDataEncoding sizeInBits="32" byteOrder="leastSignificantByteFirst"/></xtce:FloatParameterType>
        <xtce:FloatParameterType name="L64"><xtce:FloatDataEncoding sizeInBits="64" byteOrder="leastSignificantByteFirst"/></xtce:FloatParameterType>
        """
        var parameters = ""
        var entries = ""
        var fields: [(String, Int, Int, Bool)] = []
        var position = 48
        for (typeName, width, little) in [("F32", 32, false), ("F64", 64, false), ("L32", 32, true), ("L64", 64, true)] {
            for alignment in 0..<8 {
                let gap = (alignment - position % 8 + 8) % 8
                if gap > 0 {
                    entries += "<xtce:FixedValueEntry name=\"P\(fields.count)\" sizeInBits=\"\(gap)\" binaryValue=\"00\"/>\n"
                    position += gap
                }
                let name = "\(typeName)_\(alignment)"
                parameters += "<xtce:Parameter name=\"\(name)\" parameterTypeRef=\"\(typeName)\"/>\n"
                entries += "<xtce:ParameterRefEntry parameterRef=\"\(name)\"/>\n"
                fields.append((name, width, position, little))
                position += width
            }
        }
        let set = try load(xtce(types: types, parameters: parameters, containers: container("FLOATS", apid: 7, entries: entries)))
        var random = TestRandom(state: 7)
        var packets: [[UInt8]] = []
        for k in 0..<6 { packets.append(packet(apid: 7, sequence: UInt16(k), payload: random.bytes((position + 7) / 8 - 6))) }
        let result = try await decode(packets.flatMap { $0 }, definitions: set)
        let c = try #require(result.container(named: "FLOATS"))
        for (name, width, offset, little) in fields {
            let column = try #require(c.dataset[name]?.column)
            #expect(column.elementType == (width == 32 ? .float32 : .float64))
            for (k, p) in packets.enumerated() {
                var bits = referenceBits(p, bitOffset: offset, width: width)
                if little {
                    var swapped: UInt64 = 0
                    for b in 0..<(width / 8) { swapped |= ((bits >> UInt64(width - 8 - 8 * b)) & 0xFF) << UInt64(8 * b) }
                    bits = swapped
                }
                if width == 32 {
                    let got = try column.values(as: Float.self)[k].bitPattern
                    #expect(UInt64(got) == bits, "\(name) packet \(k)")
                } else {
                    let got = try column.values(as: Double.self)[k].bitPattern
                    #expect(got == bits, "\(name) packet \(k)")
                }
            }
        }
    }

    @Test("BitReader.unchecked and .checked equal the reference for every width and alignment; checked refuses reads past the end")
    func bitReaderAgainstReference() {
        var random = TestRandom(state: 99)
        let bytes = random.bytes(64)
        bytes.withUnsafeBytes { raw in
            for width in 1...64 {
                for offset in 0..<(8 * 16) {
                    let expected = referenceBits(bytes, bitOffset: offset, width: width)
                    #expect(BitReader.unchecked(raw.baseAddress!, bitOffset: offset, width: width) == expected)
                    #expect(BitReader.checked(raw, bitOffset: offset, width: width) == expected)
                }
            }
            #expect(BitReader.checked(raw, bitOffset: 64 * 8 - 8, width: 9) == nil)
            #expect(BitReader.checked(raw, bitOffset: 64 * 8 - 9, width: 9) == referenceBits(bytes, bitOffset: 64 * 8 - 9, width: 9))
            #expect(BitReader.checked(raw, bitOffset: -1, width: 4) == nil)
        }
    }

    @Test("A 64-bit field starting at bit 3 spans 9 bytes and is read whole")
    func nineByteSpan() {
        let bytes: [UInt8] = [0b0001_0000, 0, 0, 0, 0, 0, 0, 0, 0b1110_0000, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA]
        bytes.withUnsafeBytes { raw in
            // Bit 3 is the leading 1; the last three bits (from byte 8) are 111.
            #expect(BitReader.unchecked(raw.baseAddress!, bitOffset: 3, width: 64) == 0x8000_0000_0000_0007)
            #expect(BitReader.loadSpan(bitOffset: 3, width: 64) == 9)
        }
    }
}
