import Dataset
import Decom
import Foundation
@_exported import ReferenceFixtures
import PacketDefinitions
import SpacePackets
import Testing


/// A CCSDS packet with the given APID, sequence count and data field.
func packet(apid: UInt16, sequence: UInt16 = 0, payload: [UInt8]) -> [UInt8] {
    PrimaryHeader(version: 0, hasSecondaryHeader: false, apid: apid, sequenceFlags: .unsegmented, sequenceCount: sequence,
                  dataLength: UInt16(payload.count - 1)).bytes + payload
}

/// Writes `bytes` to a temporary file, scans it, and decodes it with `definitions`.
/// Columns allocated unzeroed (plans whose fill writes every byte) are poisoned first, so that a
/// byte the decoder fails to write shows up as a wrong value instead of a lucky zero.
func decode(_ bytes: [UInt8], definitions: DefinitionSet, options: DecodeOptions = DecodeOptions()) async throws -> DecodeResult {
    ColumnMemory.poisonsUnzeroedMemory = true
    let dir = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("packets.bin").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let files = try await PacketScanner.scan(paths: [path])
    return try await Decoder(definitions: definitions, options: options).decode(files)
}

/// Decodes files on disk (unzeroed columns poisoned, as above).
func decode(paths: [String], definitions: DefinitionSet, options: DecodeOptions = DecodeOptions()) async throws -> DecodeResult {
    ColumnMemory.poisonsUnzeroedMemory = true
    let files = try await PacketScanner.scan(paths: paths)
    return try await Decoder(definitions: definitions, options: options).decode(files)
}

/// Deterministic pseudo-random bytes (SplitMix64), independent of the code under test.
struct TestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

/// The reference reader of the tests: one bit at a time, most significant first.
func referenceBits(_ bytes: [UInt8], bitOffset: Int, width: Int) -> UInt64 {
    var v: UInt64 = 0
    for k in 0..<width {
        let bit = bitOffset + k
        v = (v << 1) | UInt64((bytes[bit / 8] >> (7 - UInt8(bit % 8))) & 1)
    }
    return v
}

/// Values of a decoded column, whatever its integer element type, as Int64 (uint64 as bit pattern).
func integers(_ c: DecodedContainer, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Int64] {
    guard let v = c.dataset[name] else {
        Issue.record("no column \(name) in \(c.name)", sourceLocation: sourceLocation)
        return []
    }
    let col = v.column
    return col.withUnsafeBytes { raw in
        (0..<col.count).map { i in
            switch col.elementType {
            case .uint8: return Int64(raw.load(fromByteOffset: i, as: UInt8.self))
            case .uint16: return Int64(raw.load(fromByteOffset: i * 2, as: UInt16.self))
            case .uint32: return Int64(raw.load(fromByteOffset: i * 4, as: UInt32.self))
            case .uint64: return Int64(bitPattern: raw.load(fromByteOffset: i * 8, as: UInt64.self))
            case .int8: return Int64(raw.load(fromByteOffset: i, as: Int8.self))
            case .int16: return Int64(raw.load(fromByteOffset: i * 2, as: Int16.self))
            case .int32: return Int64(raw.load(fromByteOffset: i * 4, as: Int32.self))
            case .int64: return raw.load(fromByteOffset: i * 8, as: Int64.self)
            default:
                Issue.record("column \(name) is \(col.elementType), not an integer", sourceLocation: sourceLocation)
                return 0
            }
        }
    }
}

/// Values of a float32 or float64 column as doubles.
func doubles(_ c: DecodedContainer, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Double] {
    guard let v = c.dataset[name] else {
        Issue.record("no column \(name) in \(c.name)", sourceLocation: sourceLocation)
        return []
    }
    if v.column.elementType == .float32 { return ((try? v.column.values(as: Float.self)) ?? []).map(Double.init) }
    return (try? v.column.values(as: Double.self)) ?? []
}

/// The fixed-width bytes of element `i` of a binary or text column.
func element(_ c: DecodedContainer, _ name: String, _ i: Int) -> [UInt8] {
    guard let v = c.dataset[name] else { return [] }
    let w = v.column.elementType.byteWidth
    return v.column.withUnsafeBytes { Array($0[(i * w)..<((i + 1) * w)]) }
}

