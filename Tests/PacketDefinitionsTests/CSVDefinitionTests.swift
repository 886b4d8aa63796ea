// CCSDSPy-style CSV definitions: hand-written cases and CCSDSPy's own test definitions.

import Testing
@testable import PacketDefinitions

private func csv(_ text: String, apid: Int? = nil, origin: CSVBitOffsetOrigin = .packetStart) throws(DefinitionError) -> DefinitionSet {
    try CSVDefinitionLoader.load(text: text, file: "defs.csv", apid: apid, containerName: "PKT", bitOffsetOrigin: origin)
}

private func csvError(_ text: String) -> DefinitionError? {
    do {
        _ = try csv(text)
        return nil
    } catch {
        return error
    }
}

/// (name, bit offset, bit size) of each entry after the 7 primary header entries.
private func layout(_ set: DefinitionSet) -> [String] {
    let rc = set.resolvedContainers[0]
    return rc.entries.dropFirst(7).map {
        "\(set[$0.entry.parameter!].name)@\($0.fixedBitOffset.map(String.init) ?? "?")+\($0.fixedSizeInBits.map(String.init) ?? "?")"
    }
}

struct CSVDefinitionTests {
    @Test func basicThreeColumnLayoutFollowsThePrimaryHeader() throws {
        let set = try csv("""
            name, data_type, bit_length
            SHCOARSE, uint, 32
            SHFINE, uint, 20
            OPMODE, uint, 3
            SPACER, fill, 1
            VOLTAGE, int, 8
            TEMP, float, 64
            LABEL, str, 16
            """, apid: 895)
        #expect(layout(set) == ["SHCOARSE@48+32", "SHFINE@80+20", "OPMODE@100+3", "SPACER@103+1", "VOLTAGE@104+8",
                                "TEMP@112+64", "LABEL@176+16"])
        let rc = set.resolvedContainers[0]
        #expect(rc.apid == 895 && rc.fixedSizeInBits == 192 && rc.name == "PKT")
        #expect(set.resolvedContainers.count == 1) // CCSDSPacket is abstract
        #expect(set.resolvedContainer(named: "PKT")?.levels.map(\.entryRange) == [0..<7, 7..<14])
        #expect(set.entriesNamed(rc, "CCSDS_APID").first?.fixedBitOffset == 5)
        #expect(set.type(of: set.parameter(named: "VOLTAGE")!.id).encoding
                == .integer(IntegerEncoding(sizeInBits: 8, scheme: .twosComplement)))
        #expect(set.type(of: set.parameter(named: "SPACER")!.id).kind == .binary)
        #expect(set.type(of: set.parameter(named: "TEMP")!.id).encoding == .float(FloatEncoding(sizeInBits: 64)))
        #expect(set.type(of: set.parameter(named: "LABEL")!.id).encoding
                == .string(StringEncoding(buffer: .fixed(16), content: .wholeBuffer)))
    }

    @Test func fourColumnOffsetsCountFromThePacketStartAsInCCSDSPy() throws {
        let text = """
            name,data_type,bit_length,bit_offset
            SHCOARSE,uint(4),32,48
            SHFINE,uint,20,176
            FLAGS,uint,8,176
            """
        let set = try csv(text)
        #expect(layout(set) == ["SHCOARSE@48+128", "SHFINE@176+20", "FLAGS@176+8"])
        #expect(set.resolvedContainers[0].fixedSizeInBits == 196)
        let shifted = try csv(text, origin: .afterPrimaryHeader)
        #expect(layout(shifted) == ["SHCOARSE@96+128", "SHFINE@224+20", "FLAGS@224+8"])
    }

    @Test func arrayShapesExpandAndReferences() throws {
        let set = try csv("""
            name, data_type, bit_length
            COUNT, uint, 8
            GRID, "int(2, 3)", 12
            SAMPLES, "uint(COUNT)", 16
            REST, "uint(expand)", 8
            CRC, uint, 16
            """)
        guard case .array(let grid) = set.type(of: set.parameter(named: "GRID")!.id).kind else {
            Issue.record("GRID is not an array")
            return
        }
        #expect(grid.dimensions.map(\.fixedCount) == [2, 3])
        #expect(set.fixedSizeInBits(of: set.parameter(named: "GRID")!.type) == 72)
        guard case .array(let samples) = set.type(of: set.parameter(named: "SAMPLES")!.id).kind,
              case .dynamic(let dv) = samples.dimensions[0].endingIndex else {
            Issue.record("SAMPLES is not a dynamic array")
            return
        }
        #expect(set[dv.reference.parameter].name == "COUNT" && dv.slope == 1 && dv.intercept == -1)
        guard case .array(let rest) = set.type(of: set.parameter(named: "REST")!.id).kind else {
            Issue.record("REST is not an array")
            return
        }
        #expect(rest.expandsToFillPacket && rest.dimensions.isEmpty)
        #expect(layout(set) == ["COUNT@48+8", "GRID@56+72", "SAMPLES@128+?", "REST@?+?", "CRC@?+16"])
        #expect(set.resolvedContainers[0].fixedSizeInBits == nil)
    }

    @Test func littleEndianByteOrderColumn() throws {
        let set = try csv("""
            name,data_type,bit_length,byte_order
            A,uint,32,little
            B,float,32,big
            """)
        #expect(set.type(of: set.parameter(named: "A")!.id).encoding
                == .integer(IntegerEncoding(sizeInBits: 32, scheme: .unsigned, byteOrder: .leastSignificantByteFirst)))
        #expect(set.type(of: set.parameter(named: "B")!.id).encoding == .float(FloatEncoding(sizeInBits: 32)))
    }

    @Test(arguments: [
        ("name,data_type,bit_length\nA,uint,65\n", "defs.csv:2: invalid size: field 'A' has bit_length 65 (uint must be 1 to 64 bits)"),
        ("name,data_type,bit_length\nA,uint,0\n", "defs.csv:2: invalid size: field 'A' has bit_length 0 (uint must be 1 to 64 bits)"),
        ("name,data_type,bit_length\nA,float,16\n", "defs.csv:2: invalid size: field 'A' has bit_length 16 (float must be 32 or 64 bits)"),
        ("name,data_type,bit_length\nA,double,64\n",
         "defs.csv:2: field 'A' has unknown data_type 'double' (expected uint, int, float, str or fill)"),
        ("name,data_type,bit_length\nA,uint,8\n\nA,uint,8\n", "defs.csv:4: duplicate field name 'A' (first declared on line 2)"),
        ("name,data_type,bit_length\nA,\"uint(B)\",8\nB,uint,8\n",
         "defs.csv:2: unknown parameter 'B' referenced by the array shape of field 'A' (it must be an earlier field)"),
        ("name,data_type,bit_length\nA,\"uint(expand)\",8\nB,\"uint(expand)\",8\n",
         "defs.csv:3: field 'B' is a second expand array (the first is on line 2); the layout would be ambiguous"),
        ("name,type,bit_length\nA,uint,8\n",
         "defs.csv:1: missing required columns: need name, data_type and bit_length, found name, type, bit_length"),
        ("name,data_type,bit_length\nA,uint,eight\n", "defs.csv:2: field 'A' has bit_length 'eight', not an integer"),
        ("name,data_type,bit_length,byte_order\nA,uint,32,4321\n",
         "defs.csv:2: unsupported: byte_order '4321' of field 'A' (only big and little are supported)"),
        ("name,data_type,bit_length,bit_offset\nA,\"uint(expand)\",8,48\n",
         "defs.csv:2: field 'A' has a variable array shape and a bit_offset; CCSDSPy computes the offsets of variable-length packets itself, so bit_offset must be left out"),
        ("name,data_type,bit_length\nA,\"uint,8\n", "defs.csv:2: unterminated quoted field"),
        ("", "defs.csv:1: empty CSV definition"),
    ])
    func badDefinitionsGiveLocatedErrors(_ text: String, _ expected: String) {
        #expect(csvError(text)?.description == expected)
    }
}

