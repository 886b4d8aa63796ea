// Every real IMAP XTCE file loads, and facts read from the files by hand come out of the model.
// When the reference folder is absent the tests print that and return (CI always has it).

import Testing
@testable import PacketDefinitions

/// Loads `relative` under the IMAP reference folder, or returns nil (and says so) when it is absent.
private func imap(_ relative: String) throws -> DefinitionSet? {
    guard let root = TestPaths.imapReference else {
        #expect(!TestPaths.isCI, "../shared/reference/imap is missing on CI")
        print("IMAP reference folder not found; skipping \(relative)")
        return nil
    }
    return try XTCELoader.load(contentsOf: "\(root)/\(relative)")
}

private let pypi = "xtce_pypi_imap-processing-1.0.40"

/// Length in bytes of the first packet of `apid` in a real L0 file (walks primary headers).
private func firstPacketLength(_ relative: String, apid: Int) throws -> Int? {
    guard let root = TestPaths.imapReference else { return nil }
    let bytes = try readDefinitionFile("\(root)/\(relative)")
    var i = 0
    while i + 6 <= bytes.count {
        let a = (Int(bytes[i]) << 8 | Int(bytes[i + 1])) & 0x7FF
        let n = (Int(bytes[i + 4]) << 8 | Int(bytes[i + 5])) + 7
        if a == apid { return n }
        i += n
    }
    return nil
}

private func integerEncoding(_ set: DefinitionSet, _ parameter: String) -> IntegerEncoding? {
    guard let p = set.parameter(named: parameter), case .integer(let e)? = set.type(of: p.id).encoding else { return nil }
    return e
}

private func polynomial(_ c: Calibrator?) -> [Double]? {
    if case .polynomial(let p)? = c { return p.coefficients }
    return nil
}

private func names(_ set: DefinitionSet, _ ids: [ContainerID]) -> [String] { ids.map { set[$0].name } }

struct IMAPLoadAllTests {
    static let files = [
        "swapi/swapi_packet_definition.xml", "hit/hit_packet_definitions.xml", "mag/MAG_SCI_COMBINED.xml",
        "lo/lo_xtce.xml", "idex/idex_packet_definition.xml", "hi/hi_packet_definition.xml", "ialirt/ialirt_hit.xml",
        "\(pypi)/hi/packet_definitions/TLM_HI_COMBINED_SCI.xml", "\(pypi)/hit/packet_definitions/hit_packet_definitions.xml",
        "\(pypi)/lo/packet_definitions/lo_xtce.xml", "\(pypi)/mag/packet_definitions/MAG_SCI_COMBINED.xml",
        "\(pypi)/swapi/packet_definitions/swapi_packet_definition.xml",
        "\(pypi)/swe/packet_definitions/swe_packet_definition.xml",
        "\(pypi)/ultra/packet_definitions/ULTRA_SCI_COMBINED.xml",
    ]

    @Test(arguments: files)
    func loadsWithoutError(_ file: String) throws {
        guard let set = try imap(file) else { return }
        #expect(set.spaceSystems.count == 1)
        #expect(!set.resolvedContainers.isEmpty)
        // Every concrete IMAP packet container is selected by an APID, except a bare CCSDSPacket root.
        for rc in set.resolvedContainers where rc.name != "CCSDSPacket" {
            #expect(rc.apid != nil, "\(file): \(rc.name) has no APID")
            #expect(rc.levels.first.map { set[$0.container].name } == "CCSDSPacket")
        }
        // The CCSDS primary header is the first 48 bits of every resolved container.
        for rc in set.resolvedContainers {
            #expect(rc.entries.count >= 7)
            #expect(rc.entries[6].fixedBitOffset == 32 && rc.entries[6].fixedSizeInBits == 16)
        }
    }