/// An XTCE 1.2 document: a CCSDS header container `Header` (abstract) and the given extra
/// parameter types, parameters and containers.
func xtce(types: String, parameters: String, containers: String) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <xtce:SpaceSystem xmlns:xtce="http://www.omg.org/spec/XTCE/20180204" name="TEST">
      <xtce:TelemetryMetaData>
        <xtce:ParameterTypeSet>
          <xtce:IntegerParameterType name="H3" signed="false"><xtce:IntegerDataEncoding sizeInBits="3"/></xtce:IntegerParameterType>
          <xtce:IntegerParameterType name="H1" signed="false"><xtce:IntegerDataEncoding sizeInBits="1"/></xtce:IntegerParameterType>
          <xtce:IntegerParameterType name="H11" signed="false"><xtce:IntegerDataEncoding sizeInBits="11"/></xtce:IntegerParameterType>
          <xtce:IntegerParameterType name="H2" signed="false"><xtce:IntegerDataEncoding sizeInBits="2"/></xtce:IntegerParameterType>
          <xtce:IntegerParameterType name="H14" signed="false"><xtce:IntegerDataEncoding sizeInBits="14"/></xtce:IntegerParameterType>
          <xtce:IntegerParameterType name="H16" signed="false"><xtce:IntegerDataEncoding sizeInBits="16"/></xtce:IntegerParameterType>
    \(types)
        </xtce:ParameterTypeSet>
        <xtce:ParameterSet>
          <xtce:Parameter name="VERSION" parameterTypeRef="H3"/>
          <xtce:Parameter name="TYPE" parameterTypeRef="H1"/>
          <xtce:Parameter name="SEC_HDR_FLG" parameterTypeRef="H1"/>
          <xtce:Parameter name="PKT_APID" parameterTypeRef="H11"/>
          <xtce:Parameter name="SEQ_FLGS" parameterTypeRef="H2"/>
          <xtce:Parameter name="SRC_SEQ_CTR" parameterTypeRef="H14"/>
          <xtce:Parameter name="PKT_LEN" parameterTypeRef="H16"/>
    \(parameters)
        </xtce:ParameterSet>
        <xtce:ContainerSet>
          <xtce:SequenceContainer name="Header" abstract="true">
            <xtce:EntryList>
              <xtce:ParameterRefEntry parameterRef="VERSION"/>
              <xtce:ParameterRefEntry parameterRef="TYPE"/>
              <xtce:ParameterRefEntry parameterRef="SEC_HDR_FLG"/>
              <xtce:ParameterRefEntry parameterRef="PKT_APID"/>
              <xtce:ParameterRefEntry parameterRef="SEQ_FLGS"/>
              <xtce:ParameterRefEntry parameterRef="SRC_SEQ_CTR"/>
              <xtce:ParameterRefEntry parameterRef="PKT_LEN"/>
            </xtce:EntryList>
          </xtce:SequenceContainer>
    \(containers)
        </xtce:ContainerSet>
      </xtce:TelemetryMetaData>
    </xtce:SpaceSystem>
    """
}

/// A concrete container extending `Header` for one APID, with the given entries.
func container(_ name: String, apid: Int, entries: String, extraRestriction: String = "") -> String {
    """
    <xtce:SequenceContainer name="\(name)">
      <xtce:BaseContainer containerRef="Header">
        <xtce:RestrictionCriteria>
          <xtce:ComparisonList>
            <xtce:Comparison parameterRef="PKT_APID" value="\(apid)" useCalibratedValue="false"/>
            \(extraRestriction)
          </xtce:ComparisonList>
        </xtce:RestrictionCriteria>
      </xtce:BaseContainer>
      <xtce:EntryList>
    \(entries)
      </xtce:EntryList>
    </xtce:SequenceContainer>
    """
}

/// Loads an XTCE document from text.
func load(_ xml: String) throws -> DefinitionSet {
    try XTCELoader.load(xml: xml, file: "test.xml")
}
