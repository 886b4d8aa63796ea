import Dataset
import Foundation
import Testing
@testable import CDF

/// Our reader on files written by the NASA library (spacepy), cdflib and pycdfpp: gzip-compressed
/// variables, a whole-file-compressed CDF, column-major files, a big-endian (NETWORK) file, an
/// rVariable and run-length (zeros) compression. Expected values come from the
/// writing script (tools/cdf_make_foreign.py), not from our reader.
@Suite(.serialized)
struct ForeignFilesTests {
    @Test(.enabled(if: Validators.enabled))
    func readsFilesWrittenByNASALibraryCdflibAndPycdfpp() throws {
        let py = try #require(Validators.python)
        let dir = try makeTemporaryDirectory("foreign")
        let gen = Validators.run(py, [Validators.repoRoot + "/tools/cdf_make_foreign.py", dir])
        try #require(gen.status == 0, "generator failed: \(gen.stderr.suffix(3000))")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json"))) as? [String: [String: [String: Any]]])
        #expect(expected.count == 8)
        var checkedVariables = 0
        for (file, vars) in expected.sorted(by: { $0.key < $1.key }) {
            let r = try CDFReader(path: dir + "/" + file)
            if file == "nasa_file_gzip.cdf" { #expect(r.isFileCompressed) }
            if file == "cdflib_gzip_column.cdf" { #expect(!r.isRowMajor) }
            if file == "nasa_bigendian_column.cdf" { #expect(!r.isRowMajor && r.encoding == 1) }
            if file == "nasa_rle.cdf" { #expect(try r.variable("r").compression?.method == 1) }
            if file == "nasa_rvariable.cdf" { #expect(r.variables.map(\.isZVariable) == [false]) }
            for (name, e) in vars {
                let info = try r.variable(name)
                #expect(Int(info.type.rawValue) == e["type"] as? Int, "\(file):\(name)")
                #expect(info.dims == e["dims"] as? [Int], "\(file):\(name)")
                #expect(info.records == e["records"] as? Int, "\(file):\(name)")
                let c = try r.column(name)
                if let strings = e["strings"] as? [String] {
                    #expect(try c.strings() == strings, "\(file):\(name)")
                } else {
                    #expect(hex(c.withUnsafeBytes { Array($0) }) == e["hex"] as? String, "\(file):\(name) values")
                }
                checkedVariables += 1
            }
            #expect(r.globalAttribute("Project") != nil, "\(file)")
        }
        #expect(checkedVariables == 27)
        let nasa = try CDFReader(path: dir + "/nasa_gzip.cdf")
        #expect(try nasa.variable("vec").compression?.method == 5)
        #expect(try nasa.variable("mat").compression?.level == 9)
        #expect(nasa.globalAttribute("Project")?.entries.map(\.entry.value) == [.text(["NASA library"]), .text(["second"])])
        #expect(try CDFReader(path: dir + "/cdflib_gzip_row.cdf").variable("vec").attribute("FILLVAL")?.value == .int16([-32768]))
    }

    /// Dimension variance false: the file stores one value along such a dimension and readers
    /// repeat it. The file is ours with its zVDR patched to dims [2, 3] and variances [T, F]; the
    /// NASA library is the oracle for the values.
    @Test(.enabled(if: Validators.enabled))
    func dimensionVarianceFalseBroadcastsLikeTheNASALibrary() throws {
        let py = try #require(Validators.python)
        let dir = try makeTemporaryDirectory("dimvary")
        var ds = Dataset()
        try ds.add("dv", try Column([Int32](arrayLiteral: 1, 2, 3, 4, 5, 6), shape: [2, 1]))
        let path = dir + "/dv.cdf"
        try CDFWriter().write(ds, to: path)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let vdr = bytes[340..<348].reduce(0) { $0 << 8 | Int($1) }        // GDR zVDRhead
        #expect(bytes[(vdr + 340)..<(vdr + 344)] == [0, 0, 0, 2])          // zNumDims
        bytes.replaceSubrange((vdr + 348)..<(vdr + 352), with: [0, 0, 0, 3])   // dims[1] = 3
        bytes.replaceSubrange((vdr + 356)..<(vdr + 360), with: [0, 0, 0, 0])   // dimVarys[1] = false
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try CDFReader(path: path)
        #expect(try r.variable("dv").dims == [2, 3] && r.variable("dv").dimVarys == [true, false])
        let ours = try r.column("dv").values(as: Int32.self)
        #expect(ours == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6])
        #expect(try r.column("dv", records: 1..<2).values(as: Int32.self) == [3, 3, 3, 4, 4, 4])
        let out = Validators.run(py, ["-c", "import sys, spacepy.pycdf as p; print(p.CDF(sys.argv[1])['dv'][...].ravel().tolist())", path])
        #expect(out.status == 0, "\(out.stderr.suffix(1000))")
        #expect(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(ours.map(Int.init))")
    }
}
