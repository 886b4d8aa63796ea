/// Builds test payloads field by field, most significant bit first (independent of the decoder).
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var bitCount = 0

    /// Appends the low `width` bits of `value`.
    mutating func put(_ value: UInt64, _ width: Int) {
        for k in stride(from: width - 1, through: 0, by: -1) {
            if bitCount % 8 == 0 { bytes.append(0) }
            if (value >> UInt64(k)) & 1 == 1 { bytes[bytes.count - 1] |= UInt8(0x80 >> (bitCount % 8)) }
            bitCount += 1
        }
    }

    /// Appends a signed value in two's complement.
    mutating func put(signed value: Int64, _ width: Int) { put(UInt64(bitPattern: value), width) }

    mutating func put(bytes more: [UInt8]) { for b in more { put(UInt64(b), 8) } }
}
