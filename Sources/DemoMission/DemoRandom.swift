import Foundation
import SpacePackets

/// Random draws for the generator, from SplitMix64 (SpacePackets): seeded streams that depend only
/// on (seed, day, APID, packet slot), so any part of a file can be generated alone, in any order,
/// on any thread, and give the same bytes.
///
/// Cost: a stream is one 64-bit word on the stack; a uniform is one `next()`.
struct DemoRandom {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// A stream for one item: mixes the keys through SplitMix64's finaliser.
    init(_ seed: UInt64, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) {
        @inline(__always) func mix(_ state: UInt64, _ key: UInt64) -> UInt64 {
            var mixer = SplitMix64(seed: state ^ key &* 0xD6E8_FEB8_6659_FD93)
            return mixer.next()
        }
        var first = SplitMix64(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
        generator = SplitMix64(seed: mix(mix(mix(first.next(), a), b), c))
    }

    @inline(__always) mutating func next() -> UInt64 { generator.next() }

    /// Uniform in [0, 1).
    @inline(__always) mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in `range`.
    @inline(__always) mutating func integer(_ range: Range<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Approximately standard normal: the sum of four 16-bit uniforms, centred and scaled
    /// (Irwin-Hall). Tails end at 3.46 sigma, which noise in telemetry does not mind; one `next()`.
    @inline(__always) mutating func gaussian() -> Double {
        let r = next()
        let sum = (r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48)
        // Mean 4 * 32767.5, variance 4 * (65536^2 - 1) / 12.
        return (Double(sum) - 131_070) * (1 / 37_837.2)
    }

    /// Poisson-distributed counts of mean `mean`: exact (Knuth) below 30, normal approximation above.
    mutating func poisson(_ mean: Double) -> UInt32 {
        guard mean > 0 else { return 0 }
        if mean < 30 {
            let limit = exp(-mean)
            var product = uniform()
            var k: UInt32 = 0
            while product > limit {
                k += 1
                product *= uniform()
            }
            return k
        }
        // Box-Muller for the tails a Poisson sample of large mean has.
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return UInt32(max(0, (mean + mean.squareRoot() * z).rounded()))
    }
}

/// The phase 2 pi t / period of a cycle, reduced to less than 2 pi before any multiplication:
/// MET is about 5e8 s, and sines of arguments of 1e9 rad take glibc's slow reduction path and
/// lose digits. `truncatingRemainder` is exact.
@inline(__always) func cycle(_ t: Double, _ period: Double) -> Double {
    2 * Double.pi * (t.truncatingRemainder(dividingBy: period) / period)
}
