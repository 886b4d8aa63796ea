/// CDF's run-length compression (method 1, "RLE of zeros"): a 0x00 byte followed by a count byte n
/// stands for n + 1 zero bytes; every other byte is itself. Written by the NASA library; read here.
///
/// Costs one output buffer of the expected size; a single pass over the input.
enum RunLengthZeros {
    static func decode(_ input: UnsafeRawBufferPointer, expected: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: expected)
        var o = 0, i = 0
        while i < input.count {
            let b = input[i]
            if b == 0 {
                guard i + 1 < input.count else { throw CDFError.compression("RLE stream ends inside a run of zeros") }
                let n = Int(input[i + 1]) + 1
                guard o + n <= expected else { throw CDFError.compression("RLE stream expands past \(expected) bytes") }
                o += n          // already zero
                i += 2
            } else {
                guard o < expected else { throw CDFError.compression("RLE stream expands past \(expected) bytes") }
                out[o] = b
                o += 1
                i += 1
            }
        }
        guard o == expected else { throw CDFError.compression("RLE block expanded to \(o) bytes, expected \(expected)") }
        return out
    }
}
