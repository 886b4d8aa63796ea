import Dataset
import Foundation
import Testing
@testable import CDF

/// The "every type, shape and compression" product, re-read by the NASA library, cdflib, pycdfpp and
/// JCDF (tools/cdf_validate.py) with bit-exact comparisons.
@Suite(.serialized)
struct WriterValidationTests {
    /// One variable of each CDF type / shape combination, with the CDF type it must be written as.
    static func allTypesDataset(records: Int = 7) throws -> (Dataset, [String: CDFVariableOptions], [String: Manifest.Expect]) {
        var ds = Dataset(attributes: [
            "Project": .text(["Downlink>Tests", "second entry"]),
            "Counts": .int32([1, -2, 3]),
            "Scale": .float64([0.5]),
            "Start": .tt2000([788_961_669_184_000_000]),
            "Empty_text": .text([""]),
        ])
        var opts: [String: CDFVariableOptions] = [:]
        var exp: [String: Manifest.Expect] = [:]
        func add(_ name: String, _ type: ElementType, _ shape: [Int], cdf: CDFDataType, override: CDFDataType? = nil,
                 rv: Bool = true, attrs: Attributes = [:], seed: UInt64, extra: CDFVariableOptions? = nil) throws {
            let col = try TestData.column(type, records: rv ? records : 1, shape: shape, recordVarying: rv, seed: seed)
            try ds.add(name, col, attributes: attrs)
            var o = extra ?? CDFVariableOptions()
            if let override { o.dataType = override }
            if override != nil || extra != nil { opts[name] = o }
            exp[name] = Manifest.Expect(cdfType: cdf)
        }
        try add("i1", .int8, [], cdf: .int1, attrs: ["FILLVAL": .int8([-128]), "CATDESC": .string("int8 scalar")], seed: 1)
        try add("byte", .int8, [3], cdf: .byte, override: .byte, attrs: ["VALIDMIN": .int8([-5])], seed: 2)
        try add("i2", .int16, [2, 3], cdf: .int2, attrs: ["FILLVAL": .int16([-32768]), "VALIDMAX": .int16([1000])], seed: 3)
        try add("i4", .int32, [], cdf: .int4, attrs: ["FILLVAL": .int32([Int32.min]), "UNITS": .string("counts")], seed: 4)
        try add("i8", .int64, [4], cdf: .int8, attrs: ["FILLVAL": .int64([Int64.min])], seed: 5)
        try add("u1", .uint8, [5], cdf: .uint1, attrs: ["FILLVAL": .uint8([255])], seed: 6)
        try add("u2", .uint16, [], cdf: .uint2, attrs: ["FILLVAL": .uint16([65535]), "VALIDMIN": .uint16([0])], seed: 7)
        try add("u4", .uint32, [2], cdf: .uint4, attrs: ["FILLVAL": .uint32([UInt32.max])], seed: 8)
        try add("u8", .uint64, [], cdf: .int8, attrs: ["FILLVAL": .int64([Int64.min])], seed: 9, extra: CDFVariableOptions(uint64: .int8Checked))
        try add("r4", .float32, [3], cdf: .real4, attrs: ["FILLVAL": .float32([-1e31]), "VALIDMAX": .float32([3.0e38])], seed: 10)
        try add("float", .float32, [], cdf: .float, override: .float, attrs: ["FILLVAL": .float32([-1e31])], seed: 11)
        try add("r8", .float64, [2, 2], cdf: .real8, attrs: ["FILLVAL": .float64([-1e31]), "SCALEMIN": .float64([-2.5])], seed: 12)
        try add("double", .float64, [], cdf: .double, override: .double, seed: 13)
        try add("tt", .tt2000, [], cdf: .timeTT2000, attrs: ["FILLVAL": .tt2000([Int64.min]), "VALIDMIN": .int64([0])], seed: 14)
        try add("tt_vec", .tt2000, [2], cdf: .timeTT2000, seed: 15)
        try add("str", .string(width: 8), [], cdf: .char, attrs: ["FILLVAL": .string(" "), "CATDESC": .text(["one", "two"])], seed: 16)
        try add("ustr", .string(width: 4), [2], cdf: .uchar, override: .uchar, seed: 17)
        try add("blob", .binary(width: 6), [], cdf: .uint1, seed: 18)
        try add("labels", .float32, [3], cdf: .real4, rv: false, seed: 19)
        try add("label_names", .string(width: 5), [3], cdf: .char, rv: false, seed: 20)
        try ds.add("epoch", try TestData.epochColumn(records: records), attributes: ["FILLVAL": .float64([-1e31])])
        opts["epoch"] = CDFVariableOptions(dataType: .epoch)
        exp["epoch"] = Manifest.Expect(cdfType: .epoch)
        try ds.add("epoch16", try TestData.epoch16Column(records: records), attributes: ["FILLVAL": .float64([-1e31, -1e31])])
        opts["epoch16"] = CDFVariableOptions(dataType: .epoch16)
        exp["epoch16"] = Manifest.Expect(cdfType: .epoch16)
        try ds.add("empty", try Column.make(type: .int16, records: 0, shape: [2]))
        exp["empty"] = Manifest.Expect(cdfType: .int2)
        return (ds, opts, exp)
    }

