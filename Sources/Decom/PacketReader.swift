// Reading values from one packet in place: numeric fields, bit runs, interpreter slots.

/// One packet's bytes inside its mapping, with the interpreter's slots: the `ValueReader` that
/// dispatch, include conditions and dynamic sizes use.
///
/// A few words; reads are bounds-checked against the packet (never beyond it).
struct PacketReader: ValueReader {
    /// The packet's bytes.
    let packet: UnsafeRawBufferPointer
    /// Latest values of referenced parameters (interpreter only; may be empty).
    let slots: UnsafeMutablePointer<ScalarValue>?

    var bitCount: Int { packet.count &* 8 }

    /// The raw bits of a numeric field, or `nil` when it does not end inside the packet.
    @inline(__always)
    func bits(at bitOffset: Int, width: Int, littleEndian: Bool) -> UInt64? {
        guard var b = BitReader.checked(packet, bitOffset: bitOffset, width: width) else { return nil }
        if littleEndian { b = NumericDecoding.swapBytes(b, width: width) }
        return b
    }

    mutating func value(_ source: ValueSource) -> ScalarValue? {
        switch source {
        case .field(let f):
            guard let b = bits(at: f.bitOffset, width: f.width, littleEndian: f.littleEndian) else { return nil }
            return ScalarValue(bits: b, width: f.width, scheme: f.scheme)
        case .slot(let s):
            return slots?[s]
        case .column:
            return nil
        }
    }

    /// Copies `bitCount` bits starting at `bitOffset`, left-aligned, into `destination` (which must
    /// hold `(bitCount + 7) / 8` bytes); the unused low bits of the last byte are zero.
    /// The caller checks that the bits lie inside the packet.
    func copyBits(at bitOffset: Int, count bitCount: Int, to destination: UnsafeMutableRawPointer) {
        let byteCount = (bitCount + 7) >> 3
        let shift = bitOffset & 7
        let first = bitOffset >> 3
        guard let src = packet.baseAddress else { return }
        if shift == 0 {
            destination.copyMemory(from: src + first, byteCount: byteCount)
        } else {
            let lastByte = (bitOffset + bitCount - 1) >> 3
            for i in 0..<byteCount {
                let hi = UInt16(src.load(fromByteOffset: first + i, as: UInt8.self))
                let lo: UInt16 = first + i + 1 <= lastByte ? UInt16(src.load(fromByteOffset: first + i + 1, as: UInt8.self)) : 0
                destination.storeBytes(of: UInt8(truncatingIfNeeded: ((hi << 8 | lo) << UInt16(shift)) >> 8),
                                       toByteOffset: i, as: UInt8.self)
            }
        }
        let tail = bitCount & 7
        if tail != 0 {
            let last = destination.load(fromByteOffset: byteCount - 1, as: UInt8.self)
            destination.storeBytes(of: last & ~(0xFF >> UInt8(tail)), toByteOffset: byteCount - 1, as: UInt8.self)
        }
    }
}
