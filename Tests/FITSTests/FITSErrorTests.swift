import Dataset
import Foundation
import Testing
import WriterTestSupport
@testable import FITS

/// Bad input is a clear error and leaves no file (neither the product nor a temporary file).
struct FITSErrorTests {
    func expectNoFiles(_ dir: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let left = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(left.isEmpty, "files left behind: \(left)", sourceLocation: sourceLocation)
    }

    @Test func unwritableFolderIsAnIOError() throws {
        let ds = try SampleDatasets.everyType(records: 3)
        #expect {
            try FITSWriter().write(ds, to: "/nonexistent-downlink-folder/x.fits")
        } throws: { e in
            guard case FITSError.output = e else { return false }
            return "\(e)".contains("No such file or directory")
        }
    }

    @Test func nonASCIIColumnNameIsRejectedBeforeWriting() throws {
        let dir = try makeTemporaryDirectory("fits-bad-name")
        var ds = Dataset()
        try ds.add("température", Column([Float(1), 2]))
        #expect {
            try FITSWriter().write(ds, to: dir + "/bad.fits")
        } throws: { e in
            guard case FITSError.invalidName(let n, _) = e else { return false }
            return n == "température"
        }
        try expectNoFiles(dir)
    }

    @Test func namesThatDifferOnlyInCaseCollide() throws {
        let dir = try makeTemporaryDirectory("fits-dup")
        var ds = Dataset()
        try ds.add("Flux", Column([Float(1)]))
        try ds.add("FLUX", Column([Float(2)]))
        #expect(throws: FITSError.self) { try FITSWriter().write(ds, to: dir + "/dup.fits") }
        try expectNoFiles(dir)
    }

    @Test func nanAttributeAndNonASCIITextAreRejected() throws {
        let dir = try makeTemporaryDirectory("fits-bad-attr")
        var ds = Dataset(attributes: ["BAD": .float64([.nan])])
        try ds.add("x", Column([Int32(1)]))
        #expect {
            try FITSWriter().write(ds, to: dir + "/nan.fits")
        } throws: { e in
            guard case FITSError.unrepresentableValue(let k, _) = e else { return false }
            return k == "BAD"
        }
        ds.attributes = ["TEXT": .string("line one\nline two")]
        #expect(throws: FITSError.self) { try FITSWriter().write(ds, to: dir + "/newline.fits") }
        try expectNoFiles(dir)
    }

    @Test func structuralKeywordsCannotBeAttributes() throws {
        let dir = try makeTemporaryDirectory("fits-reserved")
        for name in ["NAXIS", "naxis2", "TTYPE1", "CHECKSUM", "EXTNAME"] {
            var ds = Dataset(attributes: [name: .int32([1])])
            try ds.add("x", Column([Int32(1)]))
            #expect(performing: { try FITSWriter().write(ds, to: dir + "/r.fits") }, throws: { e in
                guard case FITSError.invalidName(let n, _) = e else { return false }
                return n == name
            })
        }
        // Keywords that merely look alike are fine.
        var ok = Dataset(attributes: ["NAXISX": .int32([1]), "TTYPE": .string("a")])
        try ok.add("x", Column([Int32(1)]))
        try FITSWriter().write(ok, to: dir + "/ok.fits")
        try FileManager.default.removeItem(atPath: dir + "/ok.fits")
        try expectNoFiles(dir)
    }

    @Test func tooLongKeywordNameIsRejected() throws {
        let dir = try makeTemporaryDirectory("fits-long-key")
        var ds = Dataset(attributes: [String(repeating: "k", count: 75): .int32([1])])
        try ds.add("x", Column([Int32(1)]))
        #expect(throws: FITSError.self) { try FITSWriter().write(ds, to: dir + "/long.fits") }
        try expectNoFiles(dir)
    }

    @Test func imagesNeedTwoOrThreeNumericDimensions() throws {
        let dir = try makeTemporaryDirectory("fits-bad-image")
        var ds = Dataset()
        try ds.add("scalar", Column([Float(1), 2, 3]))
        try ds.add("text", Column(strings: ["a", "b"], width: 2, shape: [1]))
        var options = FITSWriteOptions()
        options.images = ["scalar"]
        #expect(throws: FITSError.self) { try FITSWriter(options: options).write(ds, to: dir + "/a.fits") }
        options.images = ["text"]
        #expect {
            try FITSWriter(options: options).write(ds, to: dir + "/b.fits")
        } throws: { e in
            guard case FITSError.unsupportedElementType(let v, _, _) = e else { return false }
            return v == "text"
        }
        var clash = Dataset()
        try clash.add("x", Column([Float(1), 2, 3]))
        try clash.add("Data", Column((0..<6).map { Float($0) }, shape: [2]))
        options.images = ["Data"]          // the image's EXTNAME would equal the table's ("DATA")
        #expect {
            try FITSWriter(options: options).write(clash, to: dir + "/d.fits")
        } throws: { e in
            guard case FITSError.invalidOption(let r) = e else { return false }
            return r.contains("EXTNAME")
        }
        options.images = ["missing"]
        #expect(throws: FITSError.self) { try FITSWriter(options: options).write(ds, to: dir + "/c.fits") }
        try expectNoFiles(dir)
    }

    @Test func recordCountsMustAgree() throws {
        let dir = try makeTemporaryDirectory("fits-records")
        var ds = Dataset()
        try ds.add("a", Column([Float(1), 2, 3]))
        try ds.add("b", Column([Float(1), 2]))
        #expect {
            try FITSWriter().write(ds, to: dir + "/r.fits")
        } throws: { e in
            guard case FITSError.recordCountMismatch(let v, 2, 3) = e else { return false }
            return v == "b"
        }
        try expectNoFiles(dir)
    }

    @Test func cfitsioErrorsCarryCfitsioMessages() throws {
        #expect {
            _ = try FITSFile(creating: "/nonexistent-downlink-folder/y.fits")
        } throws: { e in
            guard case FITSError.cfitsio(let call, let status, let text, let messages) = e else { return false }
            return call.hasPrefix("ffinit") && status != 0 && !text.isEmpty && !messages.isEmpty
        }
    }

    @Test func displayFormats() {
        for ok in ["I6", "F10.3", "E12.5", "ES12.4", "EN8.2", "G12.5E3", "A20", "L1", "Z8", "D25.17"] {
            #expect(FITSColumnKeywords.isDisplayFormat(ok), "\(ok)")
        }
        for bad in ["", "F10", "X", "I", "E12.", "A2.1", "%5d", "10F"] {
            #expect(!FITSColumnKeywords.isDisplayFormat(bad), "\(bad)")
        }
    }
}

/// A write that fails half-way (the file-size limit is hit) reports cfitsio's error and leaves no file.
struct FITSWriteFailureTests {
    @Test func fileSizeLimitMidWriteLeavesNothing() throws {
        let dir = try makeTemporaryDirectory("fits-efbig")
        let r = try #require(WriteFailure.run(kind: "fits-checksum", records: 200_000, path: dir + "/big.fits", limitKiB: 2000),
                             "writer-bench not built")
        #expect(r.status == 1, "stdout: \(r.stdout) stderr: \(r.stderr)")
        #expect(r.stderr.contains("FITS:") && r.stderr.contains("cfitsio status"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
