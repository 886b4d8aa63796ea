import CZlib
import Foundation
import Testing
@testable import CDF

/// Every gzip backend (igzip, libdeflate, zlib) writes complete RFC 1952 members that zlib and
/// Python's gzip module inflate to the original bytes, for sizes from 0 bytes to several MiB.
@Suite struct GzipBackendTests {
    /// Backends present on this machine (libdeflate is loaded at run time and may be absent).
    static let backends: [Gzip.Backend] = Gzip.Backend.allCases.filter { $0 != .libdeflate || LibDeflate.shared != nil }

    /// Sizes around the edges that matter: empty, one byte, deflate's 64 KiB stored-block limit,
    /// igzip's internal 32 KiB history and 16 KiB chunks, and blocks larger than the writer's 1 MiB.
    static let sizes = [0, 1, 2, 3, 17, 255, 4_096, 16_383, 16_384, 32_769, 65_535, 65_536, 65_537, 200_003, 1 << 20, 3_000_017]

    /// Random bytes of `count`: mixed compressible (slow ramps, runs) and incompressible stretches,
    /// or fully random when `incompressible`.
    static func data(_ count: Int, seed: UInt64, incompressible: Bool = false) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            let run = Int(rng.next() % 5_000) + 1
            let kind = incompressible ? 0 : rng.next() % 3
            let start = UInt8(truncatingIfNeeded: rng.next())
            for k in i..<min(count, i + run) {
                switch kind {
                case 0: out[k] = UInt8(truncatingIfNeeded: rng.next())
                case 1: out[k] = start &+ UInt8(truncatingIfNeeded: (k - i) / 7)
                default: out[k] = start
                }
            }
            i += run
        }
        return out
    }

    /// zlib's CRC32 of `bytes`: the oracle for the gzip trailer.
    static func crc32Of(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    /// Checks the member's framing against RFC 1952 and inflates it with zlib.
    static func checkMember(_ z: [UInt8], of input: [UInt8], _ what: String) throws {
        #expect(z.count >= 18, "\(what): \(z.count) bytes is shorter than a gzip header and trailer")
        guard z.count >= 18 else { return }
        #expect(Array(z.prefix(3)) == [0x1F, 0x8B, 0x08], "\(what): not a gzip/deflate member")
        let trailer = z.suffix(8).map(UInt32.init)
        let crc = trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24
        let isize = trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24
        #expect(crc == crc32Of(input), "\(what): CRC32 in the trailer")
        #expect(isize == UInt32(truncatingIfNeeded: input.count), "\(what): ISIZE in the trailer")
        let back = try z.withUnsafeBytes { try Gzip.decompress($0, expected: input.count) }
        #expect(back == input, "\(what): zlib inflates to different bytes")
    }

    @Test(arguments: backends)
    func membersInflateToTheInputAtEverySize(backend: Gzip.Backend) throws {
        for (n, size) in Self.sizes.enumerated() {
            let input = Self.data(size, seed: UInt64(n) + 11)
            for level in [1, 6] {
                let z = try input.withUnsafeBytes { try Gzip.compress($0, level: level, backend: backend) }
                try Self.checkMember(z, of: input, "\(backend) level \(level), \(size) bytes")
                if size >= 65_536 { #expect(z.count < input.count * 3 / 4, "\(backend) level \(level) did not compress \(size) bytes") }
            }
        }
    }

    @Test(arguments: backends)
    func everyLevelRoundTripsIncompressibleAndCompressibleData(backend: Gzip.Backend) throws {
        let mixed = Self.data(300_001, seed: 5)
        let random = Self.data(300_001, seed: 6, incompressible: true)
        for level in 1...9 {
            for (label, input) in [("mixed", mixed), ("random", random)] {
                let z = try input.withUnsafeBytes { try Gzip.compress($0, level: level, backend: backend) }
                try Self.checkMember(z, of: input, "\(backend) level \(level), \(label)")
                if label == "random" {
                    // Incompressible input costs at most stored-block headers and the gzip frame.
                    #expect(z.count <= IsalGzip.bound(input.count), "\(backend) level \(level): \(z.count) bytes")
                }
            }
        }
    }

    /// One compressor per worker, reused across blocks of different sizes and contents, writes the
    /// same members as a fresh one per block: no state leaks from one block into the next.
    @Test(arguments: backends)
    func reusedCompressorMatchesFreshOnes(backend: Gzip.Backend) throws {
        for level in [1, 3, 6] {
            let reused = GzipCompressor(level: level, backend: backend)
            #expect(reused.backend == backend)
            for (n, size) in [1 << 20, 0, 70_000, 1, 1 << 20, 123_457].enumerated() {
                let input = Self.data(size, seed: UInt64(100 + n), incompressible: n == 2)
                let a = try input.withUnsafeBytes { try reused.compress($0) }
                let b = try input.withUnsafeBytes { try GzipCompressor(level: level, backend: backend).compress($0) }
                #expect(a == b, "\(backend) level \(level), block \(n) of \(size) bytes")
                try Self.checkMember(a, of: input, "\(backend) reused, level \(level), \(size) bytes")
            }
        }
    }

    @Test func igzipLevelsAndBuffers() throws {
        #expect((1...9).map { IsalGzip.igzipLevel(forCDFLevel: $0) } == [1, 2, 2, 2, 2, 3, 3, 3, 3])
        // Higher igzip levels search harder: on compressible data, never larger than level 1.
        let input = Self.data(1 << 20, seed: 9)
        let sizes = try [1, 2, 6].map { level in
            try input.withUnsafeBytes { try IsalGzip(level: level).compress($0).count }
        }
        #expect(sizes[1] <= sizes[0] + sizes[0] / 100 && sizes[2] <= sizes[0] + sizes[0] / 100, "igzip sizes by level: \(sizes)")
    }

    /// `compress(_:into:)` writes into the caller's buffer and reports a buffer too small as nil
    /// instead of writing past it.
    @Test func igzipIntoCallerBuffer() throws {
        let encoder = IsalGzip(level: 1)
        let input = Self.data(100_000, seed: 21)
        let expected = try input.withUnsafeBytes { try encoder.compress($0) }
        var buffer = [UInt8](repeating: 0xAA, count: IsalGzip.bound(input.count) + 64)
        let n = try input.withUnsafeBytes { i in try buffer.withUnsafeMutableBytes { try encoder.compress(i, into: $0) } }
        #expect(n == expected.count)
        #expect(Array(buffer.prefix(expected.count)) == expected)
        let random = Self.data(100_000, seed: 22, incompressible: true)
        var small = [UInt8](repeating: 0xAA, count: 1_000 + 64)
        let m = try random.withUnsafeBytes { i in
            try small.withUnsafeMutableBytes { try encoder.compress(i, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<1_000])) }
        }
        #expect(m == nil)
        #expect(small.suffix(64).allSatisfy { $0 == 0xAA }, "igzip wrote past the buffer it was given")
    }

    /// The writer's default backend per level: igzip for level 1, libdeflate (or zlib) above.
    @Test func defaultBackendPerLevel() {
        guard Gzip.forcedBackend == nil else { return }   // DOWNLINK_GZIP set for this run
        #expect(Gzip.backend(forLevel: 1) == .isal)
        let above: Gzip.Backend = LibDeflate.shared != nil ? .libdeflate : .zlib
        #expect((2...9).allSatisfy { Gzip.backend(forLevel: $0) == above })
    }

    /// Python's gzip module (an inflater independent of the Swift side) reads every backend's
    /// members back to the original bytes.
    @Test(.enabled(if: Validators.enabled)) func pythonGzipReadsEveryBackend() throws {
        let py = try #require(Validators.python, "validator venv missing (tools/cdf-validators-venv.sh failed)")
        let dir = try makeTemporaryDirectory("gzip-backends")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var pairs: [String] = []
        for backend in Self.backends {
            for level in [1, 2, 6, 9] {
                for (n, size) in [0, 1, 65_537, 1 << 20].enumerated() {
                    let input = Self.data(size, seed: UInt64(200 + n), incompressible: n == 2)
                    let z = try input.withUnsafeBytes { try Gzip.compress($0, level: level, backend: backend) }
                    let base = "\(dir)/\(backend)-\(level)-\(size)"
                    try Data(input).write(to: URL(fileURLWithPath: base + ".raw"))
                    try Data(z).write(to: URL(fileURLWithPath: base + ".gz"))
                    pairs.append(base)
                }
            }
        }
        let script = """
        import gzip, sys, zlib
        bad = 0
        for base in sys.argv[1:]:
            raw = open(base + '.raw', 'rb').read()
            z = open(base + '.gz', 'rb').read()
            ok = gzip.decompress(z) == raw and zlib.decompress(z, 31) == raw
            bad += not ok
            print(('ok  ' if ok else 'BAD ') + base)
        print(f'{len(sys.argv) - 1 - bad} ok, {bad} bad')
        sys.exit(1 if bad else 0)
        """
        let r = Validators.run(py, ["-c", script] + pairs)
        #expect(r.status == 0, "python gzip disagrees:\n\(r.stdout.suffix(4000))\n\(r.stderr.suffix(2000))")
        #expect(r.stdout.contains("\(pairs.count) ok, 0 bad"))
    }
}
