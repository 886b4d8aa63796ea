import Dataset

/// `unpack`: bit-packed samples in a binary column (e.g. 16 magnetometer vectors of 3 x 20-bit
/// two's-complement integers in 120 bytes) to an integer column with a per-record shape.
///
/// Parameters: `field` (required, binary variable), `bits` (required, 1-64), `shape` (required, list;
/// values per record = its product), `signed` (two's complement, default false), `offset_bits` (bits
/// skipped at the start of each record, default 0), `name` (default `field`: replaces it).
/// Output: int32 when the values fit (bits < 32, or 32 signed), else int64. Samples are read MSB-first
/// with no padding between them. Costs one 8-byte big-endian load and two shifts per sample (a
/// byte-wise path for the few samples at a record's end and for widths over 57 bits).
struct UnpackStep: ProductAlgorithm {
    static let name = "unpack"
    var field: String
    var bits: Int
    var signed: Bool
    var shape: [Int]
    var offsetBits: Int
    var output: String

    init(_ parameters: ConfigValue) throws(ConfigurationError) {
        let p = try StepParameters(parameters, step: Self.name, allowed: ["field", "bits", "signed", "shape", "offset_bits", "name"])
        field = try p.requiredString("field")
        bits = try p.requiredInt("bits", in: 1...64)
        signed = try p.bool("signed") ?? false
        guard let shape = try p.intList("shape") else {
            throw ConfigurationError("step 'unpack' needs parameter 'shape' (a list of sizes)", at: p.location)
        }
        guard shape.allSatisfy({ $0 > 0 }) else {
            throw ConfigurationError("parameter 'shape' of step 'unpack' must list positive sizes", at: p["shape"]!.location)
        }
        self.shape = shape
        offsetBits = try p.int("offset_bits", in: 0...Int(Int32.max)) ?? 0
        output = try p.string("name") ?? field
    }

    var outputType: ElementType { bits < 32 || (bits == 32 && signed) ? .int32 : .int64 }

    func apply(_ input: Dataset, context: AlgorithmContext) throws(ProductError) -> Dataset {
        let data = StepData(context, step: Self.name)
        let source = try data.variable(field, in: input)
        guard case .binary(let width) = source.column.elementType, source.column.shape.isEmpty else {
            throw data.error("variable '\(field)' must be a binary scalar per record (it is \(source.column.elementType) with shape \(source.column.shape))")
        }
        let perRecord = shape.reduce(1, *)
        guard offsetBits + perRecord * bits <= width * 8 else {
            throw data.error("variable '\(field)' has \(width * 8) bits per record; \(perRecord) samples of \(bits) bits after \(offsetBits) need \(offsetBits + perRecord * bits)")
        }
        let records = source.column.records
        var column = try data.column(outputType, records: records, shape: shape, for: output)
        source.column.withUnsafeBytes { raw in
            if outputType == .int32 {
                column.fill(Int32.self) { out in
                    unpack(raw, width: width, records: records, perRecord: perRecord) { i, v in out[i] = Int32(truncatingIfNeeded: v) }
                }
            } else {
                column.fill(Int64.self) { out in
                    unpack(raw, width: width, records: records, perRecord: perRecord) { i, v in out[i] = v }
                }
            }
        }
        let result = Variable(output, column, attributes: output == field ? source.attributes : [:])
        return try data.put(result, into: input, after: field)
    }

    @inline(__always)
    private func unpack(_ raw: UnsafeRawBufferPointer, width: Int, records: Int, perRecord: Int, _ store: (Int, Int64) -> Void) {
        // Records in parallel ranges: each range stores only its own records' samples.
        let bits = self.bits
        let signExtend = signed && bits < 64 ? 64 - bits : 0
        let dropRight = 64 - bits
        ParallelRecords.forEach(records: records, minimumRecords: 1 << 14) { range in
        for r in range {
            let recordStart = r * width
            let recordEnd = recordStart + width
            var position = recordStart * 8 + offsetBits
            for s in 0..<perRecord {
                let byte = position >> 3
                let shift = position & 7
                var value: UInt64
                if bits + shift <= 64 && byte + 8 <= recordEnd {
                    let word = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                    value = (word << UInt64(shift)) >> UInt64(dropRight)
                } else {
                    value = Self.slowRead(raw, bitPosition: position, bits: bits)
                }
                let v: Int64 = signExtend > 0
                    ? Int64(bitPattern: value << UInt64(signExtend)) >> Int64(signExtend)
                    : Int64(bitPattern: value)
                store(r * perRecord + s, v)
                position += bits
            }
        }
        }
    }

    /// Bit by byte: for samples near the end of a record or straddling more than 8 bytes.
    static func slowRead(_ raw: UnsafeRawBufferPointer, bitPosition: Int, bits: Int) -> UInt64 {
        var value: UInt64 = 0
        var remaining = bits
        var position = bitPosition
        while remaining > 0 {
            let byte = UInt64(raw[position >> 3])
            let inByte = position & 7
            let take = min(8 - inByte, remaining)
            let chunk = (byte >> UInt64(8 - inByte - take)) & ((1 << UInt64(take)) - 1)
            value = take == 64 ? chunk : (value << UInt64(take)) | chunk
            remaining -= take
            position += take
        }
        return value
    }
}
