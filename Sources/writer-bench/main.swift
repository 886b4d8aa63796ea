// writer-bench: drives the FITS and HDF5 writers for tools/writer_benchmark.py. Generates the
// benchmark product (int64 TT2000 epoch, 4 float32, 2 uint16, uint8[32] per record; 60 bytes/record)
// with the formulas the script uses, writes it once, and prints one JSON line with the wall and CPU
// seconds of the write alone (the writers fsync before their rename).
// Usage: writer-bench RECORDS CASE OUTPUT [THREADS]
//   CASE: fits (no checksums) | fits-checksum | fits-compressed | h5 | h5-gzip1-shuffle | h5-zstd3 | h5-zstd3-shuffle
//   WRITER_BENCH_WARMUP=1: one untimed write first (a warm process, like the Python peers after their first run).
import Dataset
import FITS
import Foundation
import HDF5

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

/// The benchmark product, filled in place (no per-record allocation).
func product(records n: Int) throws -> Dataset {
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

let args = CommandLine.arguments
guard args.count >= 4, let n = Int(args[1]) else {
    FileHandle.standardError.write(Data("usage: writer-bench RECORDS CASE OUTPUT [THREADS]\n".utf8))
    exit(2)
}
let (kind, output) = (args[2], args[3])
let threads = args.count > 4 ? Int(args[4]) ?? 0 : 0

/// Writes `ds` as `kind` to `output` with `threads`; returns the file size.
func write(_ ds: Dataset, _ kind: String, _ output: String) throws -> Int {
    switch kind {
    case "fits", "fits-checksum", "fits-compressed":
        var o = FITSWriteOptions()
        o.maxConcurrency = threads
        o.compressTables = kind == "fits-compressed"
        o.checksum = kind != "fits"
        return try FITSWriter(options: o).write(ds, to: output).bytes
    case "h5", "h5-gzip1-shuffle", "h5-zstd3", "h5-zstd3-shuffle":
        var o = HDF5WriteOptions()
        o.maxConcurrency = threads
        o.group = "product"
        o.chunkRecords = 65536
        o.compression = kind == "h5" ? .none : kind.contains("gzip") ? .deflate(level: 1) : .zstd(level: 3)
        o.shuffle = kind.hasSuffix("shuffle")
        return try HDF5Writer(options: o).write(ds, to: output).bytes
    default:
        FileHandle.standardError.write(Data("writer-bench: unknown case \(kind)\n".utf8))
        exit(2)
    }
}

do {
    let ds = try product(records: n)
    if ProcessInfo.processInfo.environment["WRITER_BENCH_WARMUP"] == "1" {
        // An untimed first write (removed again), as a long-running process would have done before.
        _ = try write(ds, kind, output + ".warmup")
        unlink(output + ".warmup")
    }
    let cpu0 = cpuSeconds()
    let t0 = DispatchTime.now()
    let bytes = try write(ds, kind, output)
    let wall = Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9
    let cpu = cpuSeconds() - cpu0
    print("{\"wall\": \(wall), \"cpu\": \(cpu), \"bytes\": \(bytes), \"raw_bytes\": \(n * 60), \"cores\": \(ProcessInfo.processInfo.activeProcessorCount)}")
} catch {
    FileHandle.standardError.write(Data("writer-bench: \(error)\n".utf8))
    exit(1)
}
