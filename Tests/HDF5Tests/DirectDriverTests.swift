import CDirectIO
import CHDF5
import CHDF5DirectDriver
import BenchmarkProduct
import Dataset
import Foundation
import Testing
import WriterTestSupport
@testable import HDF5

/// The direct-I/O file driver (CHDF5DirectDriver): raw data staged and written direct must read back
/// exactly as written, whatever libhdf5 puts between, over or after it.
struct DirectDriverTests {
    /// Whether files in `dir` can be opened for direct I/O (not on tmpfs, not with DOWNLINK_DIRECT_IO=0).
    static func directIOWorks(in dir: String) -> Bool {
        let flag = downlink_o_direct()
        guard flag != 0 else { return false }
        let path = dir + "/.probe"
        let fd = open(path, O_RDWR | O_CREAT | flag, 0o600)
        defer { unlink(path) }
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Reads dataset `name` back with libhdf5's default driver, as stored bytes of `type`.
    static func readBack(_ path: String, _ name: String, bytes: Int, type: hid_t) throws -> [UInt8] {
        try HDF5Library.setUp()
        let file = try HDF5Object(H5Fopen(path, dl_H5F_ACC_RDONLY(), dl_H5P_DEFAULT()), .file, "H5Fopen")
        let d = try HDF5Object(H5Dopen2(file.id, name, dl_H5P_DEFAULT()), .dataset, "H5Dopen2(\(name))")
        var out = [UInt8](repeating: 0xEE, count: bytes)
        try HDF5Library.check(out.withUnsafeMutableBytes {
            H5Dread(d.id, type, dl_H5S_ALL(), dl_H5S_ALL(), dl_H5P_DEFAULT(), $0.baseAddress)
        }, "H5Dread(\(name))")
        return out
    }

    /// The first index where `a` and `b` differ (the shorter count when one is a prefix); -1 if equal.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset { return i }
        return a.count == b.count ? -1 : min(a.count, b.count)
    }

