// cdf-bench: drives the native CDF writer for tools/cdf_benchmark.py. Generates the benchmark product
// (int64 TT2000 epoch, 4 float32, 2 uint16, uint8[32] per record; 60 bytes/record) with the same
// deterministic formulas as the script, writes it once, and prints one JSON line with wall and CPU
// seconds of the write alone. Usage: cdf-bench RECORDS LEVEL(0=none) OUTPUT.cdf
// (CDF_BENCH_BLOCK_BYTES=N sets the raw bytes per compressed block; CDF_BENCH_WORKERS=N the number of
// compression threads, default one per core; DOWNLINK_GZIP=isal|libdeflate|zlib forces a gzip backend.)
import BenchmarkProduct
import CDF
import Dataset
import Foundation


let args = CommandLine.arguments
guard args.count == 4, let n = Int(args[1]), let level = Int(args[2]) else {
    FileHandle.standardError.write(Data("usage: cdf-bench RECORDS LEVEL(0=none) OUTPUT.cdf\n".utf8))
    exit(2)
}
let output = args[3]

do {
    let ds = try BenchmarkProduct.make(records: n)

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
    let cpu0 = BenchmarkProduct.cpuSeconds()
    let t0 = DispatchTime.now()
    let report = try CDFWriter(options: options).write(ds, to: output)
    let wall = Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9
    let cpu = BenchmarkProduct.cpuSeconds() - cpu0
    print("{\"wall\": \(wall), \"cpu\": \(cpu), \"bytes\": \(report.bytes), \"raw_bytes\": \(n * 60), \"cores\": \(ProcessInfo.processInfo.activeProcessorCount)}")
} catch {
    FileHandle.standardError.write(Data("cdf-bench: \(error)\n".utf8))
    exit(1)
}
