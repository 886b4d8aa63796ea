// Pass 2 of a decode: fill the records a chunk's packets were assigned.

import SpacePackets

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum FillPass {
    /// Fills the records of one chunk, plan by plan, in blocks; returns per-packet findings.
    /// Allocates one offset buffer, one word buffer and one slot array per chunk, nothing per packet.
    static func run(_ chunk: Chunk, file: ScannedFile, dispatch: ChunkDispatch, firstRecords: [Int: Int],
                    plans: [DecodePlan], sinks: [ColumnSink?], headerColumns: Bool, releasePages: Bool,
                    maxFindings: Int) -> [DecodeFinding] {
        let packets = file.index.apids[chunk.apidSlot]
        var findings: [DecodeFinding] = []
        let uniformLength = packets.minimumLength == packets.maximumLength ? packets.minimumLength : nil
        file.mapping.withBytes { mapping in
            packets.offsets.withUnsafeBufferPointer { allOffsets in
                let blockPackets = Decoder.blockPackets(length: packets.maximumLength)
                var gathered = [Int](repeating: 0, count: blockPackets)
                let words = UnsafeMutablePointer<UInt64>.allocate(capacity: blockPackets)
                defer { words.deallocate() }
                for (p, count) in dispatch.counts.sorted(by: { $0.key < $1.key }) where count > 0 {
                    guard let sink = sinks[p], var record = firstRecords[p] else { continue }
                    sink.populate(records: record..<(record + count))
                    let plan = plans[p]
                    let fixed = FixedTableRunner(plan: plan, sink: sink)
                    let interpreter = DynamicInterpreter(plan: plan, sink: sink)
                    let slots = UnsafeMutablePointer<ScalarValue>.allocate(capacity: max(1, plan.slotCount))
                    slots.initialize(repeating: ScalarValue(integer: 0), count: max(1, plan.slotCount))
                    defer { slots.deallocate() }

                    func runBlock(_ offsets: UnsafeBufferPointer<Int>) {
                        fixed.run(mapping: mapping, offsets: offsets, firstRecord: record, fileIndex: chunk.file,
                                  headerColumns: headerColumns, uniformLength: uniformLength, words: words)
                        if !plan.isFixedLayout {
                            for (i, offset) in offsets.enumerated() {
                                let length = packetLength(at: offset, in: mapping)
                                var reader = PacketReader(packet: UnsafeRawBufferPointer(rebasing: mapping[offset..<(offset + length)]),
                                                          slots: slots)
                                if let problem = interpreter.run(&reader, record: record + i), findings.count < maxFindings {
                                    findings.append(DecodeFinding(file: file.index.file, offset: offset, apid: packets.apid,
                                                                  container: plan.containerName, message: problem))
                                }
                            }
                        }
                        record += offsets.count
                    }

                    if dispatch.staticPlan == p {
                        var start = chunk.range.lowerBound
                        while start < chunk.range.upperBound {
                            let end = min(chunk.range.upperBound, start + blockPackets)
                            runBlock(UnsafeBufferPointer(rebasing: allOffsets[start..<end]))
                            start = end
                        }
                    } else if let assignment = dispatch.assignment {
                        var n = 0
                        for (k, i) in chunk.range.enumerated() where assignment[k] == Int32(p) {
                            gathered[n] = allOffsets[i]
                            n += 1
                            if n == blockPackets {
                                gathered.withUnsafeBufferPointer { runBlock(UnsafeBufferPointer(rebasing: $0[0..<n])) }
                                n = 0
                            }
                        }
                        if n > 0 { gathered.withUnsafeBufferPointer { runBlock(UnsafeBufferPointer(rebasing: $0[0..<n])) } }
                    }
                }
            }
            if releasePages, let first = packets.offsets[chunk.range].first, let last = packets.offsets[chunk.range].last {
                release(mapping, from: first, to: last + Int(packets.lengths[chunk.range.upperBound - 1]))
            }
        }
        return findings
    }

    /// `MADV_DONTNEED` on the whole pages inside `start..<end` of a read-only private mapping: they
    /// leave the resident set and are read again from the page cache if touched.
    static func release(_ mapping: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        guard let base = mapping.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let address = Int(bitPattern: base)
        let lower = (address + start + page - 1) / page * page
        let upper = (address + end) / page * page
        guard upper > lower else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: lower), upper - lower, MADV_DONTNEED)
    }

    /// Whole packet length from the primary header (the scanner guaranteed it lies in the mapping).
    @inline(__always)
    static func packetLength(at offset: Int, in mapping: UnsafeRawBufferPointer) -> Int {
        Int(mapping.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self).bigEndian) + 7
    }
}