    @Test(.enabled(if: Validators.enabled))
    func everyTypeAndShapeUncompressedAndGzip() throws {
        let dir = try makeTemporaryDirectory("alltypes")
        var manifest = Manifest(directory: dir)
        let (ds, opts, exp) = try Self.allTypesDataset()
        for (label, comp, block) in [("raw", CDFCompression.none, 0), ("gz1", .gzip(level: 1), 2), ("gz6", .gzip(level: 6), 3), ("gz9", .gzip(level: 9), 100)] {
            var o = opts
            if block > 0 {
                for v in ds.variables { o[v.name, default: CDFVariableOptions()].blockRecords = block }
            }
            let path = "\(dir)/\(label).cdf"
            try CDFWriter(options: CDFWriteOptions(compression: comp, variables: o)).write(ds, to: path)
            var e = exp
            if comp != .none {
                for v in ds.variables where !(e[v.name]!.cdfType.isEpoch) && v.column.isRecordVarying && v.column.records > 0 {
                    e[v.name]!.compressed = true
                }
            }
            manifest.add(path: path, dataset: ds, expect: e)
        }
        try Validators.validate(manifest, name: "alltypes")
    }

    /// Hundreds of gzip blocks (a chain of VXRs), raw fall-back blocks mixed in, read by all readers.
    @Test(.enabled(if: Validators.enabled))
    func manyCompressedBlocksChainVXRs() throws {
        let dir = try makeTemporaryDirectory("blocks")
        var ds = Dataset()
        let n = 5000
        try ds.add("epoch", try Column.tt2000((0..<n).map { 788_961_669_184_000_000 + Int64($0) * 1_000_000 }))
        try ds.add("ramp", try Column((0..<n).map { Float($0 / 10) }))
        try ds.add("noise", try TestData.column(.uint8, records: n, shape: [3], seed: 99))   // incompressible: raw VVRs
        let opts = CDFWriteOptions(compression: .gzip(level: 1), md5: true,
                                   variables: ["ramp": .init(blockRecords: 13), "noise": .init(blockRecords: 7)])
        let path = dir + "/blocks.cdf"
        try CDFWriter(options: opts).write(ds, to: path)
        let r = try CDFReader(path: path)
        #expect(try r.column("ramp") == ds["ramp"]!.column)
        #expect(try r.column("noise") == ds["noise"]!.column)
        var manifest = Manifest(directory: dir)
        manifest.add(path: path, dataset: ds, expect: [
            "epoch": .init(cdfType: .timeTT2000), "ramp": .init(cdfType: .real4, compressed: true),
            "noise": .init(cdfType: .uint1, compressed: true),
        ], md5: true)
        try Validators.validate(manifest, name: "blocks")
    }
}
