import Dataset
import Foundation
import Testing
@testable import CDF

/// Sparse records, pad values, MD5 and ISTP products, checked by the independent readers.
@Suite(.serialized)
struct FeatureValidationTests {
    static func sparseDataset() throws -> (Dataset, [String: CDFVariableOptions], [String: Manifest.Expect]) {
        var ds = Dataset()
        var opts: [String: CDFVariableOptions] = [:]
        var exp: [String: Manifest.Expect] = [:]
        let rn = [2, 3, 4, 9, 10, 15]
        // pad-sparse int16 vectors with an explicit pad
        try ds.add("sp_pad", try Column([Int16](arrayLiteral: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), shape: [2]))
        opts["sp_pad"] = CDFVariableOptions(padValue: .int16([-999]), sparseRecords: .padMissing, recordNumbers: rn)
        exp["sp_pad"] = .init(cdfType: .int2, sparse: .padMissing, recordNumbers: rn, pad: [0x19, 0xFC])
        // previous-sparse float64 scalars, default pad
        try ds.add("sp_prev", try Column([1.5, 2.5, 3.5, 4.5, 5.5, 6.5]))
        opts["sp_prev"] = CDFVariableOptions(sparseRecords: .previousMissing, recordNumbers: rn)
        exp["sp_prev"] = .init(cdfType: .real8, sparse: .previousMissing, recordNumbers: rn,
                               pad: withUnsafeBytes(of: (-1.0e30).bitPattern.littleEndian) { Array($0) })
        // pad-sparse and gzip-compressed uint32, blocks of 2 records
        try ds.add("sp_gz", try Column([UInt32](arrayLiteral: 10, 20, 30, 40, 50, 60)))
        opts["sp_gz"] = CDFVariableOptions(compression: .gzip(level: 6), padValue: .uint32([7]), sparseRecords: .padMissing,
                                           recordNumbers: rn, blockRecords: 2)
        exp["sp_gz"] = .init(cdfType: .uint4, compressed: true, sparse: .padMissing, recordNumbers: rn, pad: [7, 0, 0, 0])
        // a dense variable with an explicit pad value
        try ds.add("dense_pad", try Column([Float](arrayLiteral: 1, 2, 3)))
        opts["dense_pad"] = CDFVariableOptions(padValue: .float32([-5]))
        exp["dense_pad"] = .init(cdfType: .real4)
        return (ds, opts, exp)
    }