/// CCSDSPy 2.0.1's own test definitions, when tools/fetch-reference-data has extracted them.
struct CCSDSPyReferenceCSVTests {
    @Test func packetDefinitionExamplesLoad() throws {
        guard let root = TestPaths.ccsdspyReference else {
            #expect(!TestPaths.isCI, "CCSDSPy reference data could not be fetched on CI")
            print("reference-data/ccsdspy not present; skipping")
            return
        }
        let basic = try CSVDefinitionLoader.load(contentsOf: "\(root)/packet_def/basic_csv_3col.csv")
        #expect(layout(basic) == ["SHCOARSE@48+32", "SHFINE@80+20", "OPMODE@100+3", "SPACER@103+1", "VOLTAGE@104+8"])
        #expect(basic.resolvedContainers[0].name == "basic_csv_3col")

        let all = try CSVDefinitionLoader.load(contentsOf: "\(root)/packet_def/basic_csv_3col_with_all.csv")
        #expect(layout(all) == ["SHCOARSE@48+32", "SHFINE@80+?", "OPMODE@?+?", "SPACER@?+1", "VOLTAGE@?+2304"])

        let extended = try CSVDefinitionLoader.load(contentsOf: "\(root)/packet_def/extended_csv_4col_with_array.csv")
        #expect(layout(extended) == ["SHCOARSE@0+128", "SHFINE@128+20", "OPMODE@148+3", "SPACER@151+1", "VOLTAGE@152+8"])

        for name in ["basic_csv_3col_with_array", "basic_csv_3col_with_expand", "basic_csv_3col_with_reference",
                     "extended_csv_4col"] {
            let set = try CSVDefinitionLoader.load(contentsOf: "\(root)/packet_def/\(name).csv")
            #expect(set.parameters.count == 7 + 5, "\(name)")
        }
    }

