import Dataset
import Foundation

/// The product every writer benchmark writes (the issues' "10 M records" case): a TT2000 epoch, four
/// float32, two uint16 and a uint8[32] per record (60 bytes), deterministic values with some
/// compressible structure, filled in place (no per-record allocation). Shared by cdf-bench and
/// writer-bench so that CDF, FITS and HDF5 are measured on the same data as the Python peers.
///
/// Cost: one allocation per column; about 60 bytes a record.
public enum BenchmarkProduct {
    public static func make(records n: Int) throws -> Dataset {
        var epoch = try Column.make(type: .tt2000, records: n)
        var f = try (0..<4).map { _ in try Column.make(type: .float32, records: n) }
        var u = try (0..<2).map { _ in try Column.make(type: .uint16, records: n) }
        var b = try Column.make(type: .uint8, records: n, shape: [32])
        try epoch.withUnsafeMutableBufferPointer(of: Int64.self) { p in
            for i in 0..<n { p[i] = 788_961_669_184_000_000 + Int64(i) * 1_000_000 }
        }
        for k in 0..<4 {
            try f[k].withUnsafeMutableBufferPointer(of: Float.self) { p in
                for i in 0..<n {
                    let h = UInt64(i) &* 0x9E37_79B9_7F4A_7C15
                    p[i] = Float(Int32((i * (k + 1)) % 65536) - 32768) * 0.25 + Float((h >> UInt64(40 + k * 4)) & 0xF) * 0.0625
                }
            }
        }
        try u[0].withUnsafeMutableBufferPointer(of: UInt16.self) { p in for i in 0..<n { p[i] = UInt16(truncatingIfNeeded: i >> 3) } }
        try u[1].withUnsafeMutableBufferPointer(of: UInt16.self) { p in
            for i in 0..<n { p[i] = UInt16(truncatingIfNeeded: ((UInt64(i) &* 0x9E37_79B9_7F4A_7C15) >> 48) & 0x0FFF) }
        }
        try b.withUnsafeMutableBufferPointer(of: UInt8.self) { p in
            for i in 0..<n {
                let h = UInt64(i) &* 0x9E37_79B9_7F4A_7C15
                for j in 0..<32 {
                    p[i * 32 + j] = j < 16 ? UInt8(truncatingIfNeeded: (i >> 2) + j) : UInt8(truncatingIfNeeded: h >> UInt64((j - 16) * 3))
                }
            }
        }
        var ds = Dataset()
        try ds.add("epoch", epoch)
        for k in 0..<4 { try ds.add("f\(k)", f[k], attributes: ["DEPEND_0": .string("epoch")]) }
        for k in 0..<2 { try ds.add("u\(k)", u[k], attributes: ["DEPEND_0": .string("epoch")]) }
        try ds.add("b", b, dimensions: ["byte"], attributes: ["DEPEND_0": .string("epoch")])
        return ds
    }

    /// User plus system CPU seconds of this process so far.
    public static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }
}