    /// Fixed-size containers are exactly as long as the real packets of their APID.
    @Test(arguments: [
        ("swapi/swapi_packet_definition.xml", "swapi/imap_swapi_l0_raw_20240924_v001.pkts", ["P_SWP_SCI", "P_SWP_AUT"]),
        ("\(pypi)/swapi/packet_definitions/swapi_packet_definition.xml", "swapi/imap_swapi_l0_raw_20240924_v001.pkts",
         ["SWP_HK", "SWP_SCI"]),
        ("hit/hit_packet_definitions.xml", "hit/imap_hit_l0_hk_20100105_v001.pkts", ["HIT_HSKP"]),
        ("hi/hi_packet_definition.xml", "hi/20231030_H45_APP_NHK.bin", ["H45_APP_NHK"]),
        ("hi/hi_packet_definition.xml", "hi/20231030_H45_SCI_CNT.bin", ["H45_SCI_CNT"]),
        ("lo/lo_xtce.xml", "lo/imap_lo_l0_raw_20240627_v001.pkts", ["ILO_APP_NHK"]),
        ("\(pypi)/lo/packet_definitions/lo_xtce.xml", "lo/imap_lo_l0_raw_20240627_v001.pkts",
         ["ILO_APP_NHK", "ILO_SPIN", "ILO_DIAG_PCC"]),
    ])
    func fixedSizeMatchesRealPackets(_ definition: String, _ l0: String, _ containers: [String]) throws {
        guard let set = try imap(definition) else { return }
        for name in containers {
            let rc = try #require(set.resolvedContainer(named: name))
            let apid = try #require(rc.apid)
            let length = try #require(try firstPacketLength(l0, apid: apid))
            #expect(rc.fixedSizeInBits == 8 * length, "\(name) (APID \(apid))")
        }
    }
}

struct IMAPFactTests {
    @Test func swapiScienceContainer() throws {
        guard let set = try imap("swapi/swapi_packet_definition.xml") else { return }
        let sci = try #require(set.resolvedContainer(named: "P_SWP_SCI"))
        #expect(sci.apid == 1188)
        #expect(sci.entries.count == 52) // 7 header + 45 own entries
        #expect(names(set, sci.chain) == ["CCSDSPacket", "P_SWP_SCI"])
        #expect(sci.fixedSizeInBits == 432)
        #expect(set.apids == [1184, 1188, 1192])
        let int12 = try #require(set.parameterType(named: "INT12"))
        // No engineering sizeInBits attribute: XTCE's default of 32 applies; the raw width is the encoding's.
        #expect(int12.kind == .integer(signed: true, sizeInBits: 32))
        #expect(int12.encoding == .integer(IntegerEncoding(sizeInBits: 12, scheme: .twosComplement))) // encoding="signed"
    }

    @Test func swapiContextCalibrators() throws {
        guard let set = try imap("\(pypi)/swapi/packet_definitions/swapi_packet_definition.xml") else { return }
        let esa = try #require(integerEncoding(set, "SWP_HK.ESA_V"))
        #expect(esa.sizeInBits == 12 && esa.scheme == .unsigned)
        #expect(esa.defaultCalibrator == nil)
        #expect(esa.contextCalibrators.count == 2)
        let first = try #require(esa.contextCalibrators.first)
        #expect(polynomial(first.calibrator) == [0.7328995176342232, -0.6002110155596884])
        let comparisons = first.match.conjunctiveComparisons
        #expect(comparisons.map(\.comparisonOperator) == [.greaterOrEqual, .lessOrEqual])
        #expect(comparisons.map(\.operand) == [.value("0"), .value("2047")])
        #expect(comparisons.allSatisfy { $0.parameter.name == "SWP_HK.ESA_V" && !$0.parameter.useCalibratedValue })
        #expect(polynomial(esa.contextCalibrators[1].calibrator) == [12292.97550071964, -6.003582784775521])

        let p25 = try #require(integerEncoding(set, "SWP_HK.P2_5_V"))
        #expect(p25.scheme == .twosComplement && p25.sizeInBits == 12)
        #expect(polynomial(p25.defaultCalibrator) == [0, 0.00146484375])
        #expect(set.resolvedContainer(named: "SWP_HK")?.apid == 1184)
    }

