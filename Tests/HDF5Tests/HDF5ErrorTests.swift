import Dataset
import Foundation
import Testing
import WriterTestSupport
@testable import HDF5
import CHDF5

/// Bad input is a clear error and leaves no file (neither the product nor a temporary file);
/// libhdf5 failures carry the library's error stack.
struct HDF5ErrorTests {
    func expectNoFiles(_ dir: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let left = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(left.isEmpty, "files left behind: \(left)", sourceLocation: sourceLocation)
    }

    @Test func unwritableFolderIsAnIOError() throws {
        let ds = try SampleDatasets.everyType(records: 3)
        #expect {
            try HDF5Writer().write(ds, to: "/nonexistent-downlink-folder/x.h5")
        } throws: { e in
            guard case HDF5Error.output = e else { return false }
            return "\(e)".contains("No such file or directory")
        }
    }

    @Test func slashInAVariableNameIsRejected() throws {
        let dir = try makeTemporaryDirectory("h5-slash")
        var ds = Dataset()
        try ds.add("a/b", Column([Int32(1)]))
        #expect {
            try HDF5Writer().write(ds, to: dir + "/x.h5")
        } throws: { e in
            guard case HDF5Error.invalidName(let n, _) = e else { return false }
            return n == "a/b"
        }
        var options = HDF5WriteOptions()
        options.group = "g/h"
        var ok = Dataset()
        try ok.add("x", Column([Int32(1)]))
        #expect(throws: HDF5Error.self) { try HDF5Writer(options: options).write(ok, to: dir + "/y.h5") }
        try expectNoFiles(dir)
    }

    @Test func dimensionScaleAttributeNamesAreReserved() throws {
        let dir = try makeTemporaryDirectory("h5-reserved")
        var ds = Dataset()
        try ds.add("x", Column([Int32(1)]), attributes: ["CLASS": .string("mine")])
        #expect {
            try HDF5Writer().write(ds, to: dir + "/x.h5")
        } throws: { e in
            guard case HDF5Error.invalidName("CLASS", _) = e else { return false }
            return true
        }
        try expectNoFiles(dir)
    }

    @Test func dimensionNamedLikeAnUnfitVariableIsRejected() throws {
        let dir = try makeTemporaryDirectory("h5-dim-collision")
        var ds = Dataset()
        try ds.add("spectrum", Column((0..<8).map { Float($0) }, shape: [4]), dimensions: ["energy"])
        try ds.add("energy", Column((0..<2).map { Float($0) }))     // record-varying: cannot be a scale of size 4
        #expect {
            try HDF5Writer().write(ds, to: dir + "/x.h5")
        } throws: { e in
            guard case HDF5Error.invalidName("energy", _) = e else { return false }
            return true
        }
        try expectNoFiles(dir)
    }

    @Test func badOptionsAreRejected() throws {
        let dir = try makeTemporaryDirectory("h5-options")
        var ds = Dataset()
        try ds.add("x", Column([Int32(1), 2]))
        var options = HDF5WriteOptions()
        options.compression = .deflate(level: 11)
        #expect(throws: HDF5Error.self) { try HDF5Writer(options: options).write(ds, to: dir + "/a.h5") }
        options.compression = .zstd(level: 3)
        options.chunkRecords = 0
        #expect(throws: HDF5Error.self) { try HDF5Writer(options: options).write(ds, to: dir + "/b.h5") }
        try expectNoFiles(dir)
    }

    @Test func libraryErrorsCarryTheErrorStack() throws {
        try HDF5Library.setUp()
        #expect {
            _ = try HDF5Object(H5Fopen("/nonexistent-downlink-folder/none.h5", dl_H5F_ACC_RDONLY(), dl_H5P_DEFAULT()), .file, "H5Fopen(none.h5)")
        } throws: { e in
            guard case HDF5Error.library(let call, let stack) = e else { return false }
            return call == "H5Fopen(none.h5)" && stack.first?.hasPrefix("H5Fopen") == true && stack.count > 1
        }
        // The stack was cleared: the next failure reports only its own entries.
        #expect(HDF5Library.errorStack().isEmpty)
    }

    @Test func asyncWriteProducesTheSameFile() async throws {
        let dir = try makeTemporaryDirectory("h5-async")
        let ds = try SampleDatasets.everyType(records: 10)
        let a = try await HDF5Writer().write(ds, to: dir + "/async.h5")
        func writeBlocking() throws -> HDF5WriteReport { try HDF5Writer().write(ds, to: dir + "/sync.h5") }
        let b = try writeBlocking()
        #expect(a.bytes == b.bytes && a.bytes > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["async.h5", "sync.h5"])
    }
}

/// A write that fails half-way (the file-size limit is hit) reports libhdf5's error stack and leaves
/// no file, contiguous and compressed alike.
struct HDF5WriteFailureTests {
    @Test(arguments: ["h5", "h5-zstd3-shuffle"]) func fileSizeLimitMidWriteLeavesNothing(kind: String) throws {
        let dir = try makeTemporaryDirectory("h5-efbig")
        let r = try #require(WriteFailure.run(kind: kind, records: 400_000, path: dir + "/big.h5", limitKiB: 2000),
                             "writer-bench not built")
        #expect(r.status == 1, "stdout: \(r.stdout) stderr: \(r.stderr)")
        #expect(r.stderr.contains("HDF5:") && r.stderr.contains("failed"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
