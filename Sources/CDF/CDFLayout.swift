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

    /// Offsets of one variable's records, placed at `start`.
    struct Variable {
        var vdr = 0
        var vdrSize = 0
        var cpr = 0
        var vxrs: [Int] = []
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
            var k = 0
            while k < bs.count {
                let n = min(vxrEntries, bs.count - k)
                vxrs.append(at)
                at += vxrSize(n)
                k += n
            }
            for b in bs {
                blocks.append(at)
                at += blockSize(b, recordBytes: rv.recordBytes)
            }
            end = at
        }
    }
}
