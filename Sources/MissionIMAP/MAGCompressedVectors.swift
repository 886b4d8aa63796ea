/// The compressed form of MAG's `VECTORS` field, decoded step for step as imap_processing 1.0.40's
/// `MagL1a.process_compressed_vectors` does, including where it looks for the end of the primary
/// vectors, the 60-bit fall-back to uncompressed vectors and the trailing range section, so that the
/// vectors are the same as the instrument team's pipeline gives for the same bytes.
///
/// Costs: the packet's bits as one byte per bit (a few kilobits per packet) and a pass over them.
extension MAGVectors {
    static let fibonacci: [Int64] = {
        var f: [Int64] = [1, 2]
        while f.count < 40 { f.append(f[f.count - 1] + f[f.count - 2]) }
        return f
    }()
    static let maxCompressedVectorBits = 60

    static func unpackCompressed(_ bytes: [UInt8], primary p: Int, secondary s: Int) throws(Failure) -> ([Int32], [Int32]) {
        var bitArray: [UInt8] = []
        bitArray.reserveCapacity(bytes.count * 8)
        for b in bytes { for k in (0..<8).reversed() { bitArray.append(b >> UInt8(k) & 1) } }
        guard bitArray.count >= 8, p >= 1, s >= 1 else { throw Failure(message: "compressed VECTORS too short or no vectors") }
        let width = Int(value(bitArray[0..<6]))
        let hasRange = bitArray[6] == 1
        guard width > 0 else { throw Failure(message: "compressed VECTORS has width 0") }
        let ucs = width * 3
        let firstVectorWidth = ucs + 8 + 2
        guard bitArray.count >= firstVectorWidth else { throw Failure(message: "compressed VECTORS shorter than its first vector") }
        let firstVector = try unpackOne(bitArray[8..<firstVectorWidth], width: width, hasRange: true)
        let rangeLength = (p + s - 2) * 2
        let endPadding = rangeLength / 8 * 8 - rangeLength
        let endVector = bitArray.count - (hasRange ? rangeLength - endPadding : 0)
        guard endVector > firstVectorWidth - 1 else { throw Failure(message: "compressed VECTORS has no room for vectors") }
        let shifted = Array(bitArray[(firstVectorWidth - 1)..<endVector])
        // Positions (after dropping the first bit) of the second 1 of each "11" pair.
        var ones: [Int] = []
        for j in 0..<(shifted.count - 1) where shifted[j] == 1 && shifted[j + 1] == 1 { ones.append(j) }
        let vectorBits = Array(shifted.dropFirst())
        guard !ones.isEmpty, ones[0] != 0 || ones.count > 1 else { throw Failure(message: "compressed VECTORS holds no coded differences") }

        var pb = [ones[0] != 0 ? ones[0] + 1 : ones[1] + 1]
        var sb: [Int] = []
        var count = 1
        var endPrimary = 0
        for seq in ones {
            if count > p + s { break }
            if count < p, seq - pb[pb.count - 1] > 0 {
                pb.append(seq + 1)
                if pb.count % 3 == 0 {
                    count += 1
                    if (pb.count > 4 && pb[pb.count - 1] - pb[pb.count - 4] > maxCompressedVectorBits)
                        || (count == 2 && pb[pb.count - 1] > maxCompressedVectorBits) {
                        endPrimary = pb[pb.count - 1] + (p - count) * ucs
                        count = p
                    }
                }
            }
            if count == p {
                endPrimary = endPrimary == 0 ? pb[pb.count - 1] : endPrimary
                if seq > endPrimary + ucs + 2 {
                    sb = [endPrimary + ucs + 2, seq + 1]
                    count += 1
                }
            }
            if count > p, let last = sb.last, seq - last > 0 {
                sb.append(seq + 1)
                if (sb.count - 1) % 3 == 0 {
                    count += 1
                    if sb.count >= 4, sb[sb.count - 1] - sb[sb.count - 4] > maxCompressedVectorBits { count = p + s + 1 }
                }
            }
        }
        guard sb.count >= 1 else { throw Failure(message: "compressed VECTORS: the secondary vectors were not found") }

        // np.split(vectorBits, pb)[:-1]: the pieces before each boundary.
        var primarySplits: [ArraySlice<UInt8>] = []
        var from = 0
        for b in pb { primarySplits.append(slice(vectorBits, from, b)); from = b }
        let primaryVectors = try section(vectorBits, primarySplits, lastIndex: pb[pb.count - 1], first: firstVector, count: p, ucs: ucs, width: width).vectors
        guard endPrimary + ucs + 2 <= vectorBits.count else { throw Failure(message: "compressed VECTORS ends inside the first secondary vector") }
        let firstSecondary = try unpackOne(vectorBits[endPrimary..<(endPrimary + ucs + 2)], width: width, hasRange: true)
        // np.split(vectorBits[:sb[-1]], sb[:-1])[1:]
        var secondarySplits: [ArraySlice<UInt8>] = []
        for k in 0..<(sb.count - 1) { secondarySplits.append(slice(vectorBits, sb[k], sb[k + 1])) }
        let secondary = try section(vectorBits, secondarySplits, lastIndex: sb[sb.count - 1], first: firstSecondary, count: s, ucs: ucs, width: width)
        var primaryOut = primaryVectors, secondaryOut = secondary.vectors
        if hasRange {
            let end = (secondary.end + firstVectorWidth + 7) / 8 * 8
            let rangeBits = end < bitArray.count ? Array(bitArray[end...]) : []
            try applyRanges(slice(rangeBits, 0, (p - 1) * 2), to: &primaryOut)
            try applyRanges(slice(rangeBits, (p - 1) * 2, (p + s - 2) * 2), to: &secondaryOut)
        }
        return (primaryOut, secondaryOut)
    }

