import CHDF5
import Dataset
import Foundation
import Testing
import WriterTestSupport
@testable import HDF5

/// The in-process zstd filter (32015) itself: libhdf5 compresses through it on a plain H5Dwrite and
/// decompresses through it on H5Dread, and h5py with hdf5plugin reads what it compressed.
struct ZstdFilterTests {
    static let values: [Int64] = (0..<5000).map { Int64($0 / 7) &* 1_000_003 }

    /// Writes `values` through libhdf5's own filter pipeline (chunks of 512, shuffle + zstd level 4).
    func writeThroughPipeline(_ path: String) throws {
        try HDF5Library.setUp()
        let file = try HDF5Object(H5Fcreate(path, dl_H5F_ACC_TRUNC(), dl_H5P_DEFAULT(), dl_H5P_DEFAULT()), .file, "H5Fcreate")
        do {
            let space = try simpleSpace([Self.values.count])
            let dcpl = try HDF5Object(H5Pcreate(dl_H5P_DATASET_CREATE()), .propertyList, "H5Pcreate")
            var chunk: [hsize_t] = [512]
            try HDF5Library.check(H5Pset_chunk(dcpl.id, 1, &chunk), "H5Pset_chunk")
            try HDF5Library.check(H5Pset_shuffle(dcpl.id), "H5Pset_shuffle")
            var cd: [UInt32] = [4]
            try HDF5Library.check(H5Pset_filter(dcpl.id, ZstdFilter.id, UInt32(H5Z_FLAG_MANDATORY), 1, &cd), "H5Pset_filter")
            let d = try HDF5Object(H5Dcreate2(file.id, "v", dl_H5T_STD_I64LE(), space.id, dl_H5P_DEFAULT(), dcpl.id, dl_H5P_DEFAULT()),
                                   .dataset, "H5Dcreate2")
            try HDF5Library.check(Self.values.withUnsafeBytes {
                H5Dwrite(d.id, dl_H5T_STD_I64LE(), dl_H5S_ALL(), dl_H5S_ALL(), dl_H5P_DEFAULT(), $0.baseAddress)
            }, "H5Dwrite")
        }
        try file.close()
    }

    /// Reads dataset `name` (int64) back through libhdf5 (and so through the registered filter).
    func readBack(_ path: String, _ name: String, count: Int) throws -> [Int64] {
        let file = try HDF5Object(H5Fopen(path, dl_H5F_ACC_RDONLY(), dl_H5P_DEFAULT()), .file, "H5Fopen")
        let d = try HDF5Object(H5Dopen2(file.id, name, dl_H5P_DEFAULT()), .dataset, "H5Dopen2")
        var out = [Int64](repeating: -1, count: count)
        try HDF5Library.check(out.withUnsafeMutableBytes {
            H5Dread(d.id, dl_H5T_STD_I64LE(), dl_H5S_ALL(), dl_H5S_ALL(), dl_H5P_DEFAULT(), $0.baseAddress)
        }, "H5Dread")
        return out
    }

    @Test func libhdf5CompressesAndDecompressesThroughTheFilter() throws {
        let dir = try makeTemporaryDirectory("h5-zstd-filter")
        let path = dir + "/pipeline.h5"
        try writeThroughPipeline(path)
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < Self.values.count * 8 / 4, "zstd did not compress: \(size) bytes")
        #expect(try readBack(path, "v", count: Self.values.count) == Self.values)
    }

    @Test func chunksCompressedInSwiftDecompressInProcess() throws {
        let dir = try makeTemporaryDirectory("h5-zstd-readback")
        var ds = Dataset()
        try ds.add("v", Column(Self.values))
        var options = HDF5WriteOptions()
        options.compression = .zstd(level: 9)
        options.chunkRecords = 700
        options.group = "g"
        try HDF5Writer(options: options).write(ds, to: dir + "/direct.h5")
        #expect(try readBack(dir + "/direct.h5", "g/v", count: Self.values.count) == Self.values)
    }

    @Test(.enabled(if: WriterValidators.enabled)) func h5pyReadsWhatTheFilterCompressed() throws {
        let py = try #require(WriterValidators.python, "validator venv missing")
        let dir = try makeTemporaryDirectory("h5-zstd-h5py")
        try writeThroughPipeline(dir + "/pipeline.h5")
        let script = """
            import sys, h5py, hdf5plugin, numpy as np
            d = h5py.File(sys.argv[1])['v']
            assert d.id.get_create_plist().get_filter(1)[0] == 32015
            expect = (np.arange(5000, dtype=np.int64) // 7) * 1000003
            assert d.dtype == np.int64 and np.array_equal(d[()], expect), 'values differ'
            print('ok')
            """
        let r = WriterValidators.run(py, ["-c", script, dir + "/pipeline.h5"])
        #expect(r.status == 0 && r.stdout.contains("ok"), "\(r.stdout)\(r.stderr)")
    }
}
