import Testing
@testable import CDF

@Suite struct GzipTests {
    /// Both backends write RFC 1952 gzip members (magic 1f 8b, method 8) that inflate to the input.
    @Test(arguments: [Gzip.Backend.zlib, .libdeflate])
    func backendsWriteGzipThatInflates(backend: Gzip.Backend) throws {
        if backend == .libdeflate && LibDeflate.shared == nil { return }   // libdeflate absent: zlib covers it
        var rng = SplitMix64(seed: 3)
        let input: [UInt8] = (0..<200_000).map { i in i % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : UInt8(i / 1000 % 256) }
        for level in [1, 6, 9] {
            let z = try input.withUnsafeBytes { try Gzip.compress($0, level: level, backend: backend) }
            #expect(Array(z.prefix(3)) == [0x1F, 0x8B, 0x08])
            #expect(z.count < input.count)
            let back = try z.withUnsafeBytes { try Gzip.decompress($0, expected: input.count) }
            #expect(back == input)
        }
        #expect(throws: CDFError.self) {
            _ = try [UInt8](repeating: 7, count: 10).withUnsafeBytes { try Gzip.decompress($0, expected: 10) }
        }
    }
}
