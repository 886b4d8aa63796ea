import Dataset
import Foundation
import Testing
@testable import CDF

/// Our reader on files written by the NASA library (spacepy), cdflib and pycdfpp: gzip-compressed
/// variables, a whole-file-compressed CDF, column-major files, a big-endian (NETWORK) file and an
/// rVariable. Expected values come from the
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
        #expect(expected.count == 7)
        var checkedVariables = 0
        for (file, vars) in expected.sorted(by: { $0.key < $1.key }) {
            let r = try CDFReader(path: dir + "/" + file)
            if file == "nasa_file_gzip.cdf" { #expect(r.isFileCompressed) }
            if file == "cdflib_gzip_column.cdf" { #expect(!r.isRowMajor) }
            if file == "nasa_bigendian_column.cdf" { #expect(!r.isRowMajor && r.encoding == 1) }
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
        #expect(checkedVariables == 26)
        let nasa = try CDFReader(path: dir + "/nasa_gzip.cdf")
        #expect(try nasa.variable("vec").compression?.method == 5)
        #expect(try nasa.variable("mat").compression?.level == 9)
        #expect(nasa.globalAttribute("Project")?.entries.map(\.entry.value) == [.text(["NASA library"]), .text(["second"])])
        #expect(try CDFReader(path: dir + "/cdflib_gzip_row.cdf").variable("vec").attribute("FILLVAL")?.value == .int16([-32768]))
    }
}
