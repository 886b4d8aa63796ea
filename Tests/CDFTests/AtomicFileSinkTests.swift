import Foundation
import Testing
@testable import CDF

/// The sink's direct-I/O mode (large files on Linux): whatever mix of write sizes, alignments and
/// switches, the file holds exactly the bytes given, the streamed MD5 is theirs, and patches land.
@Suite struct AtomicFileSinkTests {
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-sink-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The staging's content starts on a 2 MiB boundary (whole huge pages); content and lead are
    /// writable over their whole length.
    @Test func stagingContentOnAHugePageBoundary() throws {
        let staging = try #require(DirectStaging(capacity: 8 << 20, alignment: 4096, lead: 100))
        #expect(Int(bitPattern: staging.base) % (2 << 20) == 0)
        staging.leadBase.initializeMemory(as: UInt8.self, repeating: 1, count: 4096)
        staging.base.initializeMemory(as: UInt8.self, repeating: 2, count: 8 << 20)
        #expect(staging.leadBase.load(fromByteOffset: 4095, as: UInt8.self) == 1)
        #expect(staging.base.load(fromByteOffset: (8 << 20) - 1, as: UInt8.self) == 2)
    }

    /// Writes `pieces` through a sink (arrays and raw buffers alternately) and returns the file's bytes.
    static func write(_ pieces: [[UInt8]], threshold: Int, md5: Bool = false, patch: (Int, [UInt8])? = nil) throws -> (file: [UInt8], sink: AtomicFileSink) {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.bin"
        let sink = try AtomicFileSink(destination: path, md5: md5, directThreshold: threshold)
        var expectedPosition = 0
        for (i, p) in pieces.enumerated() {
            if i % 2 == 0 { try sink.write(p) } else { try p.withUnsafeBytes { try sink.write($0) } }
            expectedPosition += p.count
            #expect(sink.position == expectedPosition)
        }
        try sink.flush()
        #expect(sink.written == expectedPosition)
        if let (offset, bytes) = patch { try sink.patch(at: offset, bytes) }
        try sink.commit()
        return (Array(try Data(contentsOf: URL(fileURLWithPath: path))), sink)
    }

    @Test(arguments: [0, 1, 4095, 4096, 4097, 100_000])
    func theFileHoldsExactlyTheBytesWrittenWhateverTheSwitchOffset(threshold: Int) throws {
        // Sizes around the 8 MiB staging buffer and the 4 KiB alignment, small and large, arrays and raw.
        let sizes = [1, 3, 4093, 70_000, 9 << 20, 5, 8 << 20, 1 << 20, 12_345, 3 << 20, 2]
        let pieces = sizes.enumerated().map { Self.bytes($1, seed: UInt64($0 + 1)) }
        let (file, sink) = try Self.write(pieces, threshold: threshold)
        #expect(file == pieces.flatMap { $0 })
        #if os(Linux)
        // /tmp on the machines this runs on takes O_DIRECT; where it does not, the sink stays buffered.
        if FileManager.default.temporaryDirectory.path.hasPrefix("/tmp") {
            #expect(sink.wroteDirect)
        }
        #endif
    }

    @Test func theStreamedMD5AndAPatchAfterDirectWritesAreRight() throws {
        let pieces = [Self.bytes(100, seed: 7), Self.bytes(10 << 20, seed: 8), Self.bytes(777, seed: 9)]
        let whole = pieces.flatMap { $0 }
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sink = try AtomicFileSink(destination: dir + "/md5.bin", md5: true, directThreshold: 1000)
        for p in pieces { try sink.write(p) }
        try sink.flush()
        #expect(sink.md5?.finalize() == MD5.digest(whole))
        try sink.commit()

        let patched = try Self.write(pieces, threshold: 1000, patch: (8, [0xDE, 0xAD, 0xBE, 0xEF]))
        var expected = whole
        expected.replaceSubrange(8..<12, with: [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(patched.file == expected)
    }

    @Test func belowTheThresholdNothingGoesDirect() throws {
        let pieces = [Self.bytes(5000, seed: 3), Self.bytes(2 << 20, seed: 4)]
        let (file, sink) = try Self.write(pieces, threshold: 64 << 20)
        #expect(file == pieces.flatMap { $0 })
        #expect(!sink.wroteDirect)
    }
}
