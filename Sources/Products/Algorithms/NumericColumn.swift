import Dataset

/// A numeric element type the steps read generically: converting to `Double` and recognising the
/// ISTP fill value. Kernels are generic over it and specialised per type, so inner loops read typed
/// buffers with no existential or switch per element.
protocol NumericScalar: ColumnScalar {
    var doubleValue: Double { get }
    /// Integer value (floats truncated toward zero and clamped; NaN is 0).
    var int64Value: Int64 { get }
    /// Whether this is a value to leave out of sums: NaN or the ISTP fill of floats; the ISTP fill of
    /// 32- and 64-bit integers (8- and 16-bit fills, 255 and 65535, are too often real data).
    var isFillOrNaN: Bool { get }
}

extension Int8: NumericScalar {
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { Int64(self) }
    var isFillOrNaN: Bool { false }
}
extension Int16: NumericScalar {
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { Int64(self) }
    var isFillOrNaN: Bool { false }
}
extension Int32: NumericScalar {
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { Int64(self) }
    var isFillOrNaN: Bool { self == Int32.min }
}
extension Int64: NumericScalar {
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { self }
    var isFillOrNaN: Bool { self == Int64.min }
}
extension UInt8: NumericScalar {
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { Int64(self) }
    var isFillOrNaN: Bool { false }
}
extension UInt16: NumericScalar {
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { Int64(self) }
    var isFillOrNaN: Bool { false }
}
extension UInt32: NumericScalar {
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { Int64(self) }
    var isFillOrNaN: Bool { self == UInt32.max }
}
extension UInt64: NumericScalar {
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { self > UInt64(Int64.max) ? Int64.max : Int64(self) }
    var isFillOrNaN: Bool { self == UInt64.max }
}
extension Float: NumericScalar {
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { Double(self).clampedInt64 }
    var isFillOrNaN: Bool { isNaN || self == Float(Fill.float64) }
}
extension Double: NumericScalar {
    var doubleValue: Double { self }
    var int64Value: Int64 { clampedInt64 }
    var isFillOrNaN: Bool { isNaN || self == Fill.float64 }
}

extension Double {
    var clampedInt64: Int64 {
        if isNaN { return 0 }
        if self >= 9.2e18 { return Int64.max }
        if self <= -9.2e18 { return Int64.min }
        return Int64(self)
    }
}

/// ISTP fill values (FIELD-NOTES §3) of the types steps write.
enum Fill {
    static let float64: Double = -1.0e31
    static let int32: Int32 = .min
    static let int64: Int64 = .min
    static let uint32: UInt32 = .max
    static let tt2000: Int64 = .min
}

/// A computation over a numeric column's typed elements; `NumericColumn.visit` calls `run` with the
/// column's own type (one switch per column, none per element).
protocol NumericKernel {
    associatedtype Result
    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) -> Result
}

enum NumericColumn {
    /// Whether `type` is one `visit` accepts (integers and floats; not time, text or bytes).
    static func isNumeric(_ type: ElementType) -> Bool {
        switch type {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64: true
        default: false
        }
    }

    static func isInteger(_ type: ElementType) -> Bool {
        switch type {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: true
        default: false
        }
    }

    /// Runs `kernel` over `column`'s elements; nil when the column is not numeric.
    static func visit<K: NumericKernel>(_ column: Column, _ kernel: K) -> K.Result? {
        func typed<T: NumericScalar>(_: T.Type) -> K.Result {
            let n = column.count
            return column.withUnsafeBytes { raw in
                kernel.run(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: T.self), count: n))
            }
        }
        switch column.elementType {
        case .int8: return typed(Int8.self)
        case .int16: return typed(Int16.self)
        case .int32: return typed(Int32.self)
        case .int64: return typed(Int64.self)
        case .uint8: return typed(UInt8.self)
        case .uint16: return typed(UInt16.self)
        case .uint32: return typed(UInt32.self)
        case .uint64: return typed(UInt64.self)
        case .float32: return typed(Float.self)
        case .float64: return typed(Double.self)
        default: return nil
        }
    }
}

/// Copies an integer column to Int64s.
struct ToInt64s: NumericKernel {
    func run<T: NumericScalar>(_ values: UnsafeBufferPointer<T>) -> [Int64] {
        values.map(\.int64Value)
    }
}