    @Test func hitHousekeepingAndScience() throws {
        guard let set = try imap("hit/hit_packet_definitions.xml") else { return }
        let leak = try #require(integerEncoding(set, "HIT_HSKP.LEAK_I_63"))
        #expect(leak.sizeInBits == 10 && leak.scheme == .unsigned)
        #expect(polynomial(leak.defaultCalibrator) == [0, 0.00488758553274682])
        #expect(set.parameter(named: "HIT_HSKP.LEAK_I_63")?.shortDescription == "Leakage current [V]")

        let data = try #require(set.parameter(named: "HIT_SCIENCE.SCIENCE_DATA"))
        guard case .binary(let b)? = set.type(of: data.id).encoding, case .dynamic(let dv) = b.sizeInBits else {
            Issue.record("SCIENCE_DATA is not a dynamic binary")
            return
        }
        #expect(dv.reference.name == "PKT_LEN" && set[dv.reference.parameter].name == "PKT_LEN")
        #expect(dv.slope == 8 && dv.intercept == -24)
        #expect(dv.integerLinearAdjustment! == (8, -24))

        let sci = try #require(set.resolvedContainer(named: "HIT_SCIENCE"))
        #expect(sci.apid == 1252 && sci.fixedSizeInBits == nil)
        #expect(set.resolvedContainer(named: "HIT_HSKP")?.apid == 1251)
    }

    @Test func magVectorsAndDescriptions() throws {
        guard let set = try imap("mag/MAG_SCI_COMBINED.xml") else { return }
        let vectors = try #require(set.parameter(named: "VECTORS"))
        #expect(set[vectors.type].name == "VAR_BYTE")
        guard case .binary(let b)? = set.type(of: vectors.id).encoding, case .dynamic(let dv) = b.sizeInBits else {
            Issue.record("VECTORS is not a dynamic binary")
            return
        }
        #expect(dv.intercept == -160 && dv.slope == 8)
        // ShortDescription given as an element, not an attribute.
        #expect(set.parameter(named: "SHCOARSE")?.shortDescription == "Mission elapsed time")
        #expect(integerEncoding(set, "SHCOARSE")?.sizeInBits == 32)
        #expect(set.resolvedContainer(named: "P_MAG_SCI_NORM")?.apid == 1052)
        #expect(set.resolvedContainer(named: "P_MAG_SCI_BURST")?.apid == 1068)
        // MAG's CCSDSPacket is not abstract: it resolves, with no APID and the 48-bit header only.
        let root = try #require(set.resolvedContainer(named: "CCSDSPacket"))
        #expect(root.apid == nil && root.fixedSizeInBits == 48)
    }

    @Test func loStringsAndEnumerations() throws {
        guard let set = try imap("\(pypi)/lo/packet_definitions/lo_xtce.xml") else { return }
        let version = try #require(set.parameter(named: "ILO_APP_SHK.FSW_VERSION_STR"))
        #expect(set.type(of: version.id).kind == .string)
        #expect(set.type(of: version.id).encoding == .string(StringEncoding(buffer: .fixed(352), content: .wholeBuffer)))
        let board = try #require(set.parameterType(named: "ILO_APP_SHK.BOARD_TYPE"))
        guard case .enumerated(let entries) = board.kind else {
            Issue.record("BOARD_TYPE is not enumerated")
            return
        }
        #expect(entries.label(for: 0) == "EM" && entries.label(for: 1) == "FM" && entries.label(for: 2) == nil)
        #expect(set.resolvedContainer(named: "ILO_SPIN")?.apid == 708)
    }

    @Test func ultraPolynomialOfDegreeSeven() throws {
        guard let set = try imap("\(pypi)/ultra/packet_definitions/ULTRA_SCI_COMBINED.xml") else { return }
        let t = try #require(integerEncoding(set, "U45_STATUS.FRONTMCP_T"))
        #expect(t.sizeInBits == 10)
        guard case .polynomial(let p)? = t.defaultCalibrator else {
            Issue.record("no polynomial")
            return
        }
        #expect(p.degree == 7)
        #expect(p.coefficients.first == -60.80897479142732 && p.coefficients.last == 1.7552668982021822e-17)
        #expect(set.parameter(named: "U45_STATUS.FRONTMCP_T")?.shortDescription == "Front MCP Temperature measurement")
        #expect(integerEncoding(set, "U45_IMGPARAMS.XFTSC")?.scheme == .twosComplement)
        if case .enumerated(let e)? = set.parameterType(named: "U45_CMDECHO.MACRO")?.kind {
            #expect(e.label(for: 1) == "Macro" && e.label(for: 0) == "Real_time")
        } else {
            Issue.record("U45_CMDECHO.MACRO is not enumerated")
        }
        #expect(set.resolvedContainer(named: "U45_STATUS")?.apid == 869)
        #expect(set.resolvedContainers.count == 60)
    }

