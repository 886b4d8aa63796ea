import Dataset

extension CDFDataType {
    /// The NASA library's default pad value for one element of this type, little-endian; `numElems`
    /// repeats it for text.
    func defaultPad(numElems: Int) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        switch self {
        case .int1, .byte: return le(Int8(-127))
        case .int2: return le(Int16(-32767))
        case .int4: return le(Int32(-2_147_483_647))
        case .int8, .timeTT2000: return le(Int64(-9_223_372_036_854_775_807))
        case .uint1: return le(UInt8(254))
        case .uint2: return le(UInt16(65534))
        case .uint4: return le(UInt32(4_294_967_294))
        case .real4, .float: return le(Float(-1.0e30).bitPattern)
        case .real8, .double: return le(Double(-1.0e30).bitPattern)
        case .epoch: return le(Double(0).bitPattern)
        case .epoch16: return le(Double(0).bitPattern) + le(Double(0).bitPattern)
        case .char, .uchar: return [UInt8](repeating: 0x20, count: numElems)
        }
    }
}

/// The ISTP-style fill value of a CDF type (FIELD-NOTES §3), as an `AttributeValue` typed like the
/// variable; nil for text.
public func istpFillValue(for type: CDFDataType) -> AttributeValue? {
    switch type {
    case .int1, .byte: .int8([-128])
    case .int2: .int16([-32768])
    case .int4: .int32([Int32.min])
    case .int8: .int64([Int64.min])
    case .timeTT2000: .tt2000([Int64.min])
    case .uint1: .uint8([255])
    case .uint2: .uint16([65535])
    case .uint4: .uint32([UInt32.max])
    case .real4, .float: .float32([-1.0e31])
    case .real8, .double, .epoch: .float64([-1.0e31])
    case .epoch16: .float64([-1.0e31, -1.0e31])
    case .char, .uchar: nil
    }
}
