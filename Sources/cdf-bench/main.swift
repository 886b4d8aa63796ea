// cdf-bench: drives the native CDF writer for tools/cdf_benchmark.py. Generates the benchmark product
// (int64 TT2000 epoch, 4 float32, 2 uint16, uint8[32] per record; 60 bytes/record) with the same
// deterministic formulas as the script, writes it once, and prints one JSON line with wall and CPU
// seconds of the write alone. Usage: cdf-bench RECORDS LEVEL(0=none) OUTPUT.cdf
// (CDF_BENCH_BLOCK_BYTES=N sets the raw bytes per compressed block; CDF_BENCH_WORKERS=N the number of
// compression threads, default one per core; DOWNLINK_GZIP=isal|libdeflate|zlib forces a gzip backend.)
import CDF
import Dataset
import Foundation

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

let args = CommandLine.arguments
guard args.count == 4, let n = Int(args[1]), let level = Int(args[2]) else {
    FileHandle.standardError.write(Data("usage: cdf-bench RECORDS LEVEL(0=none) OUTPUT.cdf\n".utf8))
    exit(2)
}
let output = args[3]

do {
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
    for k in 0..<4 { try ds.add("f\(k)", f[k]) }
    for k in 0..<2 { try ds.add("u\(k)", u[k]) }
    try ds.add("b", b, dimensions: ["byte"])

    var options = CDFWriteOptions(compression: level == 0 ? .none : .gzip(level: level))
    // CDF_BENCH_BLOCK_BYTES: raw bytes per compressed block (default: the writer's ~1 MiB).
    if let s = ProcessInfo.processInfo.environment["CDF_BENCH_BLOCK_BYTES"], let bytes = Int(s) {
        for v in ds.variables {
            options.variables[v.name] = CDFVariableOptions(blockRecords: max(1, bytes / v.column.bytesPerRecord))
        }
    }
    // CDF_BENCH_WORKERS: compression threads (the writer's maxConcurrency; default one per core).
    if let s = ProcessInfo.processInfo.environment["CDF_BENCH_WORKERS"], let workers = Int(s), workers >= 1 {
        options.maxConcurrency = workers
    }
    let cpu0 = cpuSeconds()
    let t0 = DispatchTime.now()
    let report = try CDFWriter(options: options).write(ds, to: output)
    let wall = Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9
    let cpu = cpuSeconds() - cpu0
    print("{\"wall\": \(wall), \"cpu\": \(cpu), \"bytes\": \(report.bytes), \"raw_bytes\": \(n * 60), \"cores\": \(ProcessInfo.processInfo.activeProcessorCount)}")
} catch {
    FileHandle.standardError.write(Data("cdf-bench: \(error)\n".utf8))
    exit(1)
}
