import Foundation
import Testing
@testable import HDF5

/// The shuffle and chunk encoding that must match libhdf5's filters byte for byte (the h5py round
/// trips check whole files; these pin the building blocks).
struct ChunkCodecTests {
    @Test func shuffleGroupsBytePlanes() {
        let input: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99]     // three 4-byte elements + a tail byte
        var out = [UInt8](repeating: 0, count: input.count)
        input.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in ChunkCodec.shuffle(i, elementSize: 4, into: o) } }
        #expect(out == [1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12, 99])
        var odd = [UInt8](repeating: 0, count: 6)
        [UInt8](arrayLiteral: 1, 2, 3, 4, 5, 6).withUnsafeBytes { i in odd.withUnsafeMutableBytes { o in ChunkCodec.shuffle(i, elementSize: 3, into: o) } }
        #expect(odd == [1, 4, 2, 5, 3, 6])
    }

    /// Every element size the writer shuffles, over lengths with and without whole groups of eight
    /// elements and with tail bytes, against the definition: byte k of element i goes to k * n + i.
    @Test(arguments: [2, 3, 4, 8]) func shuffleEqualsTheDefinition(elementSize s: Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(s)
        for elements in [0, 1, 7, 8, 9, 15, 16, 17, 1000, 1003] {
            for tail in [0, 1, s - 1] where tail < s {
                let input = (0..<(elements * s + tail)).map { _ -> UInt8 in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    return UInt8(truncatingIfNeeded: state >> 33)
                }
                var expected = input
                for i in 0..<elements { for k in 0..<s { expected[k * elements + i] = input[i * s + k] } }
                var out = [UInt8](repeating: 0xEE, count: input.count)
                input.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in ChunkCodec.shuffle(i, elementSize: s, into: o) } }
                let first = zip(out, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                #expect(first == nil, "element size \(s), \(elements) elements, tail \(tail): first difference at byte \(first ?? -1)")
            }
        }
    }

    @Test func incompressibleChunksAreStoredWithTheCompressorMasked() throws {
        var state: UInt64 = 0x1234_5678_9ABC_DEF0
        let noise = (0..<4096).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let codec = ChunkCodec(compression: .zstd(level: 1), shuffle: true, elementSize: 8)
        let r = try noise.withUnsafeBytes { try codec.encode($0) }
        #expect(r.mask == 0b10)       // shuffle applied, zstd (filter 1) skipped
        #expect(r.count == noise.count)
        let zeros = [UInt8](repeating: 0, count: 4096)
        let z = try zeros.withUnsafeBytes { try codec.encode($0) }
        #expect(z.mask == 0 && z.count < 100)
    }
}

/// The reservoir of encoded-chunk buffers: the chunks of one variable recycle a few buffers even
/// after earlier variables (other sizes) filled it.
struct ChunkMemoryTests {
    @Test func buffersOfEarlierSizesMakeRoomForTheNextVariables() {
        let memory = ChunkMemory()
        // Sixteen variables with small chunks, each larger than the last (no reuse between them).
        for k in 0..<16 { memory.give(memory.take(70_000 * (k + 1))) }
        let before = memory.allocations
        // The next variable's 2 MiB chunks, two in flight at a time, forty chunks.
        var inFlight: [UnsafeMutableRawBufferPointer] = []
        for _ in 0..<40 {
            inFlight.append(memory.take(2 << 20))
            if inFlight.count == 2 { memory.give(inFlight.removeFirst()) }
        }
        inFlight.forEach(memory.give)
        #expect(memory.allocations - before == 2, "each chunk allocated afresh: \(memory.allocations - before) allocations")
    }
}
