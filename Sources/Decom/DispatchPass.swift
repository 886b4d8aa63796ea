// Pass 1 of a decode: which container each packet of a chunk is, and how many go to each.

import SpacePackets

/// A run of packets of one APID of one file, the unit of parallel work.
struct Chunk: Sendable {
    var file: Int
    /// Index into the file's `PacketIndex.apids`.
    var apidSlot: Int
    var range: Range<Int>
}

/// What the dispatch pass learnt about one chunk.
///
/// `assignment` is `nil` when every packet goes to `staticPlan` (no per-packet array at all).
struct ChunkDispatch: Sendable {
    var staticPlan: Int?
    /// Plan index per packet of the chunk, or -1 for a packet not decoded.
    var assignment: [Int32]?
    var counts: [Int: Int] = [:]
    var longest: [Int: Int] = [:]
    var undecoded: [UndecodedReason: (count: Int, firstOffset: Int)] = [:]
    var findings: [DecodeFinding] = []
}

/// Dispatch of one APID, settled once: a fixed outcome, or a tree to walk per packet.
struct APIDDispatch: Sendable {
    var tree: DispatchTree
    var staticOutcome: DispatchOutcome?
}

enum DispatchPass {
    static func run(_ chunk: Chunk, file: ScannedFile, dispatch: APIDDispatch, plans: [DecodePlan],
                    maxFindings: Int) -> ChunkDispatch {
        let packets = file.index.apids[chunk.apidSlot]
        var result = ChunkDispatch()
        func undecoded(_ reason: UndecodedReason, at i: Int) {
            if let known = result.undecoded[reason] {
                result.undecoded[reason] = (known.count + 1, known.firstOffset)
            } else {
                result.undecoded[reason] = (1, packets.offsets[i])
            }
        }
        func assign(_ plan: Int, _ i: Int, _ k: Int, _ assignment: inout [Int32]) {
            let length = Int(packets.lengths[i])
            if length * 8 < plans[plan].minimumBits {
                undecoded(.shorterThanContainer(plans[plan].containerName), at: i)
                if result.findings.count < maxFindings {
                    result.findings.append(DecodeFinding(
                        file: file.index.file, offset: packets.offsets[i], apid: packets.apid, container: plans[plan].containerName,
                        message: "packet of \(length) bytes is shorter than the container's \((plans[plan].minimumBits + 7) / 8) bytes; not decoded"))
                }
                assignment[k] = -1
                return
            }
            assignment[k] = Int32(plan)
            result.counts[plan, default: 0] += 1
            result.longest[plan] = max(result.longest[plan] ?? 0, length)
        }

        if let outcome = dispatch.staticOutcome {
            guard case .plan(let p) = outcome else {
                let reason: UndecodedReason
                switch outcome {
                case .ambiguous(let c): reason = .ambiguous(c)
                case .unreadable(let c): reason = .restrictionUnreadable(c)
                default: reason = .unknownAPID
                }
                result.undecoded[reason] = (chunk.range.count, packets.offsets[chunk.range.lowerBound])
                return result
            }
            var shortest = Int.max, longest = 0
            for i in chunk.range {
                let l = Int(packets.lengths[i])
                shortest = min(shortest, l)
                longest = max(longest, l)
            }
            if shortest * 8 >= plans[p].minimumBits {
                result.staticPlan = p
                result.counts[p] = chunk.range.count
                result.longest[p] = longest
                return result
            }
            var assignment = [Int32](repeating: -1, count: chunk.range.count)
            for (k, i) in chunk.range.enumerated() { assign(p, i, k, &assignment) }
            result.assignment = assignment
            return result
        }

        var assignment = [Int32](repeating: -1, count: chunk.range.count)
        let scratch = dispatch.tree.prefixPlans.isEmpty ? nil : DispatchScratch()
        file.mapping.withBytes { bytes in
            for (k, i) in chunk.range.enumerated() {
                let offset = packets.offsets[i]
                let packet = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(packets.lengths[i]))])
                var reader = PacketReader(packet: packet, slots: nil)
                switch dispatch.tree.dispatch(&reader, packet: packet, scratch: scratch) {
                case .plan(let p): assign(p, i, k, &assignment)
                case .noContainer: undecoded(.unknownAPID, at: i)
                case .noInheritor(let c): undecoded(.noMatchingContainer(c), at: i)
                case .ambiguous(let c): undecoded(.ambiguous(c), at: i)
                case .unreadable(let c): undecoded(.restrictionUnreadable(c), at: i)
                }
            }
        }
        result.assignment = assignment
        return result
    }
}