    /// Python-style slice [from:to] (clamped, empty when reversed).
    static func slice(_ a: [UInt8], _ from: Int, _ to: Int) -> ArraySlice<UInt8> {
        let lo = min(max(from, 0), a.count), hi = min(max(to, 0), a.count)
        return lo < hi ? a[lo..<hi] : a[0..<0]
    }

    static func value(_ bits: ArraySlice<UInt8>) -> UInt64 { bits.reduce(0) { $0 << 1 | UInt64($1) } }

    static func unpackOne(_ bits: ArraySlice<UInt8>, width: Int, hasRange: Bool) throws(Failure) -> [Int32] {
        guard bits.count == width * 3 + (hasRange ? 2 : 0), width <= 32 else {
            throw Failure(message: "a \(width)-bit vector needs \(width * 3 + (hasRange ? 2 : 0)) bits, found \(bits.count)")
        }
        let b = bits.startIndex
        func axis(_ k: Int) -> Int32 {
            let raw = Int64(value(bits[(b + k * width)..<(b + (k + 1) * width)]))
            return Int32(truncatingIfNeeded: raw & (1 << (width - 1)) != 0 ? raw - (1 << width) : raw)
        }
        let range: Int32 = hasRange ? Int32(value(bits[(bits.endIndex - 2)...])) : 0
        return [axis(0), axis(1), axis(2), range]
    }

    static func fibonacciZigZag(_ code: ArraySlice<UInt8>) throws(Failure) -> Int64 {
        guard code.count >= 2, code[code.endIndex - 2] == 1, code[code.endIndex - 1] == 1 else {
            throw Failure(message: "a Fibonacci-coded difference must end in 11")
        }
        guard code.count - 1 <= fibonacci.count else { throw Failure(message: "a Fibonacci-coded difference is longer than \(fibonacci.count + 1) bits") }
        var v: Int64 = -1
        for (k, bit) in code.dropLast().enumerated() where bit == 1 { v += fibonacci[k] }
        return (v >> 1) ^ -(v & 1)
    }

    /// `_process_vector_section`: differences, then any uncompressed remainder.
    static func section(_ vectorBits: [UInt8], _ splits: [ArraySlice<UInt8>], lastIndex: Int, first: [Int32], count: Int,
                        ucs: Int, width: Int) throws(Failure) -> (vectors: [Int32], end: Int) {
        var splits = splits
        var lastIndex = lastIndex
        let compressedCount = (splits.count + 2) / 3 + 1
        let uncompressedCount = count - compressedCount
        if splits.count > (count - 1) * 3 {
            splits = Array(splits.prefix((count - 1) * 3))
            lastIndex -= 8
        }
        var end = lastIndex + ucs * uncompressedCount
        guard splits.count % 3 == 0 else {
            throw Failure(message: "compressed vector differences are not a multiple of 3 (\(splits.count))")
        }
        var vectors = [Int32](repeating: 0, count: count * 4)
        for k in 0..<4 { vectors[k] = first[k] }
        var axis = 0, row = 1
        for split in splits {
            let diff = try fibonacciZigZag(split)
            guard row < count else { break }
            vectors[row * 4 + axis] = vectors[(row - 1) * 4 + axis] &+ Int32(truncatingIfNeeded: diff)
            axis += 1
            if axis == 3 { vectors[row * 4 + 3] = vectors[3]; axis = 0; row += 1 }
        }
        if uncompressedCount != 0 {
            let uncompressed = slice(vectorBits, lastIndex, end + 1)
            for i in 0..<max(0, uncompressedCount) {
                let lo = min(uncompressed.startIndex + i * ucs, uncompressed.endIndex)
                let v = try unpackOne(uncompressed[lo..<min(lo + ucs, uncompressed.endIndex)], width: width, hasRange: false)
                let r = i + compressedCount
                guard r < count else { break }
                for k in 0..<3 { vectors[r * 4 + k] = v[k] }
                vectors[r * 4 + 3] = vectors[3]
            }
            if vectorBits.count - max(0, min(lastIndex, vectorBits.count)) - end == 8 { end -= 8 }
        }
        return (vectors, end)
    }

    static func applyRanges(_ bits: ArraySlice<UInt8>, to vectors: inout [Int32]) throws(Failure) {
        let n = vectors.count / 4
        guard bits.count == (n - 1) * 2 else {
            throw Failure(message: "the range section holds \(bits.count) bits; \(n - 1) vectors need \((n - 1) * 2)")
        }
        let b = bits.startIndex
        for i in 0..<(n - 1) { vectors[(i + 1) * 4 + 3] = Int32(bits[b + 2 * i]) << 1 | Int32(bits[b + 2 * i + 1]) }
    }
}
