import Dataset
@testable import CDF

/// Deterministic pseudo-random numbers (SplitMix64) so that failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds test columns of every element type with values that exercise extremes.
enum TestData {
    static func column(_ type: ElementType, records: Int, shape: [Int] = [], recordVarying: Bool = true, seed: UInt64) throws -> Column {
        var rng = SplitMix64(seed: seed)
        var c = try Column.make(type: type, records: records, shape: shape, recordVarying: recordVarying)
        let n = c.count
        func fill<T: ColumnScalar>(_: T.Type, _ gen: (Int, inout SplitMix64) -> T) throws {
            try c.withUnsafeMutableBufferPointer(of: T.self) { p in for i in 0..<n { p[i] = gen(i, &rng) } }
        }
        switch type {
        case .int8: try fill(Int8.self) { i, r in i == 0 ? .min : i == 1 ? .max : Int8(truncatingIfNeeded: r.next()) }
        case .int16: try fill(Int16.self) { i, r in i == 0 ? .min : i == 1 ? .max : Int16(truncatingIfNeeded: r.next()) }
        case .int32: try fill(Int32.self) { i, r in i == 0 ? .min : i == 1 ? .max : Int32(truncatingIfNeeded: r.next()) }
        case .int64: try fill(Int64.self) { i, r in i == 0 ? .min : i == 1 ? .max : Int64(truncatingIfNeeded: r.next()) }
        case .uint8: try fill(UInt8.self) { i, r in i == 0 ? .max : UInt8(truncatingIfNeeded: r.next()) }
        case .uint16: try fill(UInt16.self) { i, r in i == 0 ? .max : UInt16(truncatingIfNeeded: r.next()) }
        case .uint32: try fill(UInt32.self) { i, r in i == 0 ? .max : UInt32(truncatingIfNeeded: r.next()) }
        case .uint64: try fill(UInt64.self) { i, r in i == 0 ? UInt64(Int64.max) : r.next() >> 1 }
        case .float32:
            try fill(Float.self) { i, r in
                [Float.greatestFiniteMagnitude, -0.0, .infinity, -1.0e31, .leastNonzeroMagnitude][safe: i]
                    ?? Float(Double(Int64(bitPattern: r.next() >> 20)) / 1.0e9)
            }
        case .float64:
            try fill(Double.self) { i, r in
                [Double.greatestFiniteMagnitude, -0.0, -.infinity, .nan, -1.0e31][safe: i]
                    ?? Double(Int64(bitPattern: r.next())) / 3.0e12
            }
        case .tt2000:
            try fill(Int64.self) { i, r in 788_961_669_184_000_000 + Int64(i) * 1_000_000_007 + Int64(r.next() % 1000) }
        case .string(let w):
            c = try Column(strings: (0..<n).map { i in
                String((0..<(Int(rng.next() % UInt64(w + 1)))).map { _ in Character(Unicode.Scalar(UInt8(97 + rng.next() % 26))) }) + (i == 0 ? "" : "")
            }, width: w, shape: shape, recordVarying: recordVarying)
        case .binary(let w):
            c = try Column(blobs: (0..<n).map { _ in (0..<w).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }, width: w, shape: shape, recordVarying: recordVarying)
        }
        return c
    }

    /// EPOCH values (ms since 0000-01-01) in 2025.
    static func epochColumn(records: Int) throws -> Column {
        let base = TT2000Converter.epoch(.init(2025, 3, 14, 1, 59, 26, nanosecond: 535_000_000))
        return try Column((0..<records).map { base + Double($0) * 1000.5 })
    }

    /// EPOCH16 values: (seconds since 0000-01-01, picoseconds) pairs.
    static func epoch16Column(records: Int) throws -> Column {
        let (s, _) = TT2000Converter.epoch16(.init(2025, 3, 14, 1, 59, 26))
        return try Column((0..<records).flatMap { [s + Double($0), Double($0) * 123_456_789_012] }, shape: [2])
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
