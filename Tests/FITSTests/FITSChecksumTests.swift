import Testing
@testable import FITS

/// The data sum computed while packing rows must equal the FITS standard's algorithm (appendix J:
/// 16-bit halves summed separately, carries folded between them) for any split into blocks.
struct FITSChecksumTests {
    /// The standard's reference algorithm over bytes padded to a multiple of 4.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var padded = bytes
        while padded.count % 4 != 0 { padded.append(0) }
        var hi: UInt64 = 0, lo: UInt64 = 0
        for w in stride(from: 0, to: padded.count, by: 4) {
            hi += UInt64(padded[w]) << 8 | UInt64(padded[w + 1])
            lo += UInt64(padded[w + 2]) << 8 | UInt64(padded[w + 3])
        }
        var hc = hi >> 16, lc = lo >> 16
        while hc != 0 || lc != 0 {
            hi = (hi & 0xFFFF) + lc
            lo = (lo & 0xFFFF) + hc
            hc = hi >> 16
            lc = lo >> 16
        }
        return UInt32(hi << 16 | lo)
    }

    @Test func matchesTheStandardForAnySplit() {
        var state: UInt32 = 12345
        let bytes = (0..<10_007).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        let expected = Self.reference(bytes)
        for pieces in [1, 2, 3, 7, 97] {
            var sum = FITSChecksum()
            let size = (bytes.count + pieces - 1) / pieces
            for start in stride(from: 0, to: bytes.count, by: size) {
                var part = FITSChecksum()
                bytes[start..<min(start + size, bytes.count)].withUnsafeBytes { part.add($0, at: start) }
                sum.add(part)
            }
            #expect(sum.value == expected, "\(pieces) pieces")
        }
        let ones = [UInt8](repeating: 0xFF, count: 64)
        var s = FITSChecksum()
        ones.withUnsafeBytes { s.add($0, at: 0) }
        #expect(s.value == Self.reference(ones))
    }
}
