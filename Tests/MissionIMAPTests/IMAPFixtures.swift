import Dataset
import Decom
import Foundation
import PacketDefinitions
import Products
import ReferenceFixtures
import SpacePackets
import Testing

/// Decoding the reference L0 as the mission's L1A does (PacketScanner + Decom + IMAP's XTCE), the
/// IMAP SPICE clock, and reading the JSON the imap-processing reference tool writes.
enum IMAP {
    static func clock(_ imap: URL) throws -> SPICEClock {
        try SPICEClock(leapSecondKernel: imap.appendingPathComponent("spice/naif0012.tls").path,
                       clockKernel: imap.appendingPathComponent("spice/imap_sclk_0000.tsc").path)
    }

    /// The decoded container of each APID in `file`.
    static func decode(_ file: URL, definitions: URL) async throws -> [Int: Dataset] {
        let set = try DefinitionSet.load(contentsOf: definitions.path)
        let scanned = try await PacketScanner.scan(paths: [file.path])
        let result = try await Decoder(definitions: set).decode(scanned)
        var out: [Int: Dataset] = [:]
        for c in result.containers where c.records > 0 {
            let apid = try c.dataset["ccsds_apid"]!.column.values(as: UInt16.self)[0]
            out[Int(apid)] = c.dataset
        }
        return out
    }

    static func context(_ imap: URL, product: String, inputs: [String: Dataset] = [:]) throws -> AlgorithmContext {
        AlgorithmContext(product: product, day: MissionDay(year: 2024, month: 9, day: 24)!, clock: try clock(imap), inputs: inputs,
                         missionDirectory: Fixtures.root.appendingPathComponent("testdata/missions/imap").path)
    }

    /// A reference variable from tools/imap_reference.py's JSON.
    struct Reference {
        let dtype: String, shape: [Int], values: [String]
        init(_ object: Any?) throws {
            let o = try #require(object as? [String: Any])
            dtype = try #require(o["dtype"] as? String)
            shape = try #require(o["shape"] as? [Int])
            values = try #require(o["values"] as? [String])
        }
    }

    /// Whether our elements equal the reference's: integers and strings as text, floats bit for bit
    /// (the reference writes each float's exact double value; NaN equals NaN). Returns the count.
    static func compare(_ v: Variable, _ r: Reference, _ label: String) throws -> Int {
        let ours = try text(v)
        #expect(ours.count == r.values.count, "\(label): \(ours.count) values, the reference has \(r.values.count)")
        var bad = 0
        for (i, (a, b)) in zip(ours, r.values).enumerated() {
            let same: Bool
            if v.column.elementType == .float32 || v.column.elementType == .float64 {
                let x = Double(a == "nan" ? "nan" : a)!, y = Double(b)!
                same = x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern
            } else {
                same = a == b
            }
            if !same {
                bad += 1
                if bad <= 5 { Issue.record("\(label)[\(i)]: ours \(a), imap_processing \(b)") }
            }
        }
        #expect(bad == 0, "\(label): \(bad) of \(ours.count) values differ")
        return ours.count
    }

    static func text(_ v: Variable) throws -> [String] {
        let c = v.column
        func f(_ d: Double) -> String { d.isNaN ? "nan" : "\(d)" }
        switch c.elementType {
        case .tt2000, .int64: return try c.values(as: Int64.self).map { "\($0)" }
        case .int32: return try c.values(as: Int32.self).map { "\($0)" }
        case .int16: return try c.values(as: Int16.self).map { "\($0)" }
        case .int8: return try c.values(as: Int8.self).map { "\($0)" }
        case .uint8: return try c.values(as: UInt8.self).map { "\($0)" }
        case .uint16: return try c.values(as: UInt16.self).map { "\($0)" }
        case .uint32: return try c.values(as: UInt32.self).map { "\($0)" }
        case .float32: return try c.values(as: Float.self).map { f(Double($0)) }
        case .float64: return try c.values(as: Double.self).map { f($0) }
        case .string: return try c.strings()
        default: throw FixtureError.tool("no text form for \(c.elementType)")
        }
    }
}