    /// Deterministic bytes: noise (incompressible) or runs (chunks that compress to a few hundred bytes).
    static func bytes(_ n: Int, seed: UInt64, noise: Bool) -> [UInt8] {
        var state = seed
        return (0..<n).map { i in
            if !noise { return UInt8(truncatingIfNeeded: (i / 4099) &+ Int(seed)) }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    /// Many variables, so that libhdf5's object headers and chunk indexes land between the chunks of
    /// each; chunks from a few hundred bytes (compressible) to 6 MiB (noise, stored uncompressed, so
    /// that streams cross the driver's 4 MiB staging buffers), and uneven last chunks.
    static func mixedProduct() throws -> (Dataset, [(String, [UInt8])]) {
        var ds = Dataset()
        var expected: [(String, [UInt8])] = []
        let shapes: [(String, Int, Int, Bool)] = [
            // name, records, bytes per record, noise
            ("runs_small", 70_001, 1, false), ("noise_small", 70_001, 1, true),
            ("noise_rows", 9_001, 40, true), ("runs_rows", 9_001, 40, false),
            ("noise_big", 3_000, 6_000, true), ("runs_after_big", 123_457, 1, false),
        ]
        for (k, (name, records, width, noise)) in shapes.enumerated() {
            let b = bytes(records * width, seed: UInt64(k + 1), noise: noise)
            try ds.add(name, Column(b, shape: width == 1 ? [] : [width]))
            expected.append((name, b))
        }
        return (ds, expected)
    }

    func writeAndCheck(in dir: String, threads: Int) throws {
        let (ds, expected) = try Self.mixedProduct()
        var options = HDF5WriteOptions()
        options.compression = .zstd(level: 1)
        options.shuffle = false
        options.chunkBytes = 1 << 20
        options.maxConcurrency = threads
        options.group = "g"
        options.dimensionScales = false
        // Chunks of noise_big are 1 MiB: 174 of 6000-byte records. Other variables: 1 MiB of records.
        let before = dl_direct_driver_direct_bytes()
        try HDF5Writer(options: options).write(ds, to: dir + "/mixed.h5")
        let written = dl_direct_driver_direct_bytes() - before
        for (name, b) in expected {
            let back = try Self.readBack(dir + "/mixed.h5", "g/" + name, bytes: b.count, type: dl_H5T_STD_U8LE())
            #expect(Self.firstDifference(back, b) == -1, "\(name) differs from what was written")
        }
        if Self.directIOWorks(in: dir) {
            // The noise is stored as it is: at least 90% of it must have gone direct.
            let noise = expected.filter { $0.0.hasPrefix("noise") }.reduce(0) { $0 + $1.1.count }
            #expect(written >= UInt64(noise) * 9 / 10, "only \(written) of \(noise) noise bytes went direct")
        }
    }

    @Test(arguments: [1, 2]) func stagedStreamsReadBackExactly(threads: Int) throws {
        try writeAndCheck(in: try makeTemporaryDirectory("h5-direct-\(threads)"), threads: threads)
    }

    /// With direct I/O turned off (DOWNLINK_DIRECT_IO=0, read when a file is opened) the driver writes
    /// everything buffered; with it on, through the stream. Both files hold the product's values. In a
    /// child process, so that the setting does not reach other tests.
    @Test(arguments: ["0", "1"]) func directIOSettingGivesTheSameValues(setting: String) throws {
        let exe = try #require(WriteFailure.writerBench, "writer-bench not built")
        let dir = try makeTemporaryDirectory("h5-direct-setting")
        let records = 300_000
        let r = WriterValidators.run("/usr/bin/env", ["DOWNLINK_DIRECT_IO=\(setting)", exe, String(records), "h5-zstd3", dir + "/p.h5"])
        #expect(r.status == 0, "\(r.stderr)")
        let product = try BenchmarkProduct.make(records: records)
        for v in product.variables {
            let expected = v.column.withUnsafeBytes { Array($0) }
            let type = try HDF5Types.datatype(for: v.column.elementType)
            let back = try withExtendedLifetime(type) {
                try Self.readBack(dir + "/p.h5", "product/" + v.name, bytes: expected.count, type: type.id)
            }
            #expect(Self.firstDifference(back, expected) == -1, "\(v.name) differs (DOWNLINK_DIRECT_IO=\(setting))")
        }
    }

    /// A chunk stored again at the same place while its first bytes are still staged, and a chunk read
    /// back before the file is closed: both must see the latest bytes.
    @Test func rewrittenAndReadBackChunksSeeTheirLatestBytes() throws {
        try HDF5Library.setUp()
        let dir = try makeTemporaryDirectory("h5-direct-rewrite")
        let path = dir + "/rewrite.h5"
        let chunkBytes = 12_288
        let chunks = 40
        let fapl = try HDF5Object(H5Pcreate(dl_H5P_FILE_ACCESS()), .propertyList, "H5Pcreate")
        try HDF5Library.check(dl_set_fapl_direct_driver(fapl.id), "set driver")
        var data = Self.bytes(chunkBytes * chunks, seed: 7, noise: true)
        do {
            let file = try HDF5Object(H5Fcreate(path, dl_H5F_ACC_TRUNC(), dl_H5P_DEFAULT(), fapl.id), .file, "H5Fcreate")
            let space = try simpleSpace([chunkBytes * chunks])
            let dcpl = try HDF5Object(H5Pcreate(dl_H5P_DATASET_CREATE()), .propertyList, "H5Pcreate")
            var dims: [hsize_t] = [hsize_t(chunkBytes)]
            try HDF5Library.check(H5Pset_chunk(dcpl.id, 1, &dims), "H5Pset_chunk")
            try HDF5Library.check(H5Pset_deflate(dcpl.id, 1), "H5Pset_deflate")
            let d = try HDF5Object(H5Dcreate2(file.id, "v", dl_H5T_STD_U8LE(), space.id, dl_H5P_DEFAULT(), dcpl.id, dl_H5P_DEFAULT()),
                                   .dataset, "H5Dcreate2")
            // Stored with the (optional) deflate filter skipped: each chunk is its 12 KiB as they are.
            func store(_ k: Int) throws {
                var offset: [hsize_t] = [hsize_t(k * chunkBytes)]
                try HDF5Library.check(data.withUnsafeBytes { b in
                    H5Dwrite_chunk(d.id, dl_H5P_DEFAULT(), 1, &offset, chunkBytes, b.baseAddress! + k * chunkBytes)
                }, "H5Dwrite_chunk(\(k))")
            }
            for k in 0..<chunks { try store(k) }
            for i in (5 * chunkBytes)..<(6 * chunkBytes) { data[i] ^= 0x5A }
            try store(5)
            var offset: [hsize_t] = [hsize_t(5 * chunkBytes)]
            var mask: UInt32 = 0
            var back = [UInt8](repeating: 0, count: chunkBytes)
            try HDF5Library.check(back.withUnsafeMutableBytes { H5Dread_chunk(d.id, dl_H5P_DEFAULT(), &offset, &mask, $0.baseAddress) },
                                  "H5Dread_chunk")
            let latest = Array(data[(5 * chunkBytes)..<(6 * chunkBytes)])
            #expect(Self.firstDifference(back, latest) == -1, "chunk read before close differs")
            for k in chunks - 3..<chunks { try store(k) }
            try file.close()
        }
        let back = try Self.readBack(path, "v", bytes: data.count, type: dl_H5T_STD_U8LE())
        #expect(Self.firstDifference(back, data) == -1, "the file differs")
    }
}
