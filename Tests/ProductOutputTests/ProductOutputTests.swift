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
