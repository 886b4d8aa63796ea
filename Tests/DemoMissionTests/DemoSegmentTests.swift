@testable import DemoMission
import Foundation
import Testing

/// A file generated in one piece equals the same file generated in small segments cut anywhere
/// (through drop runs, duplicates and junk): what lets days be written in parallel segments.
@Suite struct DemoSegmentTests {
    @Test("Segments cut anywhere give the same bytes as one piece", arguments: DemoInstrument.allCases)
    func segmentsAreIndependent(instrument: DemoInstrument) throws {
        let options = DemoOptions(seed: 21, bytesPerDay: 1_400_000, faults: DemoFaults(drops: 40, duplicates: 30, junk: 20))
        let job = FileJob(day: DemoDate("2025-05-05")!, instrument: instrument, options: options, folder: "/nonexistent")
        let plan = job.plan
        #expect(plan.entries.count >= 40 + 30 + 20)
        let whole = try generate(job, segments: [0..<plan.slots])
        #expect(whole.count == plan.totalBytes)
        for size in [1, 7, 64, 1000] {
            let cuts = stride(from: 0, to: plan.slots, by: size).map { $0..<min($0 + size, plan.slots) }
            #expect(try generate(job, segments: cuts) == whole, "segments of \(size) slots")
        }
        // Each sample's bytes, written alone, are the bytes at its offset in the file.
        for slot in job.sampleSlots() {
            var alone = [UInt8](repeating: 0, count: plan.length)
            alone.withUnsafeMutableBytes { raw in
                switch job.source {
                case .mag(let s): _ = s.fill(slot: slot, at: raw.baseAddress!, capture: false)
                case .spec(let s): _ = s.fill(slot: slot, at: raw.baseAddress!, capture: false)
                case .hk(let s): _ = s.fill(slot: slot, at: raw.baseAddress!, capture: false)
                }
            }
            let offset = plan.packetOffset(slot)
            #expect(Array(whole[offset..<(offset + plan.length)]) == alone, "slot \(slot)")
        }
    }

    func generate(_ job: FileJob, segments: [Range<Int>]) throws -> [UInt8] {
        var file = [UInt8](repeating: 0, count: job.plan.totalBytes)
        try file.withUnsafeMutableBytes { raw in
            for slots in segments {
                let start = job.plan.offset(beforeSlot: slots.lowerBound)
                let size = job.plan.offset(beforeSlot: slots.upperBound) - start
                let written: Int
                switch job.source {
                case .mag(let s): written = SegmentWriter.write(s, plan: job.plan, slots: slots, into: raw.baseAddress! + start)
                case .spec(let s): written = SegmentWriter.write(s, plan: job.plan, slots: slots, into: raw.baseAddress! + start)
                case .hk(let s): written = SegmentWriter.write(s, plan: job.plan, slots: slots, into: raw.baseAddress! + start)
                }
                try #require(written == size)
            }
        }
        return file
    }
}