    @Test(.enabled(if: Validators.enabled))
    func sparseRecordsPadValuesAndMD5() throws {
        let dir = try makeTemporaryDirectory("sparse")
        var manifest = Manifest(directory: dir)
        let (ds, opts, exp) = try Self.sparseDataset()
        let path = dir + "/sparse.cdf"
        try CDFWriter(options: CDFWriteOptions(md5: true, variables: opts)).write(ds, to: path)
        manifest.add(path: path, dataset: ds, expect: exp, md5: true)

        // Our reader agrees with the expected logical records too.
        let r = try CDFReader(path: path)
        #expect(try r.column("sp_pad").values(as: Int16.self) ==
                [-999, -999, -999, -999, 1, 2, 3, 4, 5, 6, -999, -999, -999, -999, -999, -999, -999, -999, 7, 8, 9, 10, -999, -999, -999, -999, -999, -999, -999, -999, 11, 12])
        #expect(try r.column("sp_prev").values(as: Double.self) ==
                [-1e30, -1e30, 1.5, 2.5, 3.5, 3.5, 3.5, 3.5, 3.5, 4.5, 5.5, 5.5, 5.5, 5.5, 5.5, 6.5])
        #expect(try r.column("sp_gz").values(as: UInt32.self) == [7, 7, 10, 20, 30, 7, 7, 7, 7, 40, 50, 7, 7, 7, 7, 60])
        #expect(try r.variable("sp_prev").sparse == .previousMissing)
        #expect(try r.variable("dense_pad").pad == withUnsafeBytes(of: Float(-5).bitPattern.littleEndian) { Array($0) })
        #expect(try r.verifyMD5() == true)

        // The MD5 variant of the all-types file, gzip-compressed.
        let (all, allOpts, allExp) = try WriterValidationTests.allTypesDataset()
        let p2 = dir + "/alltypes-md5.cdf"
        let report = try CDFWriter(options: CDFWriteOptions(compression: .gzip(level: 1), md5: true, variables: allOpts)).write(all, to: p2)
        var e2 = allExp
        for v in all.variables where !(e2[v.name]!.cdfType.isEpoch) && v.column.isRecordVarying && v.column.records > 0 { e2[v.name]!.compressed = true }
        manifest.add(path: p2, dataset: all, expect: e2, md5: true)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: p2)))
        #expect(hex(MD5.digest(Array(bytes.dropLast(16)))) == report.md5)
        #expect(hex(Array(bytes.suffix(16))) == report.md5)
        try Validators.validate(manifest, name: "sparse")
    }

    /// An ISTP-complete product: the writer's checker finds nothing, and so do astralint and spacepy.
    static func istpDataset(records: Int = 20) throws -> Dataset {
        let conv = TT2000Converter()
        let t0 = try conv.tt2000(.init(2025, 6, 1))
        var ds = Dataset(attributes: [
            "Project": .string("ISTP>International Solar-Terrestrial Physics"),
            "Source_name": .string("DEMO>Downlink Demonstration Mission"),
            "Discipline": .string("Space Physics>Magnetospheric Science"),
            "Data_type": .string("L1>Level 1"),
            "Descriptor": .string("MAG>Magnetometer"),
            "Data_version": .string("1"),
            "Acknowledgement": .string("Synthetic data; no acknowledgement needed."),
            "DOI": .string("https://doi.org/10.0000/downlink-demo"),
            "File_naming_convention": .string("source_descriptor_datatype_yyyyMMdd"),
            "Generated_by": .string("Downlink tests"),
            "Generation_date": .string("20260101"),
            "HTTP_LINK": .string("https://example.org/downlink"),
            "LINK_TITLE": .string("Downlink"),
            "MODS": .string("Initial version"),
            "Rules_of_use": .string("Test data, free to use."),
            "Time_resolution": .string("1 s"),
            "spase_DatasetResourceID": .string("spase://Example/NumericalData/Downlink/Demo/PT1S"),
            "Logical_file_id": .string("demo_l1_mag_20250601_v001"),
            "Logical_source": .string("demo_l1_mag"),
            "Logical_source_description": .string("Demo Level 1 magnetometer data"),
            "Mission_group": .string("DEMO"),
            "PI_name": .string("A. Scientist"),
            "PI_affiliation": .text(["Somewhere Institute", "1 Example Road"]),
            "Instrument_type": .string("Magnetic Fields (space)"),
            "TEXT": .text(["Synthetic data written by the Downlink tests.", "Second line."]),
        ])
        try ds.add("epoch", try Column.tt2000((0..<records).map { t0 + Int64($0) * 1_000_000_000 }), attributes: [
            "CATDESC": .string("Time tag"), "FIELDNAM": .string("epoch"), "VAR_TYPE": .string("support_data"),
            "FORMAT": .string("a32"),
            "UNITS": .string("ns"), "FILLVAL": .tt2000([Int64.min]), "VALIDMIN": .tt2000([t0]),
            "VALIDMAX": .tt2000([t0 + 86_400_000_000_000]), "MONOTON": .string("INCREASE"),
            "SCALETYP": .string("linear"), "TIME_BASE": .string("J2000"), "TIME_SCALE": .string("Terrestrial Time"),
            "REFERENCE_POSITION": .string("Rotating Earth Geoid"), "LABLAXIS": .string("Epoch"),
        ])
        try ds.add("B_mag", try Column((0..<records).map { Float($0) * 0.25 + 3 }), attributes: [
            "CATDESC": .string("Magnetic field magnitude"), "FIELDNAM": .string("B_mag"), "VAR_TYPE": .string("data"),
            "FORMAT": .string("F8.3"), "UNITS": .string("nT"), "DEPEND_0": .string("epoch"),
            "LABLAXIS": .string("|B|"), "DISPLAY_TYPE": .string("time_series"),
            "FILLVAL": .float32([-1e31]), "VALIDMIN": .float32([0]), "VALIDMAX": .float32([100000]),
            "SCALETYP": .string("linear"),
        ])
        try ds.add("counts", try Column((0..<(records * 4)).map { UInt32($0 * 7 % 1000) }, shape: [4]), dimensions: ["energy_bin"], attributes: [
            "CATDESC": .string("Counts per energy bin"), "FIELDNAM": .string("counts"), "VAR_TYPE": .string("data"),
            "FORMAT": .string("I10"), "UNITS": .string("counts"), "DEPEND_0": .string("epoch"), "DEPEND_1": .string("energy"),
            "LABL_PTR_1": .string("energy_label"), "DISPLAY_TYPE": .string("spectrogram"), "LABLAXIS": .string("Counts"),
            "FILLVAL": .uint32([UInt32.max]), "VALIDMIN": .uint32([0]), "VALIDMAX": .uint32([1_000_000]),
            "SCALETYP": .string("log"),
        ])
        try ds.add("energy", try Column([Float](arrayLiteral: 10, 100, 1000, 10000), shape: [4], recordVarying: false), dimensions: ["energy_bin"], attributes: [
            "CATDESC": .string("Energy bin centres"), "FIELDNAM": .string("energy"), "VAR_TYPE": .string("support_data"),
            "FORMAT": .string("F8.1"), "UNITS": .string("eV"), "FILLVAL": .float32([-1e31]), "VALIDMIN": .float32([0]),
            "VALIDMAX": .float32([1e6]), "LABLAXIS": .string("Energy"), "SCALETYP": .string("log"),
        ])
        try ds.add("energy_label", try Column(strings: ["E0", "E1", "E2", "E3"], width: 2, shape: [4], recordVarying: false), dimensions: ["energy_bin"], attributes: [
            "CATDESC": .string("Energy bin labels"), "FIELDNAM": .string("energy_label"), "VAR_TYPE": .string("metadata"),
            "FORMAT": .string("a2"), "FILLVAL": .string(" "),
        ])
        try ds.add("quality", try Column((0..<records).map { UInt16($0 % 3) }), attributes: [
            "CATDESC": .string("Quality flag"), "FIELDNAM": .string("quality"), "VAR_TYPE": .string("support_data"),
            "FORMAT": .string("I5"), "UNITS": .string(" "), "DEPEND_0": .string("epoch"), "FILLVAL": .uint16([65535]),
            "VALIDMIN": .uint16([0]), "VALIDMAX": .uint16([2]), "LABLAXIS": .string("Quality"),
        ])
        return ds
    }

    @Test(.enabled(if: Validators.enabled))
    func istpCompleteProductIsCleanForAstralintAndSpacepy() throws {
        let ds = try Self.istpDataset()
        #expect(ISTPChecker.check(ds) == [])
        let dir = try makeTemporaryDirectory("istp")
        let path = dir + "/demo_l1_mag_20250601_v001.cdf"
        let report = try CDFWriter(options: CDFWriteOptions(compression: .gzip(level: 6), md5: true, istp: .error)).write(ds, to: path)
        #expect(report.istpIssues.isEmpty)
        var manifest = Manifest(directory: dir)
        manifest.add(path: path, dataset: ds, expect: [
            "epoch": .init(cdfType: .timeTT2000), "B_mag": .init(cdfType: .real4, compressed: true),
            "counts": .init(cdfType: .uint4, compressed: true), "energy": .init(cdfType: .real4),
            "energy_label": .init(cdfType: .char), "quality": .init(cdfType: .uint2, compressed: true),
        ], md5: true, istp: true, xarray: true)
        try Validators.validate(manifest, name: "istp")
    }

    @Test func istpCheckerReportsMissingAndMistypedAttributes() throws {
        var ds = try Self.istpDataset()
        ds.attributes["PI_name"] = nil
        ds.attributes["TEXT"] = .int32([1])
        ds.attributes["Data_version"] = .string("v001")
        var b = ds["B_mag"]!.attributes
        b["FILLVAL"] = .float64([-1e31])
        b["DEPEND_0"] = .string("time")
        b["UNITS"] = nil
        try ds.setAttributes(of: "B_mag", b)
        let issues = ISTPChecker.check(ds)
        #expect(issues.contains(ISTPIssue(variable: nil, attribute: "PI_name", problem: .missing)))
        #expect(issues.contains(ISTPIssue(variable: nil, attribute: "TEXT", problem: .wrongType(expected: "non-empty text", actual: "int32"))))
        #expect(issues.contains(ISTPIssue(variable: "B_mag", attribute: "FILLVAL", problem: .wrongType(expected: "float32 like the variable", actual: "float64"))))
        #expect(issues.contains(ISTPIssue(variable: "B_mag", attribute: "UNITS", problem: .missing)))
        #expect(issues.contains(ISTPIssue(variable: "B_mag", attribute: "DEPEND_0", problem: .danglingReference("time"))))
        #expect(issues.contains(ISTPIssue(variable: nil, attribute: "Data_version", problem: .invalidValue("'v001' is not a number (e.g. '1', '1.0', '01')"))))
        #expect(issues.count == 6)
        let dir = try makeTemporaryDirectory("istp-bad")
        // As a warning, the file is written and the findings returned.
        var ds2 = ds
        var b2 = ds2["B_mag"]!.attributes
        b2["FILLVAL"] = .float32([-1e31])
        try ds2.setAttributes(of: "B_mag", b2)
        let report = try CDFWriter(options: CDFWriteOptions(istp: .warn)).write(ds2, to: dir + "/warn.cdf")
        #expect(report.istpIssues.count == 5)
        #expect(FileManager.default.fileExists(atPath: dir + "/warn.cdf"))
        // As an error, nothing is written.
        #expect { try CDFWriter(options: CDFWriteOptions(istp: .error)).write(ds2, to: dir + "/err.cdf") } throws: { e in
            guard case CDFError.istp(let found) = e else { return false }
            return found.count == 5 && "\(e)".contains("global attribute PI_name is missing")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/err.cdf"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["warn.cdf"])
    }
}
