import Foundation
@testable import SpacePackets
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A file not in the page cache is walked by one thread that maps a window of the file ahead of
/// itself and stops its fast path and lanes at the window's end (`HeaderWalk.readAheadWindow`).
/// The index must be exactly the plain walk's wherever the windows fall; and the residency check
/// and the populate call must do what the scan relies on, on a real file.
@Suite struct ReadAheadTests {
    /// Windows from one byte (a window at every packet) to a few pages, none a multiple of a packet.
    static let windows = [1, 97, 4096, 20_011]

    /// Compares the walk with read-ahead windows (with and without lanes) against the plain serial
    /// walk; asserts each walk did map windows, as many as its bytes need.
    func compare(_ bytes: [UInt8], rules: ScanRules = ScanRules(), sourceLocation: SourceLocation = #_sourceLocation) {
        bytes.withUnsafeBytes { raw in
            let plain = PacketScanner.scanOutcome(raw, file: "t.bin", rules: rules, workers: 1, lanes: LaneWalkTests.noLanes)
            #expect(plain.readAheadWindows == 0, sourceLocation: sourceLocation)
            for window in Self.windows {
                for lanes in [LaneWalkTests.noLanes, LaneWalkTests.plans[1]] {
                    // Workers 2: read-ahead must still walk serially (one reader).
                    let ahead = PacketScanner.scanOutcome(raw, file: "t.bin", rules: rules, workers: 2, minimumChunkBytes: 1,
                                                          minimumParallelRows: 0, lanes: lanes, readAheadWindow: window)
                    #expect(ahead.index == plain.index, "window \(window) differs from the plain walk", sourceLocation: sourceLocation)
                    if ahead.index != plain.index { describeDifference(plain.index, ahead.index) }
                    #expect(ahead.adoptedChunks == 0, sourceLocation: sourceLocation)
                    // A window starts at a packet boundary and ends at most one packet (under 9000
                    // bytes in these inputs) past its length; half that count leaves room for the
                    // walk's stops at junk and truncation.
                    let walked = raw.count - plain.index.truncatedBytes - plain.index.skippedBytes
                    if walked > 6 * window {
                        #expect(ahead.readAheadWindows >= walked / (window + 9000) / 2,
                                "window \(window): \(ahead.readAheadWindows) windows for \(walked) bytes", sourceLocation: sourceLocation)
                    }
                }
            }
        }
    }

    @Test func cleanMixedFile() throws {
        let (bytes, truth) = try PacketSynthesizer.bytes(.mixed(seed: 5, targetBytes: 300_000))
        compare(bytes)
        let index = bytes.withUnsafeBytes {
            PacketScanner.scanOutcome($0, file: "t.bin", workers: 1, readAheadWindow: 4096).index
        }
        #expect(index.packetCount == truth.apids.reduce(0) { $0 + $1.packets })
        // Lanes run inside windows (cut at each window's end), not only between them.
        let laned = bytes.withUnsafeBytes {
            PacketScanner.scanOutcome($0, file: "t.bin", workers: 1, lanes: LaneWalkTests.plans[1], readAheadWindow: 20_011)
        }
        #expect(laned.laneRows > 0)
        #expect(laned.readAheadWindows > 10)
    }

    @Test(arguments: 0..<4) func faultsAcrossWindows(seed: UInt64) throws {
        let bytes = try WalkInputs.faultyMixed(seed: seed)
        compare(bytes)
        compare(bytes, rules: ScanRules(knownAPIDs: [100, 200, 300, 1251]))
    }

    @Test func sequenceBreaksAcrossWindows() {
        compare(WalkInputs.sequenceBreaks())
    }

    @Test func realFiles() throws {
        for (_, bytes) in try WalkInputs.realFiles() { compare(bytes) }
    }

    @Test func mutatedFilesAndRandomBytes() throws {
        var random = SplitMix64(seed: 33)
        let (clean, _) = try PacketSynthesizer.bytes(.mixed(seed: 4, targetBytes: 60_000))
        for _ in 0..<20 { compare(WalkInputs.mutated(clean, random: &random)) }
        for _ in 0..<10 { compare(WalkInputs.randomBytes(random: &random)) }
    }

    /// On a real file: after the kernel was told to drop it from the page cache, the residency
    /// check says so; populating a stretch brings that stretch's pages in (read-ahead may bring
    /// more); a scan of the
    /// dropped file through the mapping (the read-ahead path) equals the scan of its bytes.
    @Test func droppedFileIsDetectedPopulatedAndScanned() throws {
        let (bytes, _) = try PacketSynthesizer.bytes(.mixed(seed: 9, targetBytes: 6 << 20))
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("cold.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let expected = scan(bytes, file: path)

        #expect(try drop(path))
        let mapping = try MappedFile(path: path)
        let dropped = residentPages(mapping)
        // Some file systems (tmpfs) cannot drop a file's only copy; then there is nothing to detect.
        guard dropped.allSatisfy({ !$0 }) else {
            #expect(!MappedPages.looksUncached(mapping.bytes), "every page is resident, yet the check said not")
            return
        }
        #expect(MappedPages.looksUncached(mapping.bytes))

        MappedPages.populate(mapping.bytes, 100_000..<300_000)
        let after = residentPages(mapping)
        let touched = (100_000 / 4096)...(299_999 / 4096)
        #expect(touched.allSatisfy { after[$0] }, "pages \(touched) not all resident after populate")

        let index = PacketScanner.scan(mapping)
        #expect(index == expected)
        #expect(residentPages(mapping).allSatisfy { $0 }, "the scan left pages of the file unread")
        #expect(!MappedPages.looksUncached(mapping.bytes))
    }

    /// A file of fewer pages than the check has probes (one page, three pages): each page is probed.
    @Test(arguments: [100, 3 * 4096 - 5]) func smallDroppedFile(size: Int) throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("small.bin").path
        try Data((0..<size).map { UInt8(truncatingIfNeeded: $0) }).write(to: URL(fileURLWithPath: path))
        #expect(try drop(path))
        let mapping = try MappedFile(path: path)
        let resident = residentPages(mapping)
        #expect(MappedPages.looksUncached(mapping.bytes) == resident.contains(false))
        MappedPages.populate(mapping.bytes, 0..<mapping.count)
        #expect(residentPages(mapping).allSatisfy { $0 })
        #expect(!MappedPages.looksUncached(mapping.bytes))
    }

    /// Writes the file's pages out and asks the kernel to drop them from the page cache.
    private func drop(_ path: String) throws -> Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fsync(fd) == 0 && posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0
    }

    /// Every page of the mapping: in the page cache or not (`mincore` over the whole mapping).
    private func residentPages(_ mapping: MappedFile) -> [Bool] {
        let pages = (mapping.count + 4095) / 4096
        var vector = [UInt8](repeating: 0, count: pages)
        let base = UnsafeMutableRawPointer(mutating: mapping.bytes.baseAddress!)
        #expect(mincore(base, mapping.count, &vector) == 0)
        return vector.map { $0 & 1 == 1 }
    }
}
