// Raw-to-engineering functions, evaluated the way XTCE decoders commonly do.

import PacketDefinitions

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A polynomial or spline calibrator prepared for evaluation.
///
/// Polynomials are summed term by term in increasing exponent, each term `c * x^n` with `x^n`
/// computed exactly in integers when the raw value is an integer and the power fits 64 bits
/// (then rounded once to a double). That is the sum XTCE's reference Python decoder computes, so
/// calibrated values agree with it bit for bit; it costs up to one multiply per degree per term.
/// Splines cost a binary search over their points.
public enum CalibrationFunction: Sendable, Hashable {
    /// (exponent, coefficient) for the non-zero terms, increasing exponent.
    case polynomial([PolynomialTerm])
    case spline(SplineCalibrator)

    public init(_ calibrator: Calibrator) {
        switch calibrator {
        case .polynomial(let p):
            self = .polynomial(p.coefficients.enumerated().compactMap { n, c in
                c == 0 ? nil : PolynomialTerm(exponent: n, coefficient: c)
            })
        case .spline(let s):
            self = .spline(s)
        }
    }

    /// The engineering value of `raw` (NaN where a spline without extrapolation has no value).
    public func apply(_ raw: ScalarValue) -> Double {
        switch self {
        case .polynomial(let terms):
            var sum = 0.0
            for t in terms { sum += t.coefficient * Self.power(raw, t.exponent) }
            return sum
        case .spline(let s):
            return s.evaluate(raw.double) ?? .nan
        }
    }

    /// `x^n` as a double: exact integer power rounded once when it fits, else libm `pow`.
    @inlinable
    static func power(_ x: ScalarValue, _ n: Int) -> Double {
        if n == 0 { return 1 }
        if x.isInteger {
            var result: Int64 = 1
            var overflow = false
            for _ in 0..<n {
                let (r, o) = result.multipliedReportingOverflow(by: x.integer)
                if o { overflow = true; break }
                result = r
            }
            if !overflow { return Double(result) }
        }
        return n == 1 ? x.double : pow(x.double, Double(n))
    }
}

/// One term `coefficient * x^exponent` of a polynomial.
public struct PolynomialTerm: Sendable, Hashable {
    public var exponent: Int
    public var coefficient: Double
}
