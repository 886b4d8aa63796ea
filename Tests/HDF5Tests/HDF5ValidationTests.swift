import Dataset
import Foundation
import Testing
import WriterTestSupport
@testable import HDF5

/// Round trips checked by independent readers (h5py with hdf5plugin, h5dump): every value must come
/// back bit-exactly, with the expected layout, filters and dimension scales. Runs
/// tools/writer-validators-venv; on CI a missing tool fails.
@Suite(.serialized) struct HDF5ValidationTests {
    /// The dimension scales `SampleDatasets.everyType` must get (see `DimensionScalePlan`).
    static let everyTypeScales: [String: [String?]] = {
        var s: [String: [String?]] = [:]
        for v in ["i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f32", "f64", "label", "crc"] { s[v] = ["epoch"] }
        s["tags"] = ["epoch", "tag"]
        s["epoch"] = [nil]
        s["vec3"] = ["epoch", "component"]
        s["matrix"] = ["epoch", "row", "column"]
        s["raw"] = ["epoch", "pair"]
        s["energy"] = ["energy_bin"]
        s["scale_factor"] = []
        return s
    }()

    func validate(_ manifest: WriterManifest, _ name: String) throws {
        let py = WriterValidators.python
        try #require(py != nil || !WriterValidators.isCI, "validator venv missing on CI")
        guard py != nil else { return }
        let r = try WriterValidators.validate(manifest, name: name)
        #expect(r.status == 0, "independent readers disagree:\n\(r.output.suffix(6000))")
        #expect(r.output.contains(" 0 failed"))
    }

    @Test(.enabled(if: WriterValidators.enabled)) func contiguousRoundTrip() throws {
        let dir = try makeTemporaryDirectory("h5-contiguous")
        var manifest = WriterManifest(directory: dir)
        let ds = try SampleDatasets.everyType(records: 1000)
        let report = try HDF5Writer().write(ds, to: dir + "/every.h5")
        #expect(report.group == "dl_test_l1_every-type")
        manifest.addHDF5(path: dir + "/every.h5", dataset: ds, group: report.group, filters: [], chunked: false,
                         scales: Self.everyTypeScales)
        try validate(manifest, "contiguous")
    }

    /// Contiguous columns of 1 MiB or more are placed by `PlacedFileWriter` after libhdf5 closes the
    /// file (direct I/O, sizes not a multiple of 4 KiB); the readers must see every value and scale.
    @Test(.enabled(if: WriterValidators.enabled)) func largeContiguousColumnsPlacedAfterClose() throws {
        let dir = try makeTemporaryDirectory("h5-placed")
        var manifest = WriterManifest(directory: dir)
        let ds = try SampleDatasets.everyType(records: 150_001)
        #expect(ds.variables.filter { $0.column.byteCount >= HDF5DatasetWriter.placedMinimum }.count >= 4)
        let report = try HDF5Writer().write(ds, to: dir + "/large.h5")
        manifest.addHDF5(path: dir + "/large.h5", dataset: ds, group: report.group, filters: [], chunked: false,
                         scales: Self.everyTypeScales)
        try validate(manifest, "placed")
    }

    @Test(.enabled(if: WriterValidators.enabled)) func compressedRoundTrips() throws {
        let dir = try makeTemporaryDirectory("h5-compressed")
        var manifest = WriterManifest(directory: dir)
        let ds = try SampleDatasets.everyType(records: 2500)
        let cases: [(String, HDF5Compression, Bool, [Int], Int)] = [
            ("deflate-shuffle", .deflate(level: 1), true, [2, 1], 0),
            ("deflate", .deflate(level: 6), false, [1], 0),
            ("zstd-shuffle", .zstd(level: 3), true, [2, 32015], 0),
            ("zstd-serial", .zstd(level: 1), false, [32015], 1),
        ]
        for (name, compression, shuffle, filters, threads) in cases {
            var options = HDF5WriteOptions()
            options.compression = compression
            options.shuffle = shuffle
            options.chunkRecords = 300          // 9 chunks, the last one partial
            options.maxConcurrency = threads
            options.group = "product-\(name)"
            try HDF5Writer(options: options).write(ds, to: dir + "/\(name).h5")
            manifest.addHDF5(path: dir + "/\(name).h5", dataset: ds, group: "product-\(name)", filters: filters,
                             chunked: true, scales: Self.everyTypeScales)
        }
        try validate(manifest, "compressed")
    }

