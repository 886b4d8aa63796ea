import Foundation
import SpacePackets
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the demo mission's L0 days: one file per instrument per day
/// (`demo_<instrument>_l0_<YYYYMMDD>_v001.pkts`) and the day's ground truth
/// (`demo_l0_truth_<YYYYMMDD>.json`), seeded and deterministic.
///
/// Every file is planned first (all packets have one length per instrument, so every offset is
/// known), then cut into segments of about 4 MiB that a TaskGroup generates in parallel, across
/// days, instruments and segments, each into its own buffer written in place with `pwrite`. Files
/// appear atomically (temporary name, then rename); on failure none is left behind.
///
/// Cost: memory is one 4 MiB buffer per running task. Generation takes about 2.4 s of CPU per GB
/// (mag dominates: 48 noise draws and 16 wave steps per 135-byte packet), the kernel's copy into
/// the page cache about as much again. The `pwrite`s block their pool thread briefly: page-cache
/// writes, not worth a thread of their own.
public enum DemoDay {
    static let segmentBytes = 4 << 20

    /// Writes one day into `folder` (created if missing) and returns its ground truth.
    @discardableResult
    public static func write(day: DemoDate, into folder: String, options: DemoOptions = DemoOptions()) async throws(DemoError) -> DemoDayTruth {
        try await write(days: [day], into: folder, options: options)[0]
    }

    /// Writes several days in parallel; truths in the order of `days`.
    public static func write(days: [DemoDate], into folder: String, options: DemoOptions = DemoOptions()) async throws(DemoError) -> [DemoDayTruth] {
        if let bytes = options.bytesPerDay, bytes <= 0 || bytes > DemoOptions.maximumBytesPerDay {
            throw .invalidOptions(reason: "bytes per day must be 1 to \(DemoOptions.maximumBytesPerDay), not \(bytes)")
        }
        guard !options.instruments.isEmpty else { throw .invalidOptions(reason: "no instruments") }
        for day in days {
            let met = DemoMission.met(atStartOf: day)
            guard met >= 0, met + 86400 <= Int64(UInt32.max) else {
                throw .invalidOptions(reason: "\(day) is outside the MET range (2010-01-01 to 2146-02-07)")
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: folder, reason: "\(error.localizedDescription)")
        }
        let jobs = days.flatMap { day in options.instruments.map { FileJob(day: day, instrument: $0, options: options, folder: folder) } }
        var descriptors: [Int32] = []
        defer { for fd in descriptors { close(fd) } }
        for job in jobs {
            let fd = open(job.temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                for done in jobs.prefix(descriptors.count) { unlink(done.temporaryPath) }
                throw .cannotWrite(path: job.temporaryPath, reason: reason)
            }
            descriptors.append(fd)
        }
        let failure = await withTaskGroup(of: DemoError?.self) { group in
            for (job, fd) in zip(jobs, descriptors) {
                let perSegment = max(1, segmentBytes / job.plan.length)
                for lower in stride(from: 0, to: job.plan.slots, by: perSegment) {
                    let slots = lower..<min(lower + perSegment, job.plan.slots)
                    group.addTask { job.writeSegment(slots, to: fd) }
                }
            }
            var first: DemoError?
            for await error in group where first == nil { first = error }
            return first
        }
        for fd in descriptors { close(fd) }
        descriptors = []
        if let failure {
            for job in jobs { unlink(job.temporaryPath) }
            throw failure
        }
        for job in jobs where rename(job.temporaryPath, job.path) != 0 {
            let reason = String(cString: strerror(errno))
            for job in jobs { unlink(job.temporaryPath) }
            throw .cannotWrite(path: job.path, reason: reason)
        }
        var truths: [DemoDayTruth] = []
        for day in days {
            let files = jobs.filter { $0.day == day }.map { $0.truth() }
            let truth = DemoDayTruth(day: day, seed: options.seed, metAtMidnight: DemoMission.met(atStartOf: day), files: files)
            try writeTruth(truth, to: (folder as NSString).appendingPathComponent(DemoDayTruth.fileName(for: day)))
            truths.append(truth)
        }
        return truths
    }

    static func writeTruth(_ truth: DemoDayTruth, to path: String) throws(DemoError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do {
            try encoder.encode(truth).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .cannotWrite(path: path, reason: "\(error.localizedDescription)")
        }
    }
}

/// One file of one day: its plan and its instrument's packet writer.
struct FileJob: Sendable {
    enum Source: Sendable {
        case mag(MagSource), spec(SpecSource), hk(HKSource)
    }

    let day: DemoDate
    let plan: FilePlan
    let source: Source
    let context: SlotContext
    let path: String
    let temporaryPath: String

    init(day: DemoDate, instrument: DemoInstrument, options: DemoOptions, folder: String) {
        self.day = day
        let slots = options.packetsPerDay(instrument)
        var keyed = DemoRandom(options.seed, UInt64(bitPattern: Int64(day.dayNumber)), UInt64(instrument.apid))
        let fileSeed = keyed.next()
        let days = day.dayNumber - DemoMission.epochDayNumber
        // The counter runs on from day to day as if every earlier day had been at this rate.
        let first = UInt16(truncatingIfNeeded: (days * slots) & 0x3FFF)
        context = SlotContext(instrument: instrument, midnightMET: DemoMission.met(atStartOf: day), slots: slots,
                              firstSequenceCount: first, fileSeed: fileSeed, schedule: DaySchedule(seed: options.seed, day: day))
        var random = DemoRandom(fileSeed, 0xFA17)
        plan = FilePlan(instrument: instrument, slots: slots, faults: options.faults, random: &random)
        switch instrument {
        case .mag: source = .mag(MagSource(context: context, seed: options.seed))
        case .spec: source = .spec(SpecSource(context: context, seed: options.seed, day: day))
        case .hk: source = .hk(HKSource(context: context, seed: options.seed))
        }
        path = (folder as NSString).appendingPathComponent(instrument.fileName(for: day))
        temporaryPath = path + ".tmp-\(getpid())"
    }