    @Test func idexInheritanceChainAndContainerRef() throws {
        guard let set = try imap("idex/idex_packet_definition.xml") else { return }
        let zero = try #require(set.resolvedContainer(named: "Sci0TypeZero"))
        #expect(names(set, zero.chain) == ["CCSDSPacket", "CCSDSTelemetryPacket", "IDX_SCI0", "Sci0TypeZero"])
        #expect(zero.apid == 1424)
        let restrictions = zero.restrictions.flatMap(\.conjunctiveComparisons)
        #expect(restrictions.map(\.parameter.name) == ["VERSION", "TYPE", "PKT_APID", "IDX__SCI0TYPE"])
        #expect(restrictions.map(\.operand) == [.value("0"), .value("0"), .value("1424"), .value("1")])
        // ContainerRefEntry SecondaryHeaderContainer is expanded in place: SHCOARSE right after the header.
        let level2 = zero.levels[2]
        #expect(set[zero.entries[level2.entryRange.lowerBound].entry.parameter!].name == "SHCOARSE")
        #expect(zero.entries[level2.entryRange.lowerBound].fixedBitOffset == 48)
        #expect(zero.entries[level2.entryRange.lowerBound].declaredIn == set.container(named: "SecondaryHeaderContainer")?.id)
        // The IDX__SCI0TYPE restriction is evaluated after IDX_SCI0's entries.
        #expect(zero.levels[3].entryRange.lowerBound == level2.entryRange.upperBound)

        let nonZero = try #require(set.resolvedContainer(named: "Sci0TypeNonZero"))
        #expect(nonZero.restrictions.last?.conjunctiveComparisons.first?.comparisonOperator == .greater)
        #expect(set.resolved(set.container(named: "IDX_SCI0")!.id) == nil) // abstract
        #expect(names(set, set.container(named: "IDX_SCI0")!.inheritors) == ["Sci0TypeZero", "Sci0TypeNonZero"])

        let raw = try #require(set.parameter(named: "IDX__SCI0RAW"))
        if case .binary(let b)? = set.type(of: raw.id).encoding, case .dynamic(let dv) = b.sizeInBits {
            #expect(dv.intercept == -328 && dv.slope == 8)
        } else {
            Issue.record("IDX__SCI0RAW is not a dynamic binary")
        }
        // IDEX declares FloatParameterTypes encoded as integers; the model keeps both facts.
        let shfine = try #require(set.parameter(named: "SHFINE"))
        #expect(set.type(of: shfine.id).kind == .float(sizeInBits: 32))
        #expect(set.type(of: shfine.id).encoding == .integer(IntegerEncoding(sizeInBits: 16, scheme: .unsigned)))
        #expect(set.type(of: shfine.id).units == ["dn"])
    }

    @Test func hiHousekeepingPolynomial() throws {
        guard let set = try imap("\(pypi)/hi/packet_definitions/TLM_HI_COMBINED_SCI.xml") else { return }
        let t = try #require(integerEncoding(set, "H45_APP_NHK.HV2_TEMP_IN"))
        #expect(t.sizeInBits == 12)
        #expect(polynomial(t.defaultCalibrator) == [-58.397, 0.10143, -2.6929e-05, 2.8828e-09])
        #expect(set.resolvedContainer(named: "H45_APP_NHK")?.apid == 754)
        #expect(set.apids == [740, 754, 769, 770, 772, 804, 818, 833, 834, 836])
    }

    @Test func ialirtEnumerationAndSize() throws {
        guard let set = try imap("ialirt/ialirt_hit.xml") else { return }
        let status = try #require(set.parameter(named: "HIT_STATUS"))
        guard case .enumerated(let e) = set.type(of: status.id).kind else {
            Issue.record("HIT_STATUS is not enumerated")
            return
        }
        #expect(e.map(\.label) == ["OFF-NOMINAL", "NOMINAL"])
        let packet = try #require(set.resolvedContainer(named: "IALiRTPacket"))
        #expect(packet.apid == 1253)
        #expect(packet.entries.count == 26)
        // The definition covers 512 bits; the real packets are 66 bytes (2 undescribed trailing bytes).
        #expect(packet.fixedSizeInBits == 512)
    }
}
