// Raw-to-engineering conversions: XTCE's PolynomialCalibrator, SplineCalibrator, ContextCalibrator.

/// A conversion from a raw value to an engineering value.
///
/// Value type; evaluation costs are given per case below.
public enum Calibrator: Hashable, Sendable {
    case polynomial(PolynomialCalibrator)
    case spline(SplineCalibrator)

    /// Applies the conversion. Costs a few multiplications (polynomial) or a binary search (spline).
    public func evaluate(_ raw: Double) -> Double? {
        switch self {
        case .polynomial(let p): return p.evaluate(raw)
        case .spline(let s): return s.evaluate(raw)
        }
    }
}

/// `sum(coefficients[i] * x^i)`, any degree (XTCE `PolynomialCalibrator` with `Term`s).
public struct PolynomialCalibrator: Hashable, Sendable {
    /// Coefficient of `x^i` at index `i`; terms missing from the definition are 0.
    public var coefficients: [Double]

    public init(coefficients: [Double]) { self.coefficients = coefficients }

    /// Highest exponent with a non-zero coefficient (0 for a constant or empty polynomial).
    public var degree: Int { coefficients.lastIndex(where: { $0 != 0 }) ?? 0 }

    /// Horner evaluation.
    public func evaluate(_ x: Double) -> Double {
        var result = 0.0
        for c in coefficients.reversed() { result = result * x + c }
        return result
    }
}

/// One (raw, calibrated) pair of a spline.
///
/// Two doubles.
public struct SplinePoint: Hashable, Sendable {
    public var raw: Double
    public var calibrated: Double
    public init(raw: Double, calibrated: Double) {
        self.raw = raw
        self.calibrated = calibrated
    }
}

/// Piecewise calibration through points (XTCE `SplineCalibrator`): order 0 holds the value of the
/// point at or below the input, order 1 interpolates linearly. Higher orders are rejected by the loader.
public struct SplineCalibrator: Hashable, Sendable {
    /// 0 (step) or 1 (linear).
    public var order: Int
    /// Whether inputs outside the points extend the first or last segment; otherwise they have no value.
    public var extrapolate: Bool
    /// Points sorted by increasing `raw`.
    public var points: [SplinePoint]

    public init(order: Int, extrapolate: Bool, points: [SplinePoint]) {
        self.order = order
        self.extrapolate = extrapolate
        self.points = points
    }

    /// The calibrated value, or `nil` outside the points when `extrapolate` is false.
    public func evaluate(_ x: Double) -> Double? {
        guard let first = points.first, let last = points.last else { return nil }
        if points.count == 1 { return (x == first.raw || extrapolate) ? first.calibrated : nil }
        if x < first.raw || x > last.raw {
            guard extrapolate else { return nil }
            if order == 0 { return x < first.raw ? first.calibrated : last.calibrated }
            let (a, b) = x < first.raw ? (points[0], points[1]) : (points[points.count - 2], last)
            return a.calibrated + (x - a.raw) * (b.calibrated - a.calibrated) / (b.raw - a.raw)
        }
        // Last point whose raw <= x.
        var lo = 0, hi = points.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if points[mid].raw <= x { lo = mid } else { hi = mid - 1 }
        }
        let a = points[lo]
        if order == 0 || lo == points.count - 1 || a.raw == x { return a.calibrated }
        let b = points[lo + 1]
        return a.calibrated + (x - a.raw) * (b.calibrated - a.calibrated) / (b.raw - a.raw)
    }
}

/// A calibrator that applies when `match` holds for the packet being decoded
/// (XTCE `ContextCalibrator`: `ContextMatch` + `Calibrator`).
///
/// Value type; evaluating `match` costs one lookup per comparison.
public struct ContextCalibrator: Hashable, Sendable {
    public var match: MatchCriteria
    public var calibrator: Calibrator
    public init(match: MatchCriteria, calibrator: Calibrator) {
        self.match = match
        self.calibrator = calibrator
    }
}