    /// Generates `slots` and writes them at their offset; the error, if any.
    func writeSegment(_ slots: Range<Int>, to fd: Int32) -> DemoError? {
        let start = plan.offset(beforeSlot: slots.lowerBound)
        let size = plan.offset(beforeSlot: slots.upperBound) - start
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
        defer { buffer.deallocate() }
        let written: Int
        switch source {
        case .mag(let s): written = SegmentWriter.write(s, plan: plan, slots: slots, into: buffer)
        case .spec(let s): written = SegmentWriter.write(s, plan: plan, slots: slots, into: buffer)
        case .hk(let s): written = SegmentWriter.write(s, plan: plan, slots: slots, into: buffer)
        }
        precondition(written == size, "segment size differs from its plan")
        var done = 0
        while done < size {
            let n = pwrite(fd, buffer + done, size - done, off_t(start + done))
            if n < 0 {
                if errno == EINTR { continue }
                return .cannotWrite(path: temporaryPath, reason: String(cString: strerror(errno)))
            }
            done += n
        }
        return nil
    }

    /// The packet of `slot` with its values (regenerated: the streams depend on the slot only).
    func sample(_ slot: Int) -> DemoSample {
        var bytes = [UInt8](repeating: 0, count: plan.length)
        var sample = bytes.withUnsafeMutableBytes { raw -> DemoSample in
            switch source {
            case .mag(let s): s.fill(slot: slot, at: raw.baseAddress!, capture: true)!
            case .spec(let s): s.fill(slot: slot, at: raw.baseAddress!, capture: true)!
            case .hk(let s): s.fill(slot: slot, at: raw.baseAddress!, capture: true)!
            }
        }
        sample.offset = plan.packetOffset(slot)
        return sample
    }

    /// Slots whose values the truth lists: the ends and thirds of the day, and one in each
    /// commanded interval (mag ranges; SAFE and CALIBRATION for spec and hk). Dropped slots move on.
    func sampleSlots() -> [Int] {
        let n = plan.slots
        var seconds: [Int] = []
        switch plan.instrument {
        case .mag: seconds = context.schedule.ranges.map { $0.seconds.lowerBound + 60 }
        case .spec, .hk: seconds = [context.schedule.safe.lowerBound + 60, context.schedule.calibration.lowerBound + 60]
        }
        var slots = [0, n / 3, 2 * n / 3, n - 1] + seconds.map { ($0 * n + 86399) / 86400 }
        slots = slots.map { slot in
            var s = min(max(slot, 0), n - 1)
            while plan.isDropped(s), s + 1 < n { s += 1 }
            return s
        }
        return Array(Set(slots.filter { !plan.isDropped($0) })).sorted()
    }

    func truth() -> DemoFileTruth {
        let apid = plan.instrument.apid
        let name = (path as NSString).lastPathComponent
        var faults: [DemoFault] = []
        var anomalies: [Anomaly] = []
        for run in plan.dropRuns {
            let next = run.slot + run.count
            let offset = plan.packetOffset(next)
            faults.append(DemoFault(kind: .drop, slot: run.slot, offset: offset, length: run.count,
                                    sequenceCount: context.sequenceCount(run.slot)))
            anomalies.append(Anomaly(kind: .sequenceGap, file: name, offset: offset, apid: apid,
                                     sequenceCount: context.sequenceCount(next),
                                     expectedSequenceCount: context.sequenceCount(run.slot), missingPackets: run.count))
        }
        for entry in plan.entries where entry.kind == .duplicate {
            let offset = plan.packetOffset(entry.slot) + plan.length
            faults.append(DemoFault(kind: .duplicate, slot: entry.slot, offset: offset, length: 1,
                                    sequenceCount: context.sequenceCount(entry.slot)))
            anomalies.append(Anomaly(kind: .duplicatePacket, file: name, offset: offset, apid: apid,
                                     sequenceCount: context.sequenceCount(entry.slot)))
        }
        for entry in plan.entries where entry.kind == .junk {
            let offset = plan.offset(beforeSlot: entry.slot)
            faults.append(DemoFault(kind: .junk, slot: entry.slot, offset: offset, length: entry.junkBytes,
                                    sequenceCount: context.sequenceCount(entry.slot)))
            anomalies.append(Anomaly(kind: .skippedBytes, file: name, offset: offset, length: entry.junkBytes))
        }
        faults.sort { $0.offset < $1.offset }
        anomalies.sort { ($0.offset, $0.kind.rawValue) < ($1.offset, $1.kind.rawValue) }
        return DemoFileTruth(
            instrument: plan.instrument, apid: apid, container: plan.instrument.container, file: name,
            bytes: plan.totalBytes, packets: plan.packetCount, slots: plan.slots, packetLength: plan.length,
            firstSequenceCount: context.firstSequenceCount, faults: faults, expectedAnomalies: anomalies,
            samples: sampleSlots().map(sample))
    }
}