    /// The hs definitions count bit offsets after the primary header; with that origin the layout
    /// of APID 895 is exactly as long as its real packets.
    @Test func hsDefinitionsMatchTheirPackets() throws {
        guard let root = TestPaths.ccsdspyReference else {
            #expect(!TestPaths.isCI, "CCSDSPy reference data could not be fetched on CI")
            print("reference-data/ccsdspy not present; skipping")
            return
        }
        let set = try CSVDefinitionLoader.load(contentsOf: "\(root)/hs/apid895/defs.csv", apid: 895,
                                               bitOffsetOrigin: .afterPrimaryHeader)
        let rc = try #require(set.resolvedContainers.first)
        #expect(rc.apid == 895)
        let packet = try readDefinitionFile("\(root)/hs/apid895/SSAT1_2015-180-00-00-00_2015-180-01-59-56_895_1_sim.tlm")
        let length = (Int(packet[4]) << 8 | Int(packet[5])) + 7
        #expect(rc.fixedSizeInBits == 8 * length)
        #expect(set.parameter(named: "pkt895_flt_sin_12h").map { set.type(of: $0.id).kind } == .float(sizeInBits: 32))
        #expect(set.entriesNamed(rc, "pkt895_fld2").first?.fixedBitOffset == 48 + 102)
        for apid in ["001", "010", "035", "130", "251"] {
            let other = try CSVDefinitionLoader.load(contentsOf: "\(root)/hs/apid\(apid)/defs.csv")
            #expect(other.resolvedContainers[0].fixedSizeInBits != nil)
        }
    }
}

extension DefinitionSet {
    /// Resolved entries of `rc` that decode the parameter named `name`.
    func entriesNamed(_ rc: ResolvedContainer, _ name: String) -> [ResolvedEntry] {
        rc.entries.filter { $0.entry.parameter.map { self[$0].name } == name }
    }
}
