import Dataset
import Decom
import DemoMission
import Foundation
import PacketDefinitions
import ReferenceFixtures
import SpacePackets
import Testing

/// The mission's folder in the repository (definitions, calibration tables).
let demoFolder = Fixtures.root.appendingPathComponent("testdata/missions/demo")

func definitions(_ instrument: DemoInstrument) throws -> DefinitionSet {
    try DefinitionSet.load(contentsOf: demoFolder.appendingPathComponent("definitions/\(instrument.rawValue).xml").path)
}

/// One generated day in a temporary folder, scanned and decoded with the mission's definitions.
struct DecodedDay {
    let folder: URL
    let truth: DemoDayTruth
    var scans: [DemoInstrument: ScannedFile] = [:]
    var decoded: [DemoInstrument: DecodeResult] = [:]

    init(day: DemoDate, options: DemoOptions) async throws {
        folder = try Fixtures.temporaryDirectory()
        truth = try await DemoDay.write(day: day, into: folder.path, options: options)
        for instrument in options.instruments {
            let path = folder.appendingPathComponent(instrument.fileName(for: day)).path
            let scanned = try await PacketScanner.scan(paths: [path])
            scans[instrument] = scanned[0]
            let decoder = try Decoder(definitions: try definitions(instrument), options: DecodeOptions(calibrated: true, labels: true))
            decoded[instrument] = try await decoder.decode(scanned)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    func container(_ instrument: DemoInstrument) throws -> DecodedContainer {
        try #require(decoded[instrument]?.container(named: instrument.container))
    }
}

/// Values of an integer column as Int64, whatever its element type; records x elements per record.
func integers(_ c: DecodedContainer, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Int64] {
    guard let v = c.dataset[name] else {
        Issue.record("no column \(name) in \(c.name)", sourceLocation: sourceLocation)
        return []
    }
    let col = v.column
    return col.withUnsafeBytes { raw in
        (0..<col.count).map { i in
            switch col.elementType {
            case .uint8: Int64(raw.load(fromByteOffset: i, as: UInt8.self))
            case .uint16: Int64(raw.load(fromByteOffset: i * 2, as: UInt16.self))
            case .uint32: Int64(raw.load(fromByteOffset: i * 4, as: UInt32.self))
            case .uint64: Int64(bitPattern: raw.load(fromByteOffset: i * 8, as: UInt64.self))
            case .int8: Int64(raw.load(fromByteOffset: i, as: Int8.self))
            case .int16: Int64(raw.load(fromByteOffset: i * 2, as: Int16.self))
            case .int32: Int64(raw.load(fromByteOffset: i * 4, as: Int32.self))
            case .int64: raw.load(fromByteOffset: i * 8, as: Int64.self)
            default: -1
            }
        }
    }
}

func doubles(_ c: DecodedContainer, _ name: String) throws -> [Double] {
    try #require(c.dataset[name]).column.values(as: Double.self)
}

/// The bytes of record `record` of a fixed-width binary column.
func binary(_ c: DecodedContainer, _ name: String, record: Int) throws -> [UInt8] {
    let column = try #require(c.dataset[name]).column
    let width = column.elementType.byteWidth
    return column.withUnsafeBytes { Array($0[(record * width)..<((record + 1) * width)]) }
}

/// The test's own reader of the packed vectors: one bit at a time, MSB-first, then 20-bit two's
/// complement sign extension. Independent of the generator's packing.
func unpackVectors(_ bytes: [UInt8]) -> [[Int32]] {
    func bit(_ n: Int) -> Int32 { Int32((bytes[n / 8] >> (7 - UInt8(n % 8))) & 1) }
    var values: [Int32] = []
    for k in 0..<48 {
        var v: Int32 = 0
        for b in 0..<20 { v = v << 1 | bit(k * 20 + b) }
        values.append(v >= 1 << 19 ? v - (1 << 20) : v)
    }
    return (0..<16).map { Array(values[($0 * 3)..<($0 * 3 + 3)]) }
}

/// Rows of a `code,counts`-style CSV after the `#` comments and the header line.
func csvRows(_ name: String) throws -> (header: [String], rows: [[String]]) {
    let text = try String(contentsOf: demoFolder.appendingPathComponent("calibration/\(name)"), encoding: .utf8)
    let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    let header = lines[0].split(separator: ",").map(String.init)
    return (header, lines.dropFirst().map { $0.split(separator: ",").map(String.init) })
}
