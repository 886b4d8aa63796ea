// Scanning Level-0 files: the header walk, the per-APID index, the sequence checks.
//
// Inputs are generated once (seeded) into the temporary folder and reused:
// - 1 GiB of 1 KiB packets of one APID (the "C header walk does 62-76 M packets/s" case);
// - 256 MiB of four APIDs with mixed lengths (64 B to 8 KiB) and CUC time.
// "warm" scans reuse one mapping (pages already faulted in: the walk itself); "cold" maps the
// file anew each time (page-table set-up included). Custom metrics: packets/s and MB/s.
// The plain cases walk on one core (the per-core figure); "all cores" cases let one file's walk
// use every core (ChunkedWalk).
// "dropped from the page cache" scans the mixed file after asking the kernel to drop it (the
// read-ahead path of a file not read lately).
// "split" writes one file per APID from an index built beforehand (the gather, direct I/O and
// fsync; outputs removed after each run), for the mixed file and for 64 MiB of seven interleaved
// APIDs of 100-200 byte packets (CYGNSS-like: every packet is a run of its own). Its CPU time is
// the figure to watch; its wall time is mostly the device.
import Benchmark
import Foundation
import SpacePackets

func input(_ name: String, _ plan: SynthesisPlan) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-bench-\(name).bin").path
    if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size >= plan.targetBytes {
        return path
    }
    _ = try! PacketSynthesizer.write(plan, to: path)
    return path
}

let uniform = input("1k-1gib", SynthesisPlan(seed: 1, targetBytes: 1 << 30, streams: [.init(apid: 100, minimumLength: 1024)]))
let mixed = input("mixed-256mib", SynthesisPlan.mixed(seed: 2, targetBytes: 256 << 20))
let interleaved = input("interleaved-64mib", SynthesisPlan(seed: 3, targetBytes: 64 << 20, streams: (0..<7).map {
    .init(apid: UInt16(20 + $0), minimumLength: 100, maximumLength: 200)
}))

let packetsPerSecond = BenchmarkMetric.custom("M packets/s", polarity: .prefersLarger, useScalingFactor: false)
let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

func record(_ benchmark: Benchmark, _ index: PacketIndex, seconds: Double) {
    benchmark.measurement(packetsPerSecond, Int(Double(index.packetCount) / seconds / 1e6))
    benchmark.measurement(megabytesPerSecond, Int(Double(index.fileSize) / seconds / 1e6))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, packetsPerSecond, megabytesPerSecond], warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20)

    for (name, path) in [("1 KiB packets, 1 GiB", uniform), ("mixed APIDs and lengths, 256 MiB", mixed)] {
        for (cores, workers) in [("", 1), (", all cores", PacketScanner.defaultWorkers)] {
            Benchmark("scan warm\(cores): \(name)") { benchmark in
                let file = try MappedFile(path: path)
                _ = PacketScanner.scan(file, workers: workers)  // fault the pages in
                benchmark.startMeasurement()
                let start = DispatchTime.now().uptimeNanoseconds
                let index = PacketScanner.scan(file, workers: workers)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                benchmark.stopMeasurement()
                record(benchmark, index, seconds: seconds)
                blackHole(index)
            }
            Benchmark("scan cold mapping\(cores): \(name)") { benchmark in
                let start = DispatchTime.now().uptimeNanoseconds
                let file = try MappedFile(path: path)
                let index = PacketScanner.scan(file, workers: workers)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                record(benchmark, index, seconds: seconds)
                blackHole(index)
            }
        }
    }
    for (name, path) in [("mixed APIDs and lengths, 256 MiB", mixed), ("7 interleaved APIDs of 100-200 B, 64 MiB", interleaved)] {
        Benchmark("split: \(name)", configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, megabytesPerSecond],
                                                         warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 10)) { benchmark in
            let file = try MappedFile(path: path)
            let scanned = [ScannedFile(mapping: file, index: PacketScanner.scan(file))]
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-bench-split-\(getpid())").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            benchmark.startMeasurement()
            let start = DispatchTime.now().uptimeNanoseconds
            let outputs = try PacketSplitter.split(scanned, into: folder, prefix: "bench")
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            benchmark.stopMeasurement()
            benchmark.measurement(megabytesPerSecond, Int(Double(outputs.reduce(0) { $0 + $1.bytes }) / seconds / 1e6))
            blackHole(outputs)
        }
    }
    // A file the page cache does not hold (dropped before each run): the scan reads it front to
    // back, one window at a time (MappedPages). Mostly the device's time; CPU shows the kernel's
    // share of reading, which the read-ahead keeps down.
    Benchmark("scan dropped from the page cache: mixed APIDs and lengths, 256 MiB",
              configuration: .init(metrics: [.wallClock, .cpuTotal, megabytesPerSecond], warmupIterations: 1,
                                   maxDuration: .seconds(20), maxIterations: 10)) { benchmark in
        let descriptor = open(mixed, O_RDONLY)
        if descriptor >= 0 {
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
            close(descriptor)
        }
        benchmark.startMeasurement()
        let start = DispatchTime.now().uptimeNanoseconds
        let file = try MappedFile(path: mixed)
        let index = PacketScanner.scan(file)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        benchmark.stopMeasurement()
        record(benchmark, index, seconds: seconds)
        blackHole(index)
    }
    Benchmark("scan known APIDs: mixed, 256 MiB") { benchmark in
        let file = try MappedFile(path: mixed)
        let rules = ScanRules(knownAPIDs: [100, 200, 300, 1251])
        _ = PacketScanner.scan(file, rules: rules, workers: 1)
        benchmark.startMeasurement()
        let start = DispatchTime.now().uptimeNanoseconds
        let index = PacketScanner.scan(file, rules: rules, workers: 1)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        benchmark.stopMeasurement()
        record(benchmark, index, seconds: seconds)
        blackHole(index)
    }
}
