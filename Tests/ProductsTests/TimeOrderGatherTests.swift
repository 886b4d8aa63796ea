import Testing
@testable import Products

/// `time_order` moves whole records with typed loads for the common widths and a word loop for the
/// rest: every width, aligned or not, must equal a byte-by-byte copy.
@Suite struct TimeOrderGatherTests {
    @Test(arguments: Array(1...33))
    func gatherEqualsByteCopy(width: Int) {
        let records = 257
        var rng = SystemRandomNumberGenerator()
        let source = (0..<(records * width + 1)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let keep = (0..<records).map { ($0 * 97 + 13) % records }  // a permutation
        for shift in [0, 1] {  // aligned and misaligned source
            var expected = [UInt8](repeating: 0, count: records * width)
            for (i, k) in keep.enumerated() {
                for b in 0..<width { expected[i * width + b] = source[shift + k * width + b] }
            }
            var out = [UInt8](repeating: 0, count: records * width)
            source.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    TimeOrderStep.gather(keep, width: width, from: UnsafeRawBufferPointer(rebasing: src[shift...]), to: dst)
                }
            }
            #expect(out == expected, "width \(width), source shifted by \(shift)")
        }
    }
}
