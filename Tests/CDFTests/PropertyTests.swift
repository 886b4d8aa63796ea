import Dataset
import Foundation
import Testing
@testable import CDF

/// Random datasets (types, shapes, record counts, variance, compression, block sizes) written, then
/// re-read by our reader and by the independent readers; all must agree with what was written.
@Suite(.serialized)
struct PropertyTests {
    static let types: [(ElementType, CDFDataType)] = [
        (.int8, .int1), (.int16, .int2), (.int32, .int4), (.int64, .int8), (.uint8, .uint1), (.uint16, .uint2),
        (.uint32, .uint4), (.float32, .real4), (.float64, .real8), (.tt2000, .timeTT2000),
        (.string(width: 3), .char), (.string(width: 1), .char), (.binary(width: 4), .uint1),
    ]

    static func randomDataset(seed: UInt64) throws -> (Dataset, CDFWriteOptions, [String: Manifest.Expect]) {
        var rng = SplitMix64(seed: seed)
        var ds = Dataset(attributes: ["Seed": .int64([Int64(seed)]), "Note": .text(["random dataset", "seed \(seed)"])])
        var exp: [String: Manifest.Expect] = [:]
        var perVar: [String: CDFVariableOptions] = [:]
        let level = [0, 1, 6][Int(rng.next() % 3)]
        let records = Int(rng.next() % 40)
        for i in 0..<(1 + Int(rng.next() % 6)) {
            let (et, ct) = types[Int(rng.next() % UInt64(types.count))]
            let rank = Int(rng.next() % 3)
            let shape = (0..<rank).map { _ in 1 + Int(rng.next() % 3) }
            let rv = rng.next() % 4 != 0
            let name = "v\(i)_\(et)".replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
            let col = try TestData.column(et, records: rv ? records : 1, shape: shape, recordVarying: rv, seed: rng.next())
            try ds.add(name, col, dimensions: shape.indices.map { "\(name)_d\($0)" })
            perVar[name] = CDFVariableOptions(blockRecords: 1 + Int(rng.next() % 8))
            var e = Manifest.Expect(cdfType: ct)
            e.compressed = level > 0 && rv && col.records > 0 && !ct.isEpoch
            exp[name] = e
        }
        let opts = CDFWriteOptions(compression: level == 0 ? .none : .gzip(level: level), md5: rng.next() % 2 == 0, variables: perVar)
        return (ds, opts, exp)
    }

    @Test func randomDatasetsRoundTripThroughOwnReader() throws {
        let dir = try makeTemporaryDirectory("prop-own")
        for seed in UInt64(1)...60 {
            let (ds, opts, _) = try Self.randomDataset(seed: seed)
            let path = dir + "/r\(seed).cdf"
            try CDFWriter(options: opts).write(ds, to: path)
            let back = try CDFReader(path: path).dataset()
            #expect(back.variables.map(\.name) == ds.variables.map(\.name), "seed \(seed)")
            for v in ds.variables {
                let c = try #require(back[v.name]?.column)
                if case .binary(let w) = v.column.elementType {
                    // CDF has no blob type: blobs are written as UINT1 with a trailing dimension.
                    #expect(c.elementType == .uint8 && c.shape == v.column.shape + [w] && c.records == v.column.records, "seed \(seed) \(v.name)")
                    #expect(c.withUnsafeBytes { Array($0) } == v.column.withUnsafeBytes { Array($0) }, "seed \(seed) \(v.name)")
                } else {
                    #expect(c == v.column, "seed \(seed) variable \(v.name)")
                }
            }
            #expect(back.attributes == ds.attributes, "seed \(seed)")
        }
    }

    @Test(.enabled(if: Validators.enabled))
    func randomDatasetsAgreeWithCdflibNASAAndPycdfpp() throws {
        let dir = try makeTemporaryDirectory("prop")
        var manifest = Manifest(directory: dir)
        for seed in UInt64(100)...130 {
            let (ds, opts, exp) = try Self.randomDataset(seed: seed)
            let path = dir + "/r\(seed).cdf"
            try CDFWriter(options: opts).write(ds, to: path)
            manifest.add(path: path, dataset: ds, expect: exp, md5: opts.md5)
        }
        try Validators.validate(manifest, name: "property")
    }
}
