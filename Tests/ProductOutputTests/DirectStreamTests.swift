import CDirectIO
import Foundation
import Testing

/// CDirectIO's direct stream against a model of the file: whatever mix of streamed (bulk) writes,
/// buffered writes over staged bytes, new streams over old ones and reads in between, the file must
/// read back, during the writes and after close, as the model says.
struct DirectStreamTests {
    /// A deterministic generator (Knuth's MMIX linear congruential step, high bits used).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
        mutating func below(_ n: Int) -> Int { Int((next() >> 11) % UInt64(n)) }
    }

    /// `n` bytes: the generator's next word repeated with a running count mixed in (cheap in debug
    /// builds, and no two 8-byte words of a piece alike).
    func bytes(_ n: Int, _ r: inout Random) -> [UInt8] {
        let base = r.next()
        var out = [UInt8](repeating: 0, count: n)
        out.withUnsafeMutableBytes { raw in
            let words = n / 8
            let w = raw.baseAddress!
            for i in 0..<words { w.storeBytes(of: base &+ UInt64(i) &* 0x9E37_79B9, toByteOffset: i * 8, as: UInt64.self) }
            for i in words * 8..<n { raw[i] = UInt8(truncatingIfNeeded: base >> (i % 8)) }
        }
        return out
    }

    /// Whether `a[0..<n]` equals `b[from..<from + n]`, by memcmp (fast in debug builds).
    func same(_ a: [UInt8], _ b: [UInt8], from: Int, count n: Int) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress! + from, n) == 0 } }
    }

    @Test(arguments: [1, 2, 3]) func fileReadsBackAsTheModelSays(seed: UInt64) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-stream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/f.bin"
        let stream = try #require(downlink_stream_open(path, O_CREAT | O_EXCL))
        var model: [UInt8] = []
        var r = Random(state: seed)
        var cursor = 0                       // where the next sequential write goes
        func write(_ data: [UInt8], at: Int, bulk: Bool) {
            let e = data.withUnsafeBytes { downlink_stream_write(stream, $0.baseAddress, $0.count, off_t(at), bulk ? 1 : 0) }
            #expect(e == 0)
            if model.count < at + data.count { model += [UInt8](repeating: 0, count: at + data.count - model.count) }
            model.replaceSubrange(at..<at + data.count, with: data)
        }
        for step in 0..<300 {
            // Seeds 2 and 3 keep staged bytes staged as long as the stream allows.
            if seed != 1 { downlink_stream_hold(stream) }
            switch r.below(10) {
            case 0..<5:      // the next sequential piece, as a library writes chunks or rows
                let n = r.below(10) == 0 ? r.below(4000) + 1 : r.below(1_500_000) + 1
                write(bytes(n, &r), at: cursor, bulk: true)
                cursor += n
            case 5, 6:       // a small buffered write anywhere written so far (a header, metadata)
                guard !model.isEmpty else { continue }
                let at = r.below(model.count)
                write(bytes(min(r.below(9000) + 1, model.count - at), &r), at: at, bulk: false)
            case 7:          // a new bulk write over earlier bytes (raw data written again), which
                             // the next sequential pieces may continue, through staged bytes
                guard model.count > 8192 else { continue }
                let at = r.below(model.count - 8192)
                let n = r.below(1 << 20) + 4096
                write(bytes(n, &r), at: at, bulk: true)
                cursor = r.below(2) == 0 ? at + n : model.count
            default:         // a read anywhere
                guard !model.isEmpty else { continue }
                let at = r.below(model.count)
                let n = min(r.below(256 << 10) + 1, model.count - at)
                var back = [UInt8](repeating: 0xEE, count: n)
                let e = back.withUnsafeMutableBytes { downlink_stream_read(stream, $0.baseAddress, n, off_t(at)) }
                #expect(e == 0)
                if !same(back, model, from: at, count: n) {
                    Issue.record("step \(step): read of \(n) bytes at \(at) differs from what was written")
                    return
                }
            }
            #expect(Int(downlink_stream_length(stream)) == model.count)
        }
        var at: off_t = 0
        #expect(downlink_stream_close(stream, &at) == 0)
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(file.count == model.count)
        #expect(file.count == model.count && same(file, model, from: 0, count: model.count), "the file differs from the model")
    }

    /// A stream continued into bytes that an older stage still holds (raw data written again from an
    /// earlier offset): the older stage must reach the file first, or its bytes would land over the
    /// new stream's last partial block, which is written buffered. Held, so that the older stage is
    /// still queued when it matters.
    @Test func aStreamContinuedOverAQueuedStageKeepsTheNewBytes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-stream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stream = try #require(downlink_stream_open(dir + "/f.bin", O_CREAT | O_EXCL))
        let mib = 1 << 20
        var model = [UInt8](repeating: 0, count: 5 * mib + 100)
        func write(_ at: Int, _ count: Int, _ value: UInt8) {
            let data = [UInt8](repeating: value, count: count)
            let e = data.withUnsafeBytes { downlink_stream_write(stream, $0.baseAddress, count, off_t(at), 1) }
            #expect(e == 0)
            model.replaceSubrange(at..<at + count, with: data)
        }
        downlink_stream_hold(stream)
        write(mib, 4 * mib + 100, 1)         // one full stage [1, 5) MiB queued, 100 bytes staged after it
        write(0, mib, 2)                     // a new stream at 0
        write(mib, mib + 10, 3)              // continues it into the queued stage's bytes
        var at: off_t = 0
        #expect(downlink_stream_close(stream, &at) == 0)
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/f.bin")))
        #expect(file.count == model.count && same(file, model, from: 0, count: model.count), "the file differs")
    }

    /// On a file system that takes direct I/O, long sequential writes go to the device direct.
    @Test func longSequentialWritesGoDirect() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-stream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let probe = open(dir + "/probe", O_RDWR | O_CREAT | downlink_o_direct(), 0o600)
        guard downlink_o_direct() != 0, probe >= 0 else { return }     // tmpfs or DOWNLINK_DIRECT_IO=0
        close(probe)
        let stream = try #require(downlink_stream_open(dir + "/f.bin", O_CREAT | O_EXCL))
        let piece = [UInt8](repeating: 7, count: 1_000_003)
        let before = downlink_stream_direct_bytes()
        for k in 0..<20 {
            _ = piece.withUnsafeBytes { downlink_stream_write(stream, $0.baseAddress, $0.count, off_t(100 + k * piece.count), 1) }
        }
        var at: off_t = 0
        #expect(downlink_stream_close(stream, &at) == 0)
        // Other tests' streams may add to the counter too: at least this stream's whole stages.
        #expect(downlink_stream_direct_bytes() - before >= 16 << 20)
        let file = try Data(contentsOf: URL(fileURLWithPath: dir + "/f.bin"))
        #expect(file.count == 100 + 20 * piece.count)
        #expect(file == Data(count: 100) + Data(repeating: 7, count: 20 * piece.count))
    }
}
