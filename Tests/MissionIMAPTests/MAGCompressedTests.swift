import Foundation
@testable import MissionIMAP
import ReferenceFixtures
import Testing

/// Compressed MAG vectors (no compressed packets are in the reference L0): payloads written by the
/// reference tool's own encoder, including the >60-bit fall-back to uncompressed vectors and range
/// sections, decoded here and by imap_processing 1.0.40's process_compressed_vectors.
@Suite struct MAGCompressedTests {
    @Test func equalsIMAPProcessing() throws {
        guard Fixtures.imap != nil else { #expect(!Fixtures.isCI); return }
        let out = try Fixtures.imapReference(["mag-compressed", "--seed", "6", "--cases", "60"])
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])
        #expect(cases.count == 60)
        var compared = 0, fallbacks = 0
        for (n, c) in cases.enumerated() {
            let hex = try #require(c["hex"] as? String)
            var bytes: [UInt8] = []
            var i = hex.startIndex
            while i < hex.endIndex { let j = hex.index(i, offsetBy: 2); bytes.append(UInt8(hex[i..<j], radix: 16)!); i = j }
            let p = try #require(c["primary"] as? Int), s = try #require(c["secondary"] as? Int)
            let imapP = try #require(c["imap_primary"] as? [[Int]], "case \(n): \(c["imap_error"] ?? "")")
            let imapS = try #require(c["imap_secondary"] as? [[Int]])
            let truthP = try #require(c["truth_primary"] as? [[Int]])
            let (ourP, ourS) = try MAGVectors.unpack(bytes, primary: p, secondary: s, compressed: true)
            #expect(ourP.map(Int.init) == imapP.flatMap { $0 }, "case \(n) primary")
            #expect(ourS.map(Int.init) == imapS.flatMap { $0 }, "case \(n) secondary")
            #expect(imapP == truthP, "case \(n): imap_processing decodes the encoder's vectors")
            compared += ourP.count + ourS.count
            // A jump of 20000 codes to > 60 bits: the rest of that sensor is uncompressed.
            if truthP.indices.dropFirst().contains(where: { abs(truthP[$0][0] - truthP[$0 - 1][0]) > 5000 }) { fallbacks += 1 }
        }
        #expect(fallbacks > 0)
        print("MAG compressed: \(compared) values in \(cases.count) payloads equal imap_processing's (\(fallbacks) with the uncompressed fall-back)")
    }

    @Test func damagedPayloadsAreErrorsNotCrashes() {
        // Too short for the first vector; width 0; no coded differences.
        #expect(throws: MAGVectors.Failure.self) { try MAGVectors.unpack([0x40, 0x00], primary: 2, secondary: 2, compressed: true) }
        #expect(throws: MAGVectors.Failure.self) { try MAGVectors.unpack([0x00, 0x00, 0x00], primary: 2, secondary: 2, compressed: true) }
        #expect(throws: MAGVectors.Failure.self) { try MAGVectors.unpack([UInt8](repeating: 0, count: 40), primary: 4, secondary: 4, compressed: true) }
        #expect(throws: MAGVectors.Failure.self) { try MAGVectors.unpack([UInt8](repeating: 0, count: 10), primary: 4, secondary: 4, compressed: false) }
        // Random bytes: a typed error or vectors, never a trap.
        var state: UInt64 = 0x1234_5678
        for _ in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(state % 200 + 1) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            _ = try? MAGVectors.unpack(bytes, primary: 8, secondary: 4, compressed: true)
        }
    }
}
