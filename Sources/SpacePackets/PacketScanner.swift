import CDirectIO
import Foundation

/// Scans Level-0 files into `PacketIndex`es: one pass over the primary headers only.
///
/// Cost: a few nanoseconds a packet on mapped, page-cached data plus one gather pass over the
/// found packets to group them by APID; no per-packet allocation. Files of one day are scanned
/// in parallel, one task a file.
public enum PacketScanner {
    /// Reports progress every this many bytes, when a progress callback is given.
    public static let progressStep = 256 << 20

    /// Cores one file's walk may use (see `ChunkedWalk`): those the process may run on, or
    /// DOWNLINK_SCAN_WORKERS (1 gives the serial walk, for per-core measurements).
    public static let defaultWorkers: Int = {
        if let text = ProcessInfo.processInfo.environment["DOWNLINK_SCAN_WORKERS"], let workers = Int(text), workers > 0 {
            return workers
        }
        return allowedCores()
    }()

    /// The CPUs this process may run on (its affinity mask, as `taskset`, Slurm and container
    /// cpusets set it); `activeProcessorCount` counts every CPU online.
    static func allowedCores() -> Int {
        let allowed = Int(downlink_allowed_cpus())
        return allowed > 0 ? allowed : ProcessInfo.processInfo.activeProcessorCount
    }

    /// Scans bytes already in memory. `file` names them in anomalies.
    /// `workers` bounds how many cores the walk of these bytes uses (see `ChunkedWalk`); the index
    /// is the same whatever it is.
    public static func scan(
        _ bytes: UnsafeRawBufferPointer, file: String, rules: ScanRules = ScanRules(),
        progress: ((Int) -> Void)? = nil, workers: Int = defaultWorkers
    ) -> PacketIndex {
        scanCountingChunks(bytes, file: file, rules: rules, progress: progress, workers: workers).index
    }

    /// `scan`, also saying how many chunks walked beside the first were adopted (see
    /// `ChunkedWalk`). Tests set the minimum sizes low to cut small inputs in chunks, and choose how
    /// the real walk treats late chunks (`lateness`, `sliceBytes`, `helperSlices`).
    static func scanCountingChunks(
        _ bytes: UnsafeRawBufferPointer, file: String, rules: ScanRules = ScanRules(),
        progress: ((Int) -> Void)? = nil, workers: Int = defaultWorkers,
        minimumChunkBytes: Int = ChunkedWalk.minimumChunkBytes, minimumParallelRows: Int = HeaderWalk.minimumParallelRows,
        lateness: ChunkedWalk.Lateness = .takeOver, sliceBytes: Int = ChunkedWalk.sliceBytes, helperSlices: Int? = nil
    ) -> (index: PacketIndex, adoptedChunks: Int) {
        let outcome = scanOutcome(bytes, file: file, rules: rules, progress: progress, workers: workers,
                                  minimumChunkBytes: minimumChunkBytes, minimumParallelRows: minimumParallelRows,
                                  lateness: lateness, sliceBytes: sliceBytes, helperSlices: helperSlices)
        return (outcome.index, outcome.adoptedChunks)
    }

    /// What a scan found, and how: chunks adopted (`ChunkedWalk`) and rows recorded by lanes
    /// (`HeaderWalk.laneWalk`). Tests choose the lane sizes (`lanes`).
    struct Outcome {
        var index: PacketIndex
        var adoptedChunks: Int
        var laneRows: Int
        /// Windows the walk mapped ahead of itself (a cold file; see `readAheadWindow`).
        var readAheadWindows = 0
    }

