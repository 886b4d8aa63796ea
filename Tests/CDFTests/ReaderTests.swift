import Dataset
import Foundation
import Testing
@testable import CDF

@Suite struct ReaderTests {
    static let mag = "/work/shared/reference/imap/mag/imap_mag_l1a_burst-magi_20231025_v001.cdf"
    static var magPath: String {
        // shared/ sits beside the checkout on CI; fall back to the absolute path used on dev machines.
        let rel = Validators.repoRoot + "/../shared/reference/imap/mag/imap_mag_l1a_burst-magi_20231025_v001.cdf"
        return FileManager.default.fileExists(atPath: rel) ? rel : mag
    }

    /// Expected values were read independently with cdflib 1.3.16 (varget / varinq).
    @Test func readsIMAPMagL1AFileWrittenByCdflib() throws {
        let r = try CDFReader(path: Self.magPath)
        #expect(r.version.major == 3 && r.version.release == 9)
        #expect(r.encoding == 6 && r.isRowMajor && !r.hasMD5)
        #expect(r.leapSecondLastUpdated == 20170101)
        #expect(r.variables.map(\.name) == ["vectors", "epoch", "direction"])
        let vectors = try r.variable("vectors"), epoch = try r.variable("epoch"), direction = try r.variable("direction")
        #expect(vectors.type == .int8 && vectors.dims == [4] && vectors.records == 608 && vectors.recordVarying)
        #expect(epoch.type == .timeTT2000 && epoch.dims == [] && epoch.records == 608)
        #expect(direction.type == .int8 && direction.dims == [4] && !direction.recordVarying && direction.records == 1)

        let v = try r.column("vectors").values(as: Int64.self)
        #expect(v.count == 608 * 4)
        #expect(Array(v[0..<12]) == [20, 83, 167, 3, 42, 168, 337, 3, 42, 171, 343, 3])
        #expect(Array(v[(607 * 4)...]) == [541, 2165, 4331, 3])
        #expect(v.reduce(0, +) == 2_303_753)
        let e = try r.column("epoch")
        #expect(e.elementType == .tt2000)
        let ev = try e.values(as: Int64.self)
        #expect(Array(ev[0..<3]) == [751_530_758_353_000_000, 751_530_758_478_000_000, 751_530_758_603_000_000])
        #expect(ev[607] == 751_530_832_228_763_000)
        #expect("\(try TT2000Converter().utc(ev[0]))" == "2023-10-25T18:31:29.169000000")
        #expect(try r.column("direction").values(as: Int64.self) == [0, 1, 2, 3])

        #expect(r.globalAttribute("PI_affiliation")?.entries.map(\.entry.value) ==
                [.text(["Princeton Plasma Physics Laboratory"]), .text(["100 Stellarator Road, Princeton, NJ 08540"])])
        #expect(r.globalAttribute("Logical_source")?.entries.first?.entry.value == .text(["imap_mag_l1a_burst-magi"]))
        #expect(vectors.attribute("FILLVAL") == CDFAttributeEntry(type: .int8, value: .int64([Int64.max])))
        #expect(vectors.attribute("DEPEND_1")?.value == .text(["direction"]))
        #expect(epoch.attribute("VALIDMIN") == CDFAttributeEntry(type: .timeTT2000, value: .tt2000([-315_575_942_816_000_000])))
        #expect(epoch.attribute("FORMAT")?.value == .text([""]))

