import Dataset
import Foundation
import Testing
@testable import CDF

/// A real file larger than 4 GiB: a variable whose records start past the 4 GiB mark is read back
/// by our reader, the NASA library and cdflib. The 4.4 GB column is all zeros from `calloc`, so it
/// costs no memory; the test needs ~4.5 GB of free disk (it is skipped with less than 12 GiB free).
@Suite(.serialized)
struct LargeFileTests {
    static var freeBytes: Int {
        var s = statvfs()
        guard statvfs(FileManager.default.temporaryDirectory.path, &s) == 0 else { return 0 }
        return Int(s.f_bavail) * Int(s.f_frsize)
    }

    @Test(.enabled(if: freeBytes > 12 << 30 && Validators.enabled))
    func offsetsPastFourGiBReadByAllReaders() throws {
        let dir = try makeTemporaryDirectory("large")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var ds = Dataset()
        let records = 4200   // 4200 x 1 MiB = 4.4 GB > 4 GiB
        try ds.add("big", try Column.make(type: .uint8, records: records, shape: [1 << 20]))
        try ds.add("after", try Column([Int32](arrayLiteral: 7, -8, 9)))
        let path = dir + "/large.cdf"
        let report = try CDFWriter().write(ds, to: path)
        #expect(report.bytes > 4_400_000_000)
        let r = try CDFReader(path: path)
        #expect(try r.column("after").values(as: Int32.self) == [7, -8, 9])
        #expect(try r.column("big", records: 4199..<4200).withUnsafeBytes { $0.allSatisfy { $0 == 0 } })
        let py = try #require(Validators.python)
        let script = """
        import sys, numpy as np, spacepy.pycdf as p, cdflib
        f = p.CDF(sys.argv[1]); a = f['after'][...]; b = f['big'][4199]
        assert a.tolist() == [7, -8, 9], a
        assert b.shape == (1048576,) and not b.any()
        c = cdflib.CDF(sys.argv[1]); assert c.varget('after').tolist() == [7, -8, 9]
        print('large ok')
        """
        let out = Validators.run(py, ["-c", script, path])
        #expect(out.status == 0 && out.stdout.contains("large ok"), "\(out.stdout) \(out.stderr.suffix(2000))")
    }
}
