import Dataset

/// The byte layout of a CDF file: where every internal record goes, so that each record is
/// serialised once with its final links.
///
/// File order: magic, CDR, GDR, each ADR followed by its AgrEDRs and AzEDRs, then per variable its
/// zVDR, CPR (if compressed), VXRs and data blocks (VVR/CVVR). The metadata part is placed up front;
/// each variable is placed once its blocks' sizes are known (after compression), right after the
/// previous one. Costs: a few integers per record.
enum CDFLayout {
    static let magic: [UInt8] = [0xCD, 0xF3, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xFF]
    static let cdrSize = 312
    static let gdrSize = 84
    static let adrSize = 324
    static let aedrHeader = 56
    static let vdrFixed = 344
    static let cprSize = 28
    static let vvrHeader = 12
    static let cvvrHeader = 24
    /// Entries per VXR; more blocks chain further VXRs. The NASA library (3.9.1) reports a file
    /// with more than 10 entries in one VXR as corrupted (found by the property tests), so 10 it is.
    static let vxrEntries = 10
    static let gdrOffset = 8 + cdrSize

    static func vxrSize(_ n: Int) -> Int { 28 + 16 * n }

    static func blockSize(_ b: DataBlock, recordBytes: Int) -> Int {
        if let c = b.compressed { return cvvrHeader + c.count }
        return vvrHeader + b.count * recordBytes
    }

    /// Offsets of the attribute records, which follow the GDR.
    struct Metadata {
        var adrs: [Int] = []
        var aedrs: [[Int]] = []
        /// Where the first variable's zVDR goes.
        var end = 0

        init(attributes: [AttributePlan]) {
            var at = gdrOffset + gdrSize
            for a in attributes {
                adrs.append(at)
                at += adrSize
                var e: [Int] = []
                for entry in a.entries {
                    e.append(at)
                    at += aedrHeader + entry.bytes.count
                }
                aedrs.append(e)
            }
            end = at
        }
    }

    /// One VXR: its offset, the next VXR on its level (top level only; 0 ends), and its entries
    /// (record range and the offset of a data block or of a lower-level VXR).
    struct VXRNode {
        var offset = 0
        var next = 0
        var entries: [(first: Int, last: Int, offset: Int)] = []
    }

    /// Offsets of one variable's records, placed at `start`.
    ///
    /// The index is a tree of VXRs with at most `vxrEntries` entries each, as the NASA library
    /// builds it: leaves point to data blocks, each level above to up to 10 VXRs of the level below,
    /// and the top level (at most 10 VXRs, unless there is only one level) is a chain from the VDR.
    /// A lookup reads O(log10 blocks) VXRs instead of walking a long chain.
    struct Variable {
        var vdr = 0
        var vdrSize = 0
        var cpr = 0
        /// All VXRs in file order; the top level comes first.
        var vxrs: [VXRNode] = []
        var vxrHead = 0
        var vxrTail = 0
        var blocks: [Int] = []
        /// The first byte after this variable's records.
        var end = 0

        init(_ rv: ResolvedVariable, blocks bs: [DataBlock], at start: Int) {
            var at = start
            vdr = at
            vdrSize = vdrFixed + 8 * rv.dims.count + rv.pad.count
            at += vdrSize
            if rv.gzipLevel != nil {
                cpr = at
                at += cprSize
            }
            // Entry counts per level, bottom up: leaves hold blocks, upper levels hold VXRs.
            var levels: [[Int]] = []
            var count = bs.count
            while count > 0 {
                let sizes = stride(from: 0, to: count, by: vxrEntries).map { min(vxrEntries, count - $0) }
                levels.append(sizes)
                if sizes.count <= vxrEntries || sizes.count == count { break }
                count = sizes.count
            }
            // Place VXRs top level first, then each lower level, then the blocks.
            var placed: [[Int]] = Array(repeating: [], count: levels.count)
            for li in levels.indices.reversed() {
                for n in levels[li] {
                    placed[li].append(at)
                    at += vxrSize(n)
                }
            }
            for b in bs {
                blocks.append(at)
                at += blockSize(b, recordBytes: rv.recordBytes)
            }
            end = at
            // Entries: leaves cover blocks; a node above covers the range of its children.
            var ranges: [(first: Int, last: Int, offset: Int)] = zip(bs, blocks).map { ($0.first, $0.last, $1) }
            var nodesByLevel: [[VXRNode]] = []
            for li in levels.indices {
                var nodes: [VXRNode] = []
                var k = 0
                for (ni, n) in levels[li].enumerated() {
                    nodes.append(VXRNode(offset: placed[li][ni], next: 0, entries: Array(ranges[k..<(k + n)])))
                    k += n
                }
                ranges = nodes.map { ($0.entries.first!.first, $0.entries.last!.last, $0.offset) }
                nodesByLevel.append(nodes)
            }
            if var top = nodesByLevel.last {
                for i in top.indices where i + 1 < top.count { top[i].next = top[i + 1].offset }
                nodesByLevel[nodesByLevel.count - 1] = top
                vxrHead = top.first!.offset
                vxrTail = top.last!.offset
            }
            vxrs = nodesByLevel.reversed().flatMap { $0 }
        }
    }
}
