import Dataset

/// The byte layout of a whole CDF file, computed before anything is written: the offset of every
/// internal record, so that each record can be serialised once with its final links.
///
/// File order: magic, CDR, GDR, each ADR followed by its AgrEDRs and AzEDRs, then per variable its
/// zVDR, CPR (if compressed), VXRs and data blocks (VVR/CVVR). Costs: a few integers per record.
struct CDFLayout {
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

    struct VariableLayout {
        var vdr = 0
        var vdrSize = 0
        var cpr = 0
        var vxrs: [Int] = []
        var blocks: [Int] = []
    }

    var gdr = 8 + cdrSize
    var adrs: [Int] = []
    var aedrs: [[Int]] = []
    var variables: [VariableLayout] = []
    var eof = 0

    static func vxrSize(_ n: Int) -> Int { 28 + 16 * n }

    static func blockSize(_ b: DataBlock, recordBytes: Int) -> Int {
        if let c = b.compressed { return cvvrHeader + c.count }
        return vvrHeader + b.count * recordBytes
    }

    init(attributes: [AttributePlan], variables vars: [ResolvedVariable], blocks: [[DataBlock]]) {
        var at = gdr + Self.gdrSize
        for a in attributes {
            adrs.append(at)
            at += Self.adrSize
            var e: [Int] = []
            for entry in a.entries {
                e.append(at)
                at += Self.aedrHeader + entry.bytes.count
            }
            aedrs.append(e)
        }
        for (i, rv) in vars.enumerated() {
            var l = VariableLayout()
            l.vdr = at
            l.vdrSize = Self.vdrFixed + 8 * rv.dims.count + rv.pad.count
            at += l.vdrSize
            if rv.gzipLevel != nil {
                l.cpr = at
                at += Self.cprSize
            }
            let bs = blocks[i]
            var k = 0
            while k < bs.count {
                let n = min(Self.vxrEntries, bs.count - k)
                l.vxrs.append(at)
                at += Self.vxrSize(n)
                k += n
            }
            for b in bs {
                l.blocks.append(at)
                at += Self.blockSize(b, recordBytes: rv.recordBytes)
            }
            variables.append(l)
        }
        eof = at
    }
}
