/// A small, fast, seeded pseudo-random generator (SplitMix64): the same seed gives the same
/// bytes on every platform and Swift version, which `SystemRandomNumberGenerator` cannot promise.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Fills `count` bytes at `pointer` with random bytes, eight at a time.
    public mutating func fill(_ pointer: UnsafeMutableRawPointer, count: Int) {
        var i = 0
        while i + 8 <= count {
            pointer.storeBytes(of: next(), toByteOffset: i, as: UInt64.self)
            i += 8
        }
        if i < count {
            var last = next()
            while i < count {
                pointer.storeBytes(of: UInt8(truncatingIfNeeded: last), toByteOffset: i, as: UInt8.self)
                last >>= 8
                i += 1
            }
        }
    }
}
