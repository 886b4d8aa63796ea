// writer-bench: drives the FITS and HDF5 writers for tools/writer_benchmark.py. Generates the
// benchmark product (int64 TT2000 epoch, 4 float32, 2 uint16, uint8[32] per record; 60 bytes/record)
// with the formulas the script uses, writes it once, and prints one JSON line with the wall and CPU
// seconds of the write alone (the writers fsync before their rename).
// Usage: writer-bench RECORDS CASE OUTPUT [THREADS]
//   CASE: fits (no checksums) | fits-checksum | fits-compressed | h5 | h5-gzip1-shuffle | h5-zstd3 | h5-zstd3-shuffle
//   WRITER_BENCH_WARMUP=1: one untimed write first (a warm process, like the Python peers after their first run).
import Dataset
import FITS
import BenchmarkProduct
import Foundation
import HDF5



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
    let ds = try BenchmarkProduct.make(records: n)
    if ProcessInfo.processInfo.environment["WRITER_BENCH_WARMUP"] == "1" {
        // An untimed first write (removed again), as a long-running process would have done before.
        _ = try write(ds, kind, output + ".warmup")
        unlink(output + ".warmup")
    }
    let cpu0 = BenchmarkProduct.cpuSeconds()
    let t0 = DispatchTime.now()
    let bytes = try write(ds, kind, output)
    let wall = Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9
    let cpu = BenchmarkProduct.cpuSeconds() - cpu0
    print("{\"wall\": \(wall), \"cpu\": \(cpu), \"bytes\": \(bytes), \"raw_bytes\": \(n * 60), \"cores\": \(ProcessInfo.processInfo.activeProcessorCount)}")
} catch {
    FileHandle.standardError.write(Data("writer-bench: \(error)\n".utf8))
    exit(1)
}