    @Test(.enabled(if: WriterValidators.enabled)) func scalesFromDependAttributesAndIndexScales() throws {
        let dir = try makeTemporaryDirectory("h5-scales")
        var manifest = WriterManifest(directory: dir)
        var ds = Dataset(attributes: ["Mission": .text(["A", "B"])])
        try ds.add("counts", Column((0..<40).map { UInt16($0) }, shape: [4]), dimensions: ["channel"],
                   attributes: ["DEPEND_1": .string("channel_centre")])
        try ds.add("channel_centre", Column([Double](arrayLiteral: 1, 2, 4, 8), shape: [4], recordVarying: false),
                   dimensions: ["channel"])
        var options = HDF5WriteOptions()
        options.compression = .zstd(level: 5)
        try HDF5Writer(options: options).write(ds, to: dir + "/scales.h5")
        manifest.addHDF5(path: dir + "/scales.h5", dataset: ds, group: "product", filters: [2, 32015], chunked: true,
                         scales: ["counts": ["record", "channel_centre"], "channel_centre": [nil]])
        try validate(manifest, "scales")
    }

    /// libhdf5 serialises its calls behind one lock; concurrent products (each compressing on its own
    /// threads) must still come out right.
    @Test(.enabled(if: WriterValidators.enabled)) func concurrentCompressedWrites() async throws {
        let dir = try makeTemporaryDirectory("h5-concurrent")
        var manifest = WriterManifest(directory: dir)
        let ds = try SampleDatasets.everyType(records: 1500)
        var options = HDF5WriteOptions()
        options.compression = .deflate(level: 3)
        options.chunkRecords = 128
        options.group = "product"
        let writer = HDF5Writer(options: options)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<3 {
                group.addTask { try await writer.write(ds, to: dir + "/c\(i).h5") }
            }
            try await group.waitForAll()
        }
        for i in 0..<3 {
            manifest.addHDF5(path: dir + "/c\(i).h5", dataset: ds, group: "product", filters: [2, 1], chunked: true,
                             scales: Self.everyTypeScales)
        }
        try validate(manifest, "concurrent")
    }

    @Test(.enabled(if: WriterValidators.enabled)) func emptyProduct() throws {
        let dir = try makeTemporaryDirectory("h5-empty")
        var manifest = WriterManifest(directory: dir)
        let ds = try SampleDatasets.everyType(records: 0)
        var options = HDF5WriteOptions()
        options.compression = .deflate(level: 4)
        try HDF5Writer(options: options).write(ds, to: dir + "/empty.h5")
        manifest.addHDF5(path: dir + "/empty.h5", dataset: ds, group: "dl_test_l1_every-type", filters: [2, 1], chunked: true,
                         scales: Self.everyTypeScales)
        try validate(manifest, "empty")
    }

    @Test(.enabled(if: WriterValidators.enabled)) func zeroLengthVectorsAndOneRecord() throws {
        let dir = try makeTemporaryDirectory("h5-edge")
        var manifest = WriterManifest(directory: dir)
        let ds = try SampleDatasets.edgeShapes()
        var options = HDF5WriteOptions()
        options.compression = .zstd(level: 1)
        try HDF5Writer(options: options).write(ds, to: dir + "/edge.h5")
        manifest.addHDF5(path: dir + "/edge.h5", dataset: ds, group: "edge", filters: [2, 32015], chunked: true,
                         scales: ["t": [nil], "nothing": ["t", "none"], "one": ["t", "three"]])
        try validate(manifest, "edge")
    }
}
