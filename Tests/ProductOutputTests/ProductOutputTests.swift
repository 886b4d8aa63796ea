import CDirectIO
import Foundation
import Synchronization
import Testing
@testable import ProductOutput

struct ParallelBlocksTests {
    @Test func consumesEveryBlockInOrder() throws {
        for workers in [1, 2, 3, 8] {
            var seen: [Int] = []
            try ParallelBlocks.run(count: 100, workers: workers, produce: { i in
                if i % 7 == 0 { usleep(200) }       // finish out of order
                return i * i
            }, consume: { i, v in
                #expect(v == i * i)
                seen.append(i)
            })
            #expect(seen == Array(0..<100), "workers \(workers)")
        }
    }

    @Test func aProducerErrorStopsTheRunAndIsRethrown() {
        struct Boom: Error, Equatable { let block: Int }
        var consumed = 0
        #expect(throws: Boom(block: 5)) {
            try ParallelBlocks.run(count: 1000, workers: 2, produce: { i in
                if i == 5 { throw Boom(block: 5) }
                return i
            }, consume: { _, _ in consumed += 1 })
        }
        #expect(consumed == 5)
    }

    @Test func aConsumerErrorStopsTheProducers() {
        struct Stop: Error {}
        let produced = Atomic<Int>(0)
        #expect(throws: Stop.self) {
            try ParallelBlocks.run(count: 10_000, workers: 2, produce: { i in
                produced.add(1, ordering: .relaxed)
                return i
            }, consume: { i, _ in if i == 3 { throw Stop() } })
        }
        // At most the window (2 x workers) runs ahead of the consumer.
        #expect(produced.load(ordering: .relaxed) <= 3 + 1 + 4 + 2)
    }
}

struct TemporaryDestinationTests {
    func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-out-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func commitRenamesOverTheDestination() throws {
        let dir = try folder()
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/p.dat"))
        let d = try TemporaryDestination(destination: dir + "/p.dat")
        #expect(d.temporaryPath.hasPrefix(dir + "/.p.dat.tmp-"))
        try Data("new".utf8).write(to: URL(fileURLWithPath: d.temporaryPath))
        try d.commit()
        #expect(try String(contentsOfFile: dir + "/p.dat", encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["p.dat"])
    }

    /// A product replacing an earlier one of 16 MiB or more: the new bytes are at the destination,
    /// and the earlier file, held across the rename and released on another thread, is not left
    /// open (checked through /proc/self/fd until the release has run).
    @Test func commitOverALargeEarlierProductReleasesIt() throws {
        let dir = try folder()
        let path = dir + "/big.dat"
        try Data(repeating: 7, count: 20 << 20).write(to: URL(fileURLWithPath: path))
        let d = try TemporaryDestination(destination: path)
        try Data("new".utf8).write(to: URL(fileURLWithPath: d.temporaryPath))
        try d.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["big.dat"])
        #expect(waitUntilNotOpen(path), "the replaced file is still open after 10 s")
    }

    /// The C helper alone: a small earlier file is released at once; a failed rename (no source)
    /// keeps errno, leaves the destination as it was and holds nothing open.
    @Test func renameReplacingSmallFilesAndFailures() throws {
        let dir = try folder()
        let path = dir + "/small.dat"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        try Data("new".utf8).write(to: URL(fileURLWithPath: dir + "/next.dat"))
        #expect(downlink_rename_replacing(dir + "/next.dat", path) == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(openDescriptors(to: path) == 0)

        try Data(repeating: 1, count: 20 << 20).write(to: URL(fileURLWithPath: path))
        #expect(downlink_rename_replacing(dir + "/missing.dat", path) == -1)
        #expect(errno == ENOENT)
        #expect((try? Data(contentsOf: URL(fileURLWithPath: path)))?.count == 20 << 20)
        #expect(openDescriptors(to: path) == 0)
    }

    /// Descriptors of this process that name `path` (also once it is deleted).
    func openDescriptors(to path: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter { entry in
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry)) ?? ""
            return target == path || target == path + " (deleted)"
        }.count
    }

    func waitUntilNotOpen(_ path: String) -> Bool {
        for _ in 0..<1000 {
            if openDescriptors(to: path) == 0 { return true }
            usleep(10_000)
        }
        return false
    }

    @Test func anUncommittedDestinationLeavesNothing() throws {
        let dir = try folder()
        do {
            let d = try TemporaryDestination(destination: dir + "/q.dat")
            #expect(FileManager.default.fileExists(atPath: d.temporaryPath))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func aMissingFolderIsAnIOError() {
        #expect(throws: OutputError.self) { _ = try TemporaryDestination(destination: "/nonexistent-downlink-folder/x") }
        #expect(throws: OutputError.self) { _ = try TemporaryDestination(destination: "/tmp/") }
    }
}

struct PlacedFileWriterTests {
    /// Ranges at aligned and unaligned offsets, from page-aligned and unaligned memory, of sizes around
    /// the block and staging sizes, land exactly where asked and leave the bytes between them alone.
    @Test func rangesLandExactlyAndTheRestIsUntouched() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("placed-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("f.bin").path
        let fileSize = 40 << 20
        var expected = [UInt8](repeating: 0xEE, count: fileSize)
        try Data(expected).write(to: URL(fileURLWithPath: path))
        // One page-aligned source; ranges take slices of it at page-aligned or odd starts.
        let sourceSize = 20 << 20
        let source = UnsafeMutableRawBufferPointer.allocate(byteCount: sourceSize + 4096, alignment: 4096)
        defer { source.deallocate() }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<source.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            source[i] = UInt8(truncatingIfNeeded: state >> 56)
        }
        let cases: [(offset: Int, sourceStart: Int, count: Int)] = [
            (0, 0, 9 << 20),                    // aligned both sides, beyond one staging buffer
            (12 << 20, 1, (8 << 20) + 4097),    // aligned file offset, unaligned memory: staged
            ((22 << 20) + 100, 4096, 3 << 20),  // unaligned file offset: buffered head and tail
            ((26 << 20) + 4000, 7, 8191),       // too short for an aligned body: all buffered
            ((27 << 20), 0, 4096),              // one block
            ((28 << 20) + 1, 3, (11 << 20) + 5), // unaligned everywhere, past the staging size
        ]
        let writer = try PlacedFileWriter(path: path)
        for c in cases {
            let slice = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(source)[c.sourceStart..<c.sourceStart + c.count])
            try writer.write(slice, at: c.offset)
            expected.replaceSubrange(c.offset..<c.offset + c.count, with: slice)
        }
        if PlacedFileWriter.directEnabled { #expect(writer.directBytes > 30 << 20, "no direct I/O on \(dir.path)") }
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written.count == fileSize)
        #expect(written == expected)
    }

    @Test func aMissingFileIsAnIOError() {
        #expect(throws: OutputError.self) { try PlacedFileWriter(path: "/no/such/folder/f.bin") }
    }
}