    static func scanOutcome(
        _ bytes: UnsafeRawBufferPointer, file: String, rules: ScanRules = ScanRules(),
        progress: ((Int) -> Void)? = nil, workers: Int = defaultWorkers,
        minimumChunkBytes: Int = ChunkedWalk.minimumChunkBytes, minimumParallelRows: Int = HeaderWalk.minimumParallelRows,
        lateness: ChunkedWalk.Lateness = .takeOver, sliceBytes: Int = ChunkedWalk.sliceBytes, helperSlices: Int? = nil,
        lanes: LanePlan = LanePlan(), readAheadWindow: Int? = nil
    ) -> Outcome {
        guard bytes.count > 0, bytes.baseAddress != nil else {
            return Outcome(index: PacketIndex(file: file, fileSize: 0, packetVersion: 0, apids: [], anomalies: [], idlePackets: 0,
                                              idleBytes: 0, skippedBytes: 0, truncatedBytes: 0), adoptedChunks: 0, laneRows: 0)
        }
        // A file not in the page cache (`readAheadWindow` given) is walked by one thread that maps
        // each window before it walks it: one reader going front to back, which the kernel reads in
        // large pieces (see `MappedPages`). Chunks walked beside it would fault their own pieces in
        // at the same time and spoil the kernel's read-ahead; the disk, not the walk, is the bound.
        let chunks = readAheadWindow != nil ? 1 : max(1, min(workers, bytes.count / max(minimumChunkBytes, 1)))
        var walk = HeaderWalk(bytes: bytes, file: file, rules: rules)
        walk.lanes = lanes
        walk.readAheadWindow = readAheadWindow
        var adopted = ChunkedWalk.run(&walk, chunks: chunks, progress: progress, progressStep: progressStep, lateness: lateness,
                                      sliceBytes: sliceBytes, helperSlices: helperSlices)
        let index = walk.makeIndex(workers: workers, minimumParallelRows: minimumParallelRows)
        guard rules.knownAPIDs == nil, index.skippedBytes > 0 else {
            return Outcome(index: index, adoptedChunks: adopted, laneRows: walk.laneRows, readAheadWindows: walk.readAheadWindows)
        }
        // Junk without a known APID set: a new APID next to junk is hard to tell from junk, so
        // scan again knowing the APIDs the first pass found. Clean files never pay for this.
        var learned = rules
        learned.knownAPIDs = learnedAPIDs(index)
        learned.packetVersion = index.packetVersion.map { .exactly($0) } ?? .any
        var second = HeaderWalk(bytes: bytes, file: file, rules: learned)
        second.lanes = lanes
        adopted += ChunkedWalk.run(&second, chunks: chunks, progress: nil, progressStep: progressStep, lateness: lateness,
                                   sliceBytes: sliceBytes, helperSlices: helperSlices)
        return Outcome(index: second.makeIndex(workers: workers, minimumParallelRows: minimumParallelRows), adoptedChunks: adopted,
                       laneRows: second.laneRows, readAheadWindows: walk.readAheadWindows)
    }

    /// APIDs a first pass believes: those with two packets or more, and lone packets that touch
    /// no junk (a lone "packet" right next to junk is most likely junk itself).
    static func learnedAPIDs(_ index: PacketIndex) -> Set<UInt16> {
        var junkEdges = Set<Int>()
        for anomaly in index.anomalies.exceptSequenceBreaks where anomaly.kind == .skippedBytes {
            junkEdges.insert(anomaly.offset)
            junkEdges.insert(anomaly.offset + (anomaly.length ?? 0))
        }
        var apids = Set<UInt16>()
        for packets in index.apids {
            if packets.count >= 2 {
                apids.insert(packets.apid)
            } else if let offset = packets.offsets.first, !junkEdges.contains(offset),
                      !junkEdges.contains(offset + Int(packets.lengths[0]))
            {
                apids.insert(packets.apid)
            }
        }
        return apids
    }

    /// Scans a mapped file. A file not in the page cache (`MappedPages.looksUncached`) is read front
    /// to back by one walk (see `scanOutcome`).
    public static func scan(
        _ file: MappedFile, rules: ScanRules = ScanRules(), progress: ((Int) -> Void)? = nil, workers: Int = defaultWorkers
    ) -> PacketIndex {
        file.withBytes { bytes in
            scanOutcome(bytes, file: file.path, rules: rules, progress: progress, workers: workers,
                        readAheadWindow: MappedPages.looksUncached(bytes) ? HeaderWalk.readAheadBytes : nil).index
        }
    }

    /// Maps and scans several files in parallel, one task a file; results keep the input order.
    /// `progress` receives the bytes scanned so far across all files.
    public static func scan(
        paths: [String], rules: ScanRules = ScanRules(), progress: (@Sendable (Int) -> Void)? = nil
    ) async throws(SpacePacketError) -> [ScannedFile] {
        let mappings: [MappedFile]
        do {
            mappings = try paths.map { path throws(SpacePacketError) in try MappedFile(path: path) }
        }
        let counter = progress.map { ProgressCounter(report: $0) }
        let indexes = await withTaskGroup(of: (Int, PacketIndex).self) { group in
            for (position, mapping) in mappings.enumerated() {
                group.addTask {
                    var reported = 0
                    let index = scan(mapping, rules: rules, progress: counter.map { counter in
                        { scanned in
                            counter.add(scanned - reported)
                            reported = scanned
                        }
                    })
                    return (position, index)
                }
            }
            var results = [PacketIndex?](repeating: nil, count: mappings.count)
            for await (position, index) in group { results[position] = index }
            return results.map { $0! }
        }
        return zip(mappings, indexes).map { ScannedFile(mapping: $0, index: $1) }
    }
}

/// A mapped file and its index: the unit later stages (split, decode) work on.
public struct ScannedFile: Sendable {
    public let mapping: MappedFile
    public let index: PacketIndex

    public init(mapping: MappedFile, index: PacketIndex) {
        self.mapping = mapping
        self.index = index
    }
}