        let ds = try r.dataset()
        #expect(ds.variables.count == 3)
        #expect(ds.attributes["PI_affiliation"] == .text(["Princeton Plasma Physics Laboratory", "100 Stellarator Road, Princeton, NJ 08540"]))
    }

    @Test func describeShowsVariablesAttributesAndFirstRecords() throws {
        let text = try CDFReader(path: Self.magPath).describe(records: 2)
        #expect(text.contains("CDF 3.9.0, encoding 6 (little-endian), row-major"))
        #expect(text.contains("  vectors  CDF_INT8 [4]  608 records  (record-varying)"))
        #expect(text.contains("    [0] [20, 83, 167, 3]"))
        #expect(text.contains("    [0] 2023-10-25T18:31:29.169000000"))
        #expect(text.contains("    ... 606 more"))
        #expect(text.contains("    [0] \"Princeton Plasma Physics Laboratory\""))
        #expect(text.contains("  direction  CDF_INT8 [4]  1 record  (not record-varying)"))
    }

    /// Everything the writer writes reads back equal: all types, shapes, compressions, MD5.
    @Test(arguments: [CDFCompression.none, .gzip(level: 1), .gzip(level: 6)])
    func roundTripsEveryTypeThroughOwnReader(compression: CDFCompression) throws {
        let dir = try makeTemporaryDirectory("roundtrip")
        let (ds, opts, _) = try WriterValidationTests.allTypesDataset(records: 11)
        var o = opts
        for v in ds.variables { o[v.name, default: CDFVariableOptions()].blockRecords = 4 }
        let path = dir + "/rt.cdf"
        let report = try CDFWriter(options: CDFWriteOptions(compression: compression, md5: true, variables: o)).write(ds, to: path)
        let r = try CDFReader(path: path)
        #expect(try r.verifyMD5() == true)
        #expect(report.md5?.count == 32)
        #expect(r.variables.map(\.name) == ds.variables.map(\.name))
        for v in ds.variables {
            let info = try r.variable(v.name)
            let back = try r.column(v.name)
            #expect(back.records == v.column.records, "\(v.name)")
            #expect(back.withUnsafeBytes { Array($0) } == v.column.withUnsafeBytes { Array($0) }, "\(v.name)")
            if compression != .none && v.column.isRecordVarying && v.column.records > 0 && !info.type.isEpoch {
                #expect(info.compression?.method == 5, "\(v.name)")
            } else {
                #expect(info.compression == nil, "\(v.name)")
            }
            for (name, value) in v.attributes {
                let got = try #require(info.attribute(name), "\(v.name).\(name)")
                if case .text = value { #expect(got.value == value) }
                else { #expect(got.value.littleEndianBytes == value.littleEndianBytes, "\(v.name).\(name)") }
            }
        }
        #expect(r.globalAttribute("Project")?.entries.map(\.entry.value) == [.text(["Downlink>Tests"]), .text(["second entry"])])
        #expect(r.globalAttribute("Counts")?.entries.first?.entry == CDFAttributeEntry(type: .int4, value: .int32([1, -2, 3])))
        #expect(r.globalAttribute("Start")?.entries.first?.entry.type == .timeTT2000)
        #expect(try CDFReader(path: path).describe().contains("epoch  CDF_EPOCH scalar  11 records"))
    }

    @Test func rejectsNonCDFAndTruncatedFiles() throws {
        let dir = try makeTemporaryDirectory("bad")
        try Data("hello world, not a CDF".utf8).write(to: URL(fileURLWithPath: dir + "/x.cdf"))
        #expect { try CDFReader(path: dir + "/x.cdf") } throws: { e in
            guard case CDFError.notACDF = e else { return false }; return true
        }
        let (ds, _, _) = try WriterValidationTests.allTypesDataset()
        var good = Dataset()
        try good.add(ds["i4"]!)
        try CDFWriter().write(good, to: dir + "/good.cdf")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/good.cdf"))
        try bytes.prefix(400).write(to: URL(fileURLWithPath: dir + "/cut.cdf"))
        #expect { try CDFReader(path: dir + "/cut.cdf") } throws: { e in
            guard case CDFError.corrupt(_, _, let reason) = e else { return false }
            return reason.contains("past the end") || reason.contains("outside the file")
        }
        #expect(throws: CDFError.self) { try CDFReader(path: dir + "/missing.cdf") }
    }
}

@Suite struct RangeReadTests {
    /// A window of records equals the same slice of a full read, for dense, compressed and sparse
    /// variables (previous-sparse windows that start in a gap take the record before the window).
    @Test func windowsEqualSlicesOfFullReads() throws {
        let dir = try makeTemporaryDirectory("range")
        let (ds, opts, _) = try FeatureValidationTests.sparseDataset()
        var all = ds
        try all.add("dense_gz", try Column((0..<100).map { Int32($0 * 3) }, shape: [1]))
        var o = opts
        o["dense_gz"] = CDFVariableOptions(compression: .gzip(level: 1), blockRecords: 7)
        try CDFWriter(options: .init(variables: o)).write(all, to: dir + "/r.cdf")
        let r = try CDFReader(path: dir + "/r.cdf")
        for v in r.variables {
            let full = try r.column(v.name)
            let rb = full.bytesPerRecord
            let bytes = full.withUnsafeBytes { Array($0) }
            for window in [0..<1, 0..<5, 3..<9, 5..<6, 11..<16, 13..<60, 40..<55, 99..<100] {
                let part = try r.column(v.name, records: window)
                let w = window.clamped(to: 0..<full.records)
                #expect(part.records == w.count, "\(v.name) \(window)")
                #expect(part.withUnsafeBytes { Array($0) } == Array(bytes[(w.lowerBound * rb)..<(w.upperBound * rb)]), "\(v.name) \(window)")
            }
        }
        // sp_prev holds 1.5 2.5 3.5 at 2-4, 4.5 5.5 at 9-10, 6.5 at 15: records 5-8 repeat 3.5.
        #expect(try r.column("sp_prev", records: 6..<9).values(as: Double.self) == [3.5, 3.5, 3.5])
        #expect(try r.column("sp_prev", records: 11..<13).values(as: Double.self) == [5.5, 5.5])
    }
}
